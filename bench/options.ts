/**
 * The bench's command-line flags, resolved once into a frozen options object with one explicit
 * default per field. `--tiny` swaps the defaults for a configuration that finishes in well under a
 * minute (the smoke test's); explicit flags still win over it.
 */

export const SERVER_NAMES = ['mock', 'bare', 'prism', 'prism-dynamic'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** The APIs whose requests the throughput section measures, each on its own mock and its own Prism (`--api`). */
export const API_NAMES = ['flashback', 'tours'] as const;
export type ApiName = (typeof API_NAMES)[number];

export interface BenchOptions {
  /** Seconds of each measured autocannon run. */
  readonly duration: number;
  readonly connections: number;
  /** Caps every run at this many requests/s (autocannon overallRate); null: as fast as it goes. */
  readonly rate: number | null;
  /** Seconds of the discarded run before each measured one. */
  readonly warmup: number;
  /** Throughput rounds: each request is measured this many times on every server; the median is reported. */
  readonly rounds: number;
  /** The servers to drive, in the order they run in the odd rounds (reversed in the even ones). */
  readonly only: readonly ServerName[];
  /**
   * The APIs whose requests are measured: Flashback's six on its mock (`--users` users), Tours &
   * Events' reads on its own mock (1,000 members), each against the one bare server and Prism serving
   * that API's spec. Start-up, scale, state-file writes and conformance measure the Flashback mock.
   */
  readonly apis: readonly ApiName[];
  readonly skipScale: boolean;
  readonly skipConformance: boolean;
  readonly tiny: boolean;
  /** Generated users of the throughput runs' organization. */
  readonly users: number;
  /** Generated users of the scale run. */
  readonly scaleUsers: number;
  /** Create batches of the scale run, and the seconds of each. */
  readonly scaleBatches: number;
  readonly scaleBatchSeconds: number;
  /** Sequential GETs of the 100k-user list; the median is reported. */
  readonly listRuns: number;
  /** Spawns per server for the start-up median. */
  readonly startupRuns: number;
  readonly seed: number;
  /** Where the timestamped JSON and latest.json go. */
  readonly outDir: string;
  /** Also print the figures as a Markdown table (the README's). */
  readonly markdown: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const USAGE =
  'usage: npm run bench -- [--duration S] [--connections N] [--warmup S] [--rounds R] [--rate N] [--only mock,bare,prism,prism-dynamic] [--api flashback,tours] ' +
  '[--skip-scale] [--skip-conformance] [--tiny] [--users N] [--scale-users N] [--seed N] [--out DIR] [--markdown]';

const FULL = {
  duration: 5,
  connections: 10,
  warmup: 1,
  rounds: 3,
  only: SERVER_NAMES,
  users: 50,
  scaleUsers: 100_000,
  scaleBatches: 5,
  scaleBatchSeconds: 3,
  listRuns: 5,
  startupRuns: 5,
} as const;

const TINY = {
  duration: 1,
  connections: 2,
  warmup: 0.3,
  rounds: 1,
  only: ['mock', 'bare', 'prism'] as readonly ServerName[],
  users: 50,
  scaleUsers: 2_000,
  scaleBatches: 2,
  scaleBatchSeconds: 0.5,
  listRuns: 2,
  startupRuns: 1,
} as const;

/** Each round measures every request on every server: a bound on how long a mistyped --rounds can run. */
export const MAX_ROUNDS = 15;

type FlagKind = 'number' | 'integer' | 'list' | 'string' | 'boolean';
const FLAGS: Readonly<Record<string, FlagKind>> = {
  '--duration': 'number',
  '--connections': 'integer',
  '--rate': 'integer',
  '--warmup': 'number',
  '--rounds': 'integer',
  '--only': 'list',
  '--api': 'list',
  '--skip-scale': 'boolean',
  '--skip-conformance': 'boolean',
  '--tiny': 'boolean',
  '--users': 'integer',
  '--scale-users': 'integer',
  '--seed': 'integer',
  '--out': 'string',
  '--markdown': 'boolean',
  '--help': 'boolean',
};

/** Parses argv (without node and the script); throws UsageError with a one-line message. */
export function parseOptions(argv: readonly string[], defaultOutDir: string): BenchOptions | 'help' {
  const raw = readFlags(argv);
  if (raw.has('--help')) return 'help';
  const base = raw.has('--tiny') ? TINY : FULL;
  const num = (flag: string, fallback: number, min: number, max = Number.POSITIVE_INFINITY): number => {
    const value = raw.get(flag);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    const integer = FLAGS[flag] === 'integer';
    if (!Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
      const range = Number.isFinite(max) ? `from ${min} to ${max}` : `>= ${min}`;
      throw new UsageError(`${flag} expects ${integer ? 'an integer' : 'a number'} ${range}, got "${value}"`);
    }
    return parsed;
  };
  return Object.freeze({
    duration: num('--duration', base.duration, 0.1),
    connections: num('--connections', base.connections, 1),
    rate: raw.has('--rate') ? num('--rate', 0, 1) : null,
    warmup: num('--warmup', base.warmup, 0),
    rounds: num('--rounds', base.rounds, 1, MAX_ROUNDS),
    only: parseOnly(raw.get('--only'), base.only),
    apis: parseList('--api', raw.get('--api'), API_NAMES, API_NAMES),
    skipScale: raw.has('--skip-scale'),
    skipConformance: raw.has('--skip-conformance'),
    tiny: raw.has('--tiny'),
    users: num('--users', base.users, 1),
    scaleUsers: num('--scale-users', base.scaleUsers, 1),
    scaleBatches: base.scaleBatches,
    scaleBatchSeconds: base.scaleBatchSeconds,
    listRuns: base.listRuns,
    startupRuns: base.startupRuns,
    seed: num('--seed', 1, 0),
    outDir: raw.get('--out') ?? defaultOutDir,
    markdown: raw.has('--markdown'),
  });
}

export function usage(): string {
  return USAGE;
}

function readFlags(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const kind = FLAGS[name];
    if (kind === undefined) throw new UsageError(`unknown flag "${arg}"; ${USAGE}`);
    if (out.has(name)) throw new UsageError(`${name} given twice`);
    if (kind === 'boolean') {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      out.set(name, 'true');
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      throw new UsageError(`${name} needs a value`);
    }
    out.set(name, value);
  }
  return out;
}

function parseOnly(value: string | undefined, fallback: readonly ServerName[]): readonly ServerName[] {
  // Keep the canonical order: the mock runs first because the bare server replays its bytes.
  return parseList('--only', value, SERVER_NAMES, fallback);
}

/** A comma-separated list of some of `known`, in `known`'s order; `fallback` when the flag is absent. */
function parseList<T extends string>(flag: string, value: string | undefined, known: readonly T[], fallback: readonly T[]): readonly T[] {
  if (value === undefined) return fallback;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`${flag} expects a list of ${known.join(', ')}; got "${value}"`);
  }
  return known.filter((n) => names.includes(n));
}
