/**
 * The conformance suite against the local mock: its run time and the requests per second it sustains.
 * The suite runs in this process through its API (`runConformance` from the built
 * dist/conformance/index.js) against a fresh mock; the request count is the suite's own.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchOptions } from './options.js';
import type { ConformanceResult, Skipped } from './results.js';
import { mockAvailable, ROOT, startMock } from './servers.js';
import { round } from './stats.js';

type Log = (line: string) => void;

const SUITE = path.join(ROOT, 'dist/conformance/index.js');

/** The part of the suite's API the bench uses (typed here so the bench builds without it). */
interface SuiteApi {
  runConformance(options: { target: string }): Promise<{
    readonly durationMs: number;
    readonly exitCode: number;
    readonly totals: { readonly cases: number; readonly passed: number; readonly failed: number; readonly skipped: number; readonly requests: number };
  }>;
}

async function loadSuite(): Promise<SuiteApi | string> {
  if (!existsSync(SUITE)) return 'the conformance suite is not built (dist/conformance/index.js missing)';
  const suite = (await import(pathToFileURL(SUITE).href)) as Partial<SuiteApi>;
  if (typeof suite.runConformance !== 'function') return 'dist/conformance/index.js exports no runConformance';
  return suite as SuiteApi;
}

export async function measureConformance(options: BenchOptions, log: Log): Promise<ConformanceResult | Skipped> {
  if (!mockAvailable()) return { skipped: 'the mock is not built (dist/bundle/mock.mjs missing)' };
  const suite = await loadSuite();
  if (typeof suite === 'string') return { skipped: suite };
  const mock = await startMock({ users: options.users, seed: options.seed });
  try {
    log(`conformance: runConformance({ target: ${mock.baseUrl} })`);
    const started = performance.now();
    const result = await suite.runConformance({ target: mock.baseUrl });
    const wallSeconds = (performance.now() - started) / 1000;
    const seconds = result.durationMs / 1000;
    const t = result.totals;
    log(`conformance: ${t.requests} requests in ${seconds.toFixed(2)} s`);
    return {
      how: "runConformance() in the bench process against a fresh mock; the run time and request count are the suite's own",
      seconds: round(seconds, 3),
      wallSeconds: round(wallSeconds, 3),
      requests: t.requests,
      rps: round(seconds > 0 ? t.requests / seconds : 0, 1),
      exitCode: result.exitCode,
      summary: `${t.cases} cases: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`,
    };
  } finally {
    await mock.stop();
  }
}
