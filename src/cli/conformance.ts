/**
 * `npm run conformance -- [--target URL] ...`: runs the conformance suite against a target, or,
 * without --target, against the embedded mock started in-process on a free port. Thin: it parses
 * flags, composes the suite (conformance/) with the mock server (src/server) and writes reports.
 *
 * Exit codes: 0 every check passed, 1 a check failed (or, with --fail-on-skip, one was skipped),
 * 2 usage, config, colliding principals or unreachable target, or a run stopped before its end
 * (--deadline, --max-unanswered); then the report files asked for still say why (and what ran).
 * While it runs, progress goes to stderr (--quiet: none).
 */
import { parseArgs } from 'node:util';
import {
  formatConsoleReport,
  progressPrinter,
  PROFILES,
  profileFor,
  runConformance,
  SetupError,
  writeReports,
  writeSetupErrorReports,
  type RunResult,
} from '../../conformance/index.js';
import { API_DEFINITIONS } from '../apis/index.js';
import type { ApiName } from '../apis/names.js';
import { CONTROL_TOKEN_ENV } from './mock-options.js';

const groupLines = Object.values(PROFILES)
  .map((p) => `                         ${p.name}: ${p.groups.map((g) => g.name).join(', ')}`)
  .join('\n');
const principalHelp = Object.values(PROFILES)
  .map((p) => `${p.title} (--api ${p.name}):\n${p.principalHelp}`)
  .join('\n\n');

const USAGE = `Usage: npm run conformance -- [options]

  --api NAME             the API the target serves: ${Object.keys(PROFILES).join(' or ')} (default flashback)
  --target URL           the API to check (default: start the embedded mock of --api on a free port)
  --config FILE          principals, as the README's "Pointing the suite at a real backend" shows for each API
  --only GROUP,...       run only these groups:
${groupLines}
  --read-only            run only what changes nothing on the target; list what was skipped
  --lenient-messages     accept any non-empty message where the spec documents one
  --fail-on-skip         a skipped check fails the run (exit 1), e.g. when a principal is not given
  --spend-rate-limit     also reach the rate limit on purpose (the 429 checks): spends the target's quota
  --junit FILE           write a JUnit XML report
  --json FILE            write the whole result as JSON
  --html FILE            write a self-contained HTML report (matrix and failures)
  --timeout MS           per-request timeout (default 10000)
  --control-token TOKEN  the token of a mock's control plane (/__mock), which a mock listening beyond
                         the loopback requires (default: $${CONTROL_TOKEN_ENV})
  --max-body SIZE        the most of one answer's body read, e.g. 1MiB, 512KiB, 100000 (bytes);
                         a longer body fails its check, unread (default 1MiB)
  --deadline DURATION    the whole run's time, e.g. 15m, 90s, 1h, or none; past it the run stops,
                         incomplete (exit 2), and reports what ran (default 15m)
  --max-unanswered N     stop the run, incomplete (exit 2), after N requests in a row time out or
                         cannot connect; 0: never (default 5)
  --quiet                no progress lines on stderr
  --run-id ID            the run id in what the run creates (default: random)
  --no-color             plain console output
  -h, --help             this text

${principalHelp}
Exit codes: 0 all passed, 1 a check failed (or was skipped, with --fail-on-skip), 2 usage, config,
principals that are the same user, unreachable target, or a run stopped by --deadline or
--max-unanswered (the --junit, --json and --html files say why, and hold what ran).`;

const FLAGS = {
  api: { type: 'string' },
  target: { type: 'string' },
  config: { type: 'string' },
  only: { type: 'string' },
  'read-only': { type: 'boolean' },
  'lenient-messages': { type: 'boolean' },
  'fail-on-skip': { type: 'boolean' },
  'spend-rate-limit': { type: 'boolean' },
  junit: { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  timeout: { type: 'string' },
  'max-body': { type: 'string' },
  'control-token': { type: 'string' },
  deadline: { type: 'string' },
  'max-unanswered': { type: 'string' },
  quiet: { type: 'boolean' },
  'run-id': { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseFlags>;

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new SetupError(`${(err as Error).message.split('\n')[0]}. Run with --help for usage.`);
  }
}

function parseTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new SetupError(`--timeout needs a whole number of milliseconds, got "${raw}"`);
  return Number(raw);
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kib: 1024, m: 1024 * 1024, mib: 1024 * 1024 };

function parseMaxBody(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d+)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'none'];
  const bytes = match && unit !== undefined ? Number(match[1]) * unit : 0;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new SetupError(`--max-body needs a size such as 1MiB, 512KiB or 100000 (bytes), got "${raw}"`);
  return bytes;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `15m`, `90s`, `1.5h`, `500ms`; `none` (or 0): no deadline. */
function parseDeadline(raw: string | undefined): number | null | undefined {
  if (raw === undefined) return undefined;
  if (/^(none|0)$/i.test(raw.trim())) return null;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)$/i.exec(raw.trim());
  const ms = match ? Math.round(Number(match[1]) * (DURATION_UNITS[match[2]?.toLowerCase() ?? ''] ?? 0)) : 0;
  if (ms <= 0) throw new SetupError(`--deadline needs a duration such as 15m, 90s or 1h (or none), got "${raw}"`);
  return ms;
}

function parseMaxUnanswered(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new SetupError(`--max-unanswered needs a whole number of requests (0: never stop), got "${raw}"`);
  return Number(raw);
}

async function withTarget<T>(flags: Flags, run: (target: string) => Promise<T>): Promise<T> {
  if (flags.target !== undefined) return run(flags.target);
  // Only the CLI composes the suite with the mock; the suite itself sees nothing but HTTP.
  const { startServer } = await import('../server/index.js');
  const definition = API_DEFINITIONS[profileFor(flags.api).name as ApiName];
  const server = await startServer({ definition, port: 0, log: null });
  try {
    return await run(server.url);
  } finally {
    await server.close();
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const startedAt = new Date().toISOString();
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    return setupFailed(err, null, startedAt);
  }
  try {
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const timeoutMs = parseTimeout(flags.timeout);
    const maxBodyBytes = parseMaxBody(flags['max-body']);
    const deadlineMs = parseDeadline(flags.deadline);
    const maxUnanswered = parseMaxUnanswered(flags['max-unanswered']);
    profileFor(flags.api); // an unknown --api is a usage error before any server starts
    const progress = flags.quiet ? null : progressPrinter(process.stderr);
    const result: RunResult = await withTarget(flags, (target) =>
      runConformance({
        api: flags.api,
        target,
        configFile: flags.config,
        env: process.env,
        only: flags.only,
        readOnly: flags['read-only'],
        lenientMessages: flags['lenient-messages'],
        failOnSkip: flags['fail-on-skip'],
        spendRateLimit: flags['spend-rate-limit'],
        timeoutMs,
        controlToken: flags['control-token'] ?? process.env[CONTROL_TOKEN_ENV] ?? null,
        maxBodyBytes,
        deadlineMs,
        maxUnanswered,
        onProgress: progress?.listener,
        runId: flags['run-id'],
      }),
    ).finally(() => progress?.done());
    const written = writeReports(result, { junit: flags.junit, json: flags.json, html: flags.html });
    const color = !flags['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(`${formatConsoleReport(result, { color, written })}\n`);
    // A run that stopped early: the report above holds what ran; this line says why and what to do.
    if (result.incomplete !== undefined) process.stderr.write(`conformance: ${result.incomplete}\n`);
    return result.exitCode;
  } catch (err) {
    return setupFailed(err, flags, startedAt);
  }
}

/**
 * Exit 2: the reason as one line on stderr; and the report files asked for (when the flags could be
 * read) are written all the same, saying why the run could not start, for a CI step that publishes them.
 */
function setupFailed(err: unknown, flags: Flags | null, startedAt: string): 2 {
  const message = err instanceof SetupError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`conformance: ${message}\n`);
  if (!flags) return 2;
  try {
    writeSetupErrorReports(
      { message, api: flags.api ?? null, target: flags.target ?? null, startedAt },
      { junit: flags.junit, json: flags.json, html: flags.html },
    );
  } catch (writeError) {
    process.stderr.write(`conformance: could not write the reports either: ${writeError instanceof Error ? writeError.message : String(writeError)}\n`);
  }
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
