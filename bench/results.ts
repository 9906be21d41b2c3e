/** The shape of a bench run's figures, as printed and as written to bench/results/*.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiName, BenchOptions, ServerName } from './options.js';
import type { RequestId } from './requests.js';
import type { Memory } from './servers.js';

/**
 * 2: throughput rows are medians of rounds, with every round's figures (`rounds`) and their spread.
 * 3: every run also records the server's CPU time per completed request (`cpuUsPerRequest`), each
 *    row its median over the rounds, each ratio row the server-bound ratio (`cpuBareOverMock`).
 * 4: the Tours & Events reads beside Flashback's requests: every throughput and ratio row names its
 *    `api` (its mock and its Prism are that API's), and `config.apis` the APIs measured.
 */
export const RESULTS_VERSION = 4;

/** One measured run of one request on one server. */
export interface RoundFigure {
  /** 1-based. */
  readonly round: number;
  /** The server's place in that round's order, 0 first. */
  readonly position: number;
  /** Seconds from the start of the throughput phase to the start of this run's warm-up. */
  readonly atSeconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly unexpected: number;
  readonly errors: number;
  /**
   * CPU time (user + system, from /proc/<pid>/stat, 10 ms resolution) the serving process used
   * during the measured run (not the warm-up), in ms; null when its pid or /proc is unavailable.
   */
  readonly cpuMs: number | null;
  /** cpuMs per completed request, in µs; null when cpuMs is null or no request completed. */
  readonly cpuUsPerRequest: number | null;
}

export interface ThroughputRow {
  readonly request: RequestId;
  /** The API of the request: `mock` and `prism` on this row are that API's. */
  readonly api: ApiName;
  readonly label: string;
  readonly server: ServerName;
  /** The median of the rounds' req/s (with an even number of rounds, the lower middle one). */
  readonly rps: number;
  /** Latency percentiles of the median round (the round whose req/s is `rps`). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly medianRound: number;
  /** The lowest and highest req/s of the rounds. */
  readonly rpsMin: number;
  readonly rpsMax: number;
  /** Summed over the rounds. */
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly expectedStatus: number;
  readonly unexpected: number;
  readonly errors: number;
  /**
   * The median of the rounds' CPU µs per request (the lower middle one for an even count), and the
   * lowest and highest; null when no round has the figure.
   */
  readonly cpuUsPerRequest: number | null;
  readonly cpuUsMin: number | null;
  readonly cpuUsMax: number | null;
  /** Every round, in round order. */
  readonly rounds: readonly RoundFigure[];
}

export interface RatioRow {
  readonly request: RequestId;
  readonly api: ApiName;
  readonly label: string;
  /** The mock's median req/s divided by the other server's median; null when either is missing. */
  readonly mockOverBare: number | null;
  readonly mockOverPrism: number | null;
  readonly mockOverPrismDynamic: number | null;
  /**
   * The same ratio within each round (the two servers measured seconds apart), in round order: its
   * spread is the noise of the ratio. Empty when either server is missing.
   */
  readonly roundsOverBare: readonly number[];
  readonly roundsOverPrism: readonly number[];
  readonly roundsOverPrismDynamic: readonly number[];
  /**
   * The server-bound ratio: bare's CPU µs per request ÷ the mock's, the share of bare's throughput
   * the mock would reach if the server, not the load generator, were the bottleneck. The median of
   * the per-round ratios (in round order in `roundsCpuBareOverMock`); null when either is missing.
   */
  readonly cpuBareOverMock: number | null;
  readonly roundsCpuBareOverMock: readonly number[];
}

export interface StartupRow {
  readonly server: 'mock' | 'prism' | 'bare';
  readonly runsMs: readonly number[];
  readonly medianMs: number;
}

export interface Skipped {
  readonly skipped: string;
}

export interface Failed {
  readonly error: string;
}

export interface CreateBatch {
  readonly usersBefore: number;
  readonly creates: number;
  readonly seconds: number;
  readonly rps: number;
}

export interface ScaleResult {
  readonly users: number;
  readonly startupMs: number;
  readonly memoryAfterStart: Memory | null;
  readonly listRunsMs: readonly number[];
  readonly listMedianMs: number;
  readonly listBytes: number;
  readonly listTotal: number;
  readonly memoryAfterList: Memory | null;
  readonly createBatches: readonly CreateBatch[];
  readonly memoryAfterCreates: Memory | null;
}

export interface StateFileResult {
  readonly inMemoryRps: number;
  readonly stateFileRps: number;
  /** stateFileRps / inMemoryRps. */
  readonly ratio: number;
  readonly inMemoryP99Ms: number;
  readonly stateFileP99Ms: number;
  readonly creates: number;
  readonly fileBytes: number | null;
}

export interface ConformanceResult {
  readonly how: string;
  /** The suite's own run time. */
  readonly seconds: number;
  /** Around the call, the suite's spec loading included. */
  readonly wallSeconds: number;
  /** Requests the suite sent. */
  readonly requests: number;
  readonly rps: number;
  /** The suite's verdict: 0 every check passed, 1 some failed. Not the bench's concern. */
  readonly exitCode: number;
  readonly summary: string;
}

export type TargetStatus = 'PASS' | 'MISS' | 'SKIP';

export interface TargetLine {
  readonly id: string;
  readonly status: TargetStatus;
  readonly text: string;
}

export interface BenchResults {
  readonly version: typeof RESULTS_VERSION;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** What the run was expected to take at its start (printed then), and what it took. */
  readonly estimatedSeconds: number;
  readonly elapsedSeconds: number;
  readonly command: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly node: string;
    readonly platform: string;
    readonly loadAverageAtStart: readonly number[];
  };
  readonly config: BenchOptions;
  readonly notes: readonly string[];
  readonly throughput: readonly ThroughputRow[];
  readonly ratios: readonly RatioRow[];
  readonly startup: readonly StartupRow[] | Skipped | Failed;
  readonly scale: ScaleResult | Skipped | Failed;
  readonly stateFile: StateFileResult | Skipped | Failed;
  readonly conformance: ConformanceResult | Skipped | Failed;
  readonly targets: readonly TargetLine[];
}

export function machine(): BenchResults['machine'] {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** Writes `<stamp>.json` and `latest.json`; returns the timestamped path. */
export function writeResults(outDir: string, results: BenchResults): string {
  mkdirSync(outDir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const file = path.join(outDir, `${stamp}${results.config.tiny ? '-tiny' : ''}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(path.join(outDir, 'latest.json'), text);
  return file;
}

export function isSkipped(value: unknown): value is Skipped {
  return typeof value === 'object' && value !== null && 'skipped' in value;
}

export function isFailed(value: unknown): value is Failed {
  return typeof value === 'object' && value !== null && 'error' in value;
}
