/** Small numeric helpers: medians, percentiles, and a growable latency sample. */

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** The nearest-rank percentile of values sorted ascending; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/**
 * Latencies in milliseconds with sub-millisecond precision. autocannon's own histogram counts whole
 * milliseconds, and a loopback request to a fast server takes a fraction of one.
 */
export class LatencySample {
  private values = new Float64Array(1 << 16);
  private size = 0;

  add(ms: number): void {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  /** p50 and p99, in milliseconds. */
  summary(): { p50: number; p99: number } {
    const sorted = this.values.slice(0, this.size).sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
}

export function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The lowest and highest of the values; null when there are none. */
export function span(values: readonly number[]): { min: number; max: number } | null {
  if (values.length === 0) return null;
  return { min: Math.min(...values), max: Math.max(...values) };
}
