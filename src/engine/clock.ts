/**
 * The mock's clock. Everything that expires (Flashback's tokens; Tours' sessions, API keys,
 * invitations and rate-limit windows) reads it, so a test can move time forward instead of waiting:
 * `POST /__mock/clock {advanceSeconds}` advances it, `/__mock/reset` puts it back.
 */
export interface ClockReading {
  /** Now, as the mock sees it, ISO 8601 UTC with milliseconds. */
  readonly now: string;
  /** How far the mock's clock is ahead of the real one. */
  readonly offsetSeconds: number;
}

export class MockClock {
  private offsetMs = 0;

  /** `base` is the real clock (injectable for tests); the mock's runs `offset` ahead of it. */
  constructor(private readonly base: () => number = Date.now) {}

  /** Milliseconds since the epoch, on the mock's clock. */
  readonly now = (): number => this.base() + this.offsetMs;

  /** Moves the clock forward by whole seconds; it never goes back. */
  advance(seconds: number): ClockReading {
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`advanceSeconds must be a whole number >= 0, got ${seconds}`);
    this.offsetMs += seconds * 1000;
    return this.reading();
  }

  reset(): void {
    this.offsetMs = 0;
  }

  /** Now, ISO 8601 UTC with milliseconds. */
  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** How far ahead of the real clock this one runs. */
  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  reading(): ClockReading {
    return { now: this.nowIso(), offsetSeconds: this.offsetSeconds };
  }
}
