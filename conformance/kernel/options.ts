/**
 * The options of a run, resolved once into a frozen object with one explicit default per field.
 * Anything unusable is a SetupError whose message says what to do.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_MAX_BODY_BYTES, type FetchLike } from './http/client.js';
import { SetupError } from './errors.js';
import type { ProgressListener } from './progress.js';

export interface ConformanceOptions {
  /** Base URL of the target, e.g. `http://127.0.0.1:4010`. */
  readonly target: string;
  /** `--config FILE`: principals as `{token}` or `{email, password}`. */
  readonly configFile?: string | undefined;
  /** Where `CONFORMANCE_<NAME>_*` variables are read; the CLI passes `process.env`. Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** `--only`: the groups to run (names or a comma-separated list). Default: all. */
  readonly only?: readonly string[] | string | undefined;
  /** `--read-only`: run only what changes nothing on the target. */
  readonly readOnly?: boolean | undefined;
  /** `--lenient-messages`: accept any non-empty message where the spec documents one. */
  readonly lenientMessages?: boolean | undefined;
  /** `--fail-on-skip`: a skipped case fails the run (exit 1), e.g. a principal not given. Default: skips are allowed. */
  readonly failOnSkip?: boolean | undefined;
  /**
   * `--spend-rate-limit`: run the checks that exhaust a credential's rate-limit window on purpose (a
   * fresh credential's, but the target's quota all the same). Default: skipped, saying so.
   */
  readonly spendRateLimit?: boolean | undefined;
  /** Per-request timeout. Default 10 s. */
  readonly timeoutMs?: number | undefined;
  /**
   * `--control-token`: the bearer token a mock's control plane (`/__mock/...`) requires when it
   * listens beyond the loopback or was given one; sent on those requests only. Default: none.
   */
  readonly controlToken?: string | null | undefined;
  /** `--max-body`: the most bytes of one answer's body the suite reads; a longer one fails its check. Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined;
  /** `--deadline`: the whole run's time; past it the run stops, incomplete (exit 2). Default 15 min; null: none. */
  readonly deadlineMs?: number | null | undefined;
  /** `--max-unanswered`: stop the run after this many requests in a row time out or cannot connect. Default 5; 0: never. */
  readonly maxUnanswered?: number | undefined;
  /** Told as groups start and end, and of every request (the CLI's progress line). Default: none. */
  readonly onProgress?: ProgressListener | undefined;
  /** Marks the users a run creates (`conf-<runId>-...@example.test`). Default: random. */
  readonly runId?: string | undefined;
  /** Another spec file (tests). Default: the profile's own (openapi/organization.yaml for Flashback). */
  readonly specFile?: string | undefined;
  /** Injected fetch (tests). Default: the global fetch. */
  readonly fetch?: FetchLike | undefined;
}

export interface ResolvedOptions {
  readonly target: string;
  readonly configFile: string | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly only: readonly string[];
  readonly readOnly: boolean;
  readonly lenientMessages: boolean;
  readonly spendRateLimit: boolean;
  readonly failOnSkip: boolean;
  readonly timeoutMs: number;
  readonly controlToken: string | null;
  readonly maxBodyBytes: number;
  readonly deadlineMs: number | null;
  readonly maxUnanswered: number;
  readonly onProgress: ProgressListener | null;
  readonly runId: string;
  readonly specFile: string | null;
  readonly fetch: FetchLike | null;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_DEADLINE_MS = 15 * 60_000;
export const DEFAULT_MAX_UNANSWERED = 5;

/** Resolves the options of a run of a profile whose groups are `groups` (what `--only` may name). */
export function resolveOptions(input: ConformanceOptions, groups: readonly string[]): ResolvedOptions {
  return Object.freeze({
    target: parseTarget(input.target),
    configFile: input.configFile ?? null,
    env: input.env ?? {},
    only: parseOnly(input.only, groups),
    readOnly: input.readOnly ?? false,
    lenientMessages: input.lenientMessages ?? false,
    spendRateLimit: input.spendRateLimit ?? false,
    failOnSkip: input.failOnSkip ?? false,
    timeoutMs: parseTimeout(input.timeoutMs),
    controlToken: input.controlToken || null,
    maxBodyBytes: positiveInteger('--max-body', input.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
    deadlineMs: input.deadlineMs === null ? null : positiveInteger('--deadline', input.deadlineMs, DEFAULT_DEADLINE_MS),
    maxUnanswered: parseMaxUnanswered(input.maxUnanswered),
    onProgress: input.onProgress ?? null,
    runId: parseRunId(input.runId),
    specFile: input.specFile ?? null,
    fetch: input.fetch ?? null,
  });
}

function parseTarget(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SetupError(`--target must be an http(s) URL such as http://127.0.0.1:4010, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SetupError(`--target must be an http(s) URL, got "${raw}"`);
  if (url.search || url.hash) throw new SetupError(`--target must be a base URL without query or fragment, got "${raw}"`);
  return url.href.replace(/\/+$/, '');
}

function parseOnly(raw: ConformanceOptions['only'], groups: readonly string[]): readonly string[] {
  if (raw === undefined) return groups;
  const names = (typeof raw === 'string' ? [raw] : raw)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new SetupError(`--only needs at least one group: ${groups.join(', ')}`);
  const unknown = names.filter((n) => !groups.includes(n));
  if (unknown.length > 0) throw new SetupError(`Unknown group "${unknown.join('", "')}" in --only; use ${groups.join(', ')}`);
  return groups.filter((g) => names.includes(g));
}

function parseTimeout(raw: number | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(raw) || raw <= 0) throw new SetupError(`--timeout must be a positive number of milliseconds, got ${raw}`);
  return raw;
}

function positiveInteger(flag: string, raw: number | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!Number.isSafeInteger(raw) || raw <= 0) throw new SetupError(`${flag} must be a positive whole number, got ${raw}`);
  return raw;
}

function parseMaxUnanswered(raw: number | undefined): number {
  if (raw === undefined) return DEFAULT_MAX_UNANSWERED;
  if (!Number.isSafeInteger(raw) || raw < 0) throw new SetupError(`--max-unanswered must be a whole number, 0 for never, got ${raw}`);
  return raw;
}

function parseRunId(raw: string | undefined): string {
  if (raw === undefined) return randomBytes(4).toString('hex');
  if (!/^[a-z0-9]{1,16}$/.test(raw))
    throw new SetupError(`--run-id must be 1 to 16 lower-case letters or digits (it goes into e-mail addresses), got "${raw}"`);
  return raw;
}
