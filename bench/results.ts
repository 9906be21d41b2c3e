/** The shape of a bench run's figures, as printed and as written to bench/results/*.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchOptions, ServerName } from './options.js';
import type { RequestId } from './requests.js';
import type { Memory } from './servers.js';

export const RESULTS_VERSION = 1;

export interface ThroughputRow {
  readonly request: RequestId;
  readonly label: string;
  readonly server: ServerName;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly expectedStatus: number;
  readonly unexpected: number;
  readonly errors: number;
}

export interface RatioRow {
  readonly request: RequestId;
  readonly label: string;
  /** Mock req/s divided by the other server's; null when either is missing. */
  readonly mockOverBare: number | null;
  readonly mockOverPrism: number | null;
  readonly mockOverPrismDynamic: number | null;
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
