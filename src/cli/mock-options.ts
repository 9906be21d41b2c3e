/**
 * The flags of `npm start` (src/cli/mock.ts), read with node:util parseArgs into ServerOptions.
 * One table holds every flag: the parser and `--help` are both built from it.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LatencyRange } from '../server/faults.js';
import type { CorsOrigins } from '../server/cors.js';
import type { ServerOptions } from '../server/start-server.js';
import { API_NAMES, DEFAULT_API_NAME, type ApiName } from '../apis/names.js';
import type { RateLimitSetting } from '../engine/api.js';
import { DEFAULTS } from '../engine/defaults.js';
import { nearest } from './nearest.js';

/** A mistake in the command line; the message is one line that says what to do. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface Flag {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in `--help`. */
  readonly value?: string;
  readonly help: string;
}

/** The environment variables of the two secrets (a flag wins over its variable). */
export const CONTROL_TOKEN_ENV = 'ORG_CONTRACT_CONTROL_TOKEN';
export const SIGNING_KEY_ENV = 'ORG_CONTRACT_SIGNING_KEY';

export const FLAGS: readonly Flag[] = [
  { name: 'api', type: 'string', value: 'NAME', help: `The API to serve: ${API_NAMES.join(' or ')}. Default: ${DEFAULT_API_NAME}.` },
  { name: 'port', type: 'string', value: 'N', help: `Port to listen on; 0 picks a free one. Default: $PORT, else ${DEFAULTS.cliPort}.` },
  { name: 'host', type: 'string', value: 'HOST', help: `Address to listen on. Default: ${DEFAULTS.host} (0.0.0.0 for every interface).` },
  {
    name: 'seed',
    type: 'string',
    value: 'N',
    help: `Seed of the generated data and the fault generator (and, on the loopback without --signing-key, of the signing key). Default: ${DEFAULTS.seed}.`,
  },
  { name: 'users', type: 'string', value: 'N', help: `Extra generated users in the first organization. Default: ${DEFAULTS.users}.` },
  { name: 'token-ttl', type: 'string', value: 'SECONDS', help: `Lifetime of access tokens. Default: ${DEFAULTS.tokenTtlSeconds}.` },
  {
    name: 'rate-limit',
    type: 'string',
    value: 'N/SECONDS|off',
    help: 'Requests per window of one credential, for an API with rate limits (tours). Default: its documented 100/60.',
  },
  { name: 'state-file', type: 'string', value: 'PATH', help: 'Load the state from PATH at start and write it there after every change.' },
  { name: 'latency', type: 'string', value: 'MIN[-MAX]', help: 'Delay every API answer by MIN ms, or by MIN to MAX ms (seeded).' },
  { name: 'error-rate', type: 'string', value: 'P', help: 'Answer an API request with its documented 500 with probability P (0..1, seeded).' },
  { name: 'cors-origin', type: 'string', value: 'ORIGINS', help: 'Origins allowed by CORS, comma-separated. Default: * (any).' },
  {
    name: 'control-token',
    type: 'string',
    value: 'TOKEN',
    help: `Token /__mock requires (Authorization: Bearer TOKEN). Default: $${CONTROL_TOKEN_ENV}; else none on the loopback, a random one (printed) beyond it.`,
  },
  {
    name: 'signing-key',
    type: 'string',
    value: 'SECRET',
    help: `Secret that signs tokens and derives the seeded credentials. Default: $${SIGNING_KEY_ENV}; else from --seed on the loopback, random beyond it.`,
  },
  { name: 'no-control-plane', type: 'boolean', help: 'Switch off /__mock (the control plane, the dashboard at /__mock/ and the API docs at /__mock/docs).' },
  { name: 'quiet', type: 'boolean', help: 'No start-up banner and no request log.' },
  {
    name: 'ready-file',
    type: 'string',
    value: 'PATH',
    help: 'Once listening, write {"url", "port", "pid"} as JSON to PATH (with --port 0, how a script learns the port).',
  },
  { name: 'help', type: 'boolean', help: 'Show this help.' },
];

/** The flags, resolved: the server's own settings (one definition, in ServerOptions) plus help and quiet. */
export type MockCliOptions = Pick<
  ServerOptions,
  | 'port'
  | 'host'
  | 'seed'
  | 'users'
  | 'tokenTtlSeconds'
  | 'rateLimit'
  | 'stateFile'
  | 'latency'
  | 'errorRate'
  | 'corsOrigins'
  | 'controlPlane'
  | 'controlToken'
  | 'signingKey'
> & {
  /** `--ready-file`: where to write the URL once listening, or null. */
  readonly readyFile: string | null;
  /** The API to serve (src/apis/names.ts). */
  readonly apiName: ApiName;
  readonly help: boolean;
  readonly quiet: boolean;
};

export const DEFAULT_PORT = DEFAULTS.cliPort;

export function helpText(): string {
  const rows = FLAGS.map((f) => [`--${f.name}${f.value ? ` ${f.value}` : ''}`, f.help] as const);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    'Usage: npm start -- [options]    (or: npx org-contract mock [options])',
    '',
    'The mock server of an organization API (Flashback by default; --api picks another), with its /__mock control plane.',
    '',
    'Options:',
    ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`),
    '',
    'Exit codes: 0 after SIGINT/SIGTERM, 2 for a usage mistake, a busy port, an unusable state file or a spec that does not parse.',
  ].join('\n');
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function latency(text: string): LatencyRange {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  const min = match ? Number(match[1]) : NaN;
  const max = match?.[2] !== undefined ? Number(match[2]) : min;
  if (!match || !(min <= max) || max > 600_000) {
    throw new UsageError(`--latency must be MIN or MIN-MAX in milliseconds (0 to 600000, MIN <= MAX), got "${text}"`);
  }
  return { min, max };
}

function probability(text: string): number {
  const value = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 1)) throw new UsageError(`--error-rate must be a number from 0 to 1, got "${text}"`);
  return value;
}

function rateLimit(text: string): RateLimitSetting | null {
  if (text.trim().toLowerCase() === 'off') return null;
  const match = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*$/.exec(text);
  const limit = match ? Number(match[1]) : NaN;
  const windowSeconds = match ? Number(match[2]) : NaN;
  if (!(limit >= 1 && windowSeconds >= 1 && windowSeconds <= 86_400)) {
    throw new UsageError(`--rate-limit must be N/SECONDS (N >= 1 requests per 1 to 86400 seconds) or off, got "${text}"`);
  }
  return { limit, windowSeconds };
}

/** A secret: at least 16 characters with no whitespace (a guessable or truncated one is a mistake). */
function secret(flag: string, text: string): string {
  if (text.length < 16 || /\s/.test(text)) throw new UsageError(`${flag} needs a secret of at least 16 characters without spaces`);
  return text;
}

/** A secret from the environment; an empty variable counts as unset. */
function envSecret(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const text = env[name];
  return text === undefined || text === '' ? undefined : secret(name, text);
}

function apiName(text: string): ApiName {
  const name = API_NAMES.find((n) => n === text.trim().toLowerCase());
  if (!name) throw new UsageError(`--api must be one of ${API_NAMES.join(', ')}, got "${text}"`);
  return name;
}

function origins(text: string): CorsOrigins {
  const list = text
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (list.length === 0) throw new UsageError('--cors-origin needs * or a comma-separated list of origins');
  if (list.includes('*')) return '*';
  const bad = list.find((o) => !/^https?:\/\/[^/\s]+$/.test(o));
  if (bad) throw new UsageError(`--cors-origin takes origins such as https://app.example.com (scheme and host, no path), got "${bad}"`);
  return list;
}

/** Rewrites parseArgs' messages (long, with advice about `--`) into one line. */
function usageFrom(error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /'(-{1,2}[^'\s]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = option.startsWith('--')
      ? nearest(
          option.slice(2).split('=')[0] ?? '',
          FLAGS.map((f) => f.name),
        )
      : null;
    return new UsageError(`unknown option ${option}${near ? ` (did you mean --${near}?)` : ''}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(message)) return new UsageError(`${option} needs a value`);
    if (/ambiguous/.test(message)) return new UsageError(`${option} needs a value; write ${option}=-... for one that starts with -`);
    return new UsageError(`${option} takes no value`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return new UsageError(`unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}: every option starts with --`);
  return new UsageError(message.split('\n')[0] ?? message);
}

/** Reads the command line and environment; throws UsageError for any mistake. */
export function parseMockArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, cwd = process.cwd()): MockCliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(FLAGS.map((f) => [f.name, { type: f.type, ...(f.name === 'help' ? { short: 'h' } : {}) }]));
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw usageFrom(error);
  }
  /** The flag's value read by `read`, or `fallback` when the flag is absent. */
  const flag = <T>(name: string, read: (text: string) => T, fallback: T): T => {
    const text = values[name];
    return typeof text === 'string' ? read(text) : fallback;
  };
  // --port wins over $PORT; a bad $PORT matters only when it is used.
  const port = flag('port', (t) => integer('--port', t, 0, 65535), null) ?? (env.PORT === undefined ? DEFAULT_PORT : integer('PORT', env.PORT, 0, 65535));
  return Object.freeze({
    apiName: flag('api', apiName, DEFAULT_API_NAME),
    help: values.help === true,
    quiet: values.quiet === true,
    port,
    host: flag('host', (t) => t || DEFAULTS.host, DEFAULTS.host),
    seed: flag('seed', (t) => integer('--seed', t, 0, 2 ** 32 - 1), DEFAULTS.seed),
    users: flag('users', (t) => integer('--users', t, 0, 100_000), DEFAULTS.users),
    rateLimit: flag('rate-limit', rateLimit, undefined as RateLimitSetting | null | undefined),
    tokenTtlSeconds: flag('token-ttl', (t) => integer('--token-ttl', t, 1, 10 * 365 * 24 * 3600), DEFAULTS.tokenTtlSeconds),
    stateFile: flag(
      'state-file',
      (t) => {
        if (t.trim() === '') throw new UsageError('--state-file needs a path');
        return resolve(cwd, t);
      },
      null as string | null,
    ),
    latency: flag('latency', latency, null as LatencyRange | null),
    errorRate: flag('error-rate', probability, DEFAULTS.errorRate),
    corsOrigins: flag('cors-origin', origins, DEFAULTS.corsOrigins as CorsOrigins),
    controlPlane: values['no-control-plane'] !== true && DEFAULTS.controlPlane,
    controlToken: flag('control-token', (t) => secret('--control-token', t), undefined) ?? envSecret(CONTROL_TOKEN_ENV, env),
    signingKey: flag('signing-key', (t) => secret('--signing-key', t), undefined) ?? envSecret(SIGNING_KEY_ENV, env),
    readyFile: flag(
      'ready-file',
      (t) => {
        if (t.trim() === '') throw new UsageError('--ready-file needs a path');
        return resolve(cwd, t);
      },
      null as string | null,
    ),
  });
}
