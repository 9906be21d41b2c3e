/**
 * How the bench judges its targets: on the figures the issue names, each with a case that must pass
 * and one that must miss, and SKIP (never PASS) where a figure is missing. Pure: figures in, lines out.
 */
import { describe, expect, it } from 'vitest';
import type { BenchResults, RatioRow, ScaleResult, ThroughputRow } from '../../bench/results.js';
import { judgeTargets } from '../../bench/targets.js';

type Figures = Parameters<typeof judgeTargets>[0];

function throughputRow(server: ThroughputRow['server'], rps: number, cpuUsPerRequest: number): ThroughputRow {
  return { request: 'get-org', label: 'GET /organization/{orgId}', server, rps, cpuUsPerRequest } as unknown as ThroughputRow;
}

function ratioRow(mockOverBare: number | null, mockOverPrism: number | null, cpuBareOverMock: number | null): RatioRow {
  return {
    request: 'get-org',
    label: 'GET /organization/{orgId}',
    mockOverBare,
    mockOverPrism,
    cpuBareOverMock,
    roundsOverBare: [],
    roundsOverPrism: [],
    roundsCpuBareOverMock: [],
  } as unknown as RatioRow;
}

function scale(overrides: Partial<ScaleResult> = {}): ScaleResult {
  return {
    users: 100_000,
    startupMs: 1200,
    memoryAfterStart: { rssMb: 207, hwmMb: 207 },
    listRunsMs: [820, 171, 141, 106, 41],
    listMedianMs: 141,
    listBytes: 26_000_000,
    listTotal: 100_007,
    memoryAfterList: { rssMb: 251, hwmMb: 259 },
    createBatches: [],
    memoryAfterCreates: null,
    ...overrides,
  };
}

function figures(overrides: Partial<Figures> = {}): Figures {
  return {
    throughput: [throughputRow('mock', 30_000, 32), throughputRow('bare', 45_000, 21), throughputRow('prism', 4_000, 236)],
    ratios: [ratioRow(0.62, 6.6, 0.6)],
    startup: [{ server: 'mock', runsMs: [260], medianMs: 260 }],
    scale: scale(),
    ...overrides,
  };
}

const statusOf = (lines: BenchResults['targets'], id: string): string | undefined => lines.find((l) => l.id === id)?.status;

describe('judgeTargets', () => {
  it('passes a run that meets every target', () => {
    const lines = judgeTargets(figures());
    expect(lines.map((l) => l.status)).toEqual(lines.map(() => 'PASS'));
    expect(lines.map((l) => l.id)).toEqual(['bare:get-org', 'bare-cpu:get-org', 'prism:get-org', 'startup', 'scale:rss', 'scale:list']);
  });

  it.each([
    ['bare:get-org', 'a read under 60% of bare', { ratios: [ratioRow(0.59, 6.6, 0.6)] }],
    ['bare-cpu:get-org', 'a read whose CPU per request is under 60% of bare', { ratios: [ratioRow(0.62, 6.6, 0.59)] }],
    ['prism:get-org', 'a read under 4× Prism', { ratios: [ratioRow(0.62, 3.9, 0.6)] }],
    ['startup', 'a start-up of 0.5 s or more', { startup: [{ server: 'mock' as const, runsMs: [500], medianMs: 500 }] }],
    ['scale:rss', 'a peak over 300 MB even when the later reading is under it', { scale: scale({ memoryAfterList: { rssMb: 280, hwmMb: 301 } }) }],
    ['scale:list', 'a first listing over 1 s even when the median is fast', { scale: scale({ listRunsMs: [1001, 50, 40, 40, 40], listMedianMs: 40 }) }],
  ])('%s misses on %s', (id, _what, change) => {
    expect(statusOf(judgeTargets(figures(change as Partial<Figures>)), id)).toBe('MISS');
  });

  it('skips, never passes, what was not measured', () => {
    const lines = judgeTargets(
      figures({
        throughput: [throughputRow('mock', 30_000, 32)],
        ratios: [ratioRow(null, null, null)],
        startup: { skipped: 'start-up not measured' },
        scale: scale({ users: 1_000 }),
      }),
    );
    expect(lines.map((l) => `${l.id} ${l.status}`)).toEqual([
      'bare:get-org SKIP',
      'bare-cpu:get-org SKIP',
      'prism:get-org SKIP',
      'startup SKIP',
      'scale:rss SKIP',
      'scale:list SKIP',
    ]);
  });
});
