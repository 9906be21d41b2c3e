/**
 * Latency and error-rate injection (section 8), drawn from one seeded generator so that a run with
 * the same seed and the same request order injects the same faults.
 */

/** mulberry32: small, fast, and good enough to decide faults. Returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LatencyRange {
  readonly min: number;
  readonly max: number;
}

export interface FaultOptions {
  readonly seed: number;
  /** Milliseconds added before every API answer, uniform in [min, max]; null for none. */
  readonly latency: LatencyRange | null;
  /** Probability (0..1) that an API request is answered with its documented 500. */
  readonly errorRate: number;
  /** How to wait; tests pass their own to avoid the wall clock. */
  readonly delay?: ((ms: number) => Promise<void>) | undefined;
}

export interface Faults {
  /** The delay to add to this request in whole milliseconds (0 when latency is off). */
  nextLatency(): number;
  /** Should this request fail with its documented 500? */
  nextFailure(): boolean;
  delay(ms: number): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Null when neither fault is configured, so the request path can skip the whole step. */
export function createFaults(options: FaultOptions): Faults | null {
  const { latency, errorRate } = options;
  if (!latency && errorRate <= 0) return null;
  const random = seededRandom(options.seed);
  return {
    nextLatency() {
      if (!latency) return 0;
      if (latency.max === latency.min) return latency.min;
      return latency.min + Math.floor(random() * (latency.max - latency.min + 1));
    },
    nextFailure() {
      return errorRate > 0 && random() < errorRate;
    },
    delay: options.delay ?? sleep,
  };
}
