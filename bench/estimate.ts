/**
 * A rough length of a bench run from its options, printed when it starts (the build before it not
 * counted). The constants are what this machine took, rounded up; the run records its actual
 * length beside the estimate, so they can be checked.
 */
import type { BenchOptions } from './options.js';

/** Seconds. */
const COST = {
  /** autocannon's last sampling tick and its set-up, per run. */
  run: 0.2,
  mockStart: 0.8,
  /** The Tours mock seeds 1,000 members. */
  toursMockStart: 1.2,
  prismStart: 3,
  bareStart: 0.3,
  /** Mock start-up and one listing per 100,000 users. */
  scaleStartPer100k: 3,
  scaleListPer100k: 1,
  conformance: 5,
} as const;

/** The benchmarked requests of each API (requests.ts). */
const REQUESTS = { flashback: 6, tours: 2 } as const;

export function estimateSeconds(o: BenchOptions): number {
  const has = (name: string): boolean => (o.only as readonly string[]).includes(name);
  const flashback = o.apis.includes('flashback');
  const tours = o.apis.includes('tours');
  const prisms = (has('prism') ? 1 : 0) + (has('prism-dynamic') ? 1 : 0);
  const measured = (seconds: number): number => (o.warmup > 0 ? o.warmup + COST.run : 0) + seconds + COST.run;

  const mockStarts = (flashback ? COST.mockStart : 0) + (tours ? COST.toursMockStart : 0);
  const starts = (has('mock') || has('bare') ? mockStarts : 0) + o.apis.length * prisms * COST.prismStart + (has('bare') ? COST.bareStart : 0);
  const requests = (flashback ? REQUESTS.flashback : 0) + (tours ? REQUESTS.tours : 0);
  const throughput = starts + o.rounds * requests * o.only.length * measured(o.duration);
  if (!flashback) return Math.round(throughput);
  const startup = o.startupRuns * ((has('mock') ? COST.mockStart : 0) + (prisms > 0 ? COST.prismStart : 0) + (has('bare') ? COST.bareStart : 0));
  if (!has('mock')) return Math.round(throughput + startup);

  const stateFile = 2 * (COST.mockStart + measured(o.duration));
  const per100k = o.scaleUsers / 100_000;
  const scale = o.skipScale
    ? 0
    : per100k * COST.scaleStartPer100k + o.listRuns * per100k * COST.scaleListPer100k + o.scaleBatches * (o.scaleBatchSeconds + COST.run);
  const conformance = o.skipConformance ? 0 : COST.conformance;
  return Math.round(throughput + startup + stateFile + scale + conformance);
}

export function minutes(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
