/**
 * The Tours domain's clock is the engine's (src/engine/clock.ts): sessions (7 days, TA2), API keys
 * (TA3), invitations (7 days, TI1) and rate-limit windows (TL1) all read it, and the control plane's
 * `POST /__mock/clock` moves it forward.
 */
import { MockClock } from '../../engine/clock.js';

export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
}

export { MockClock as ToursClock };

/** A clock standing still at `ms` until advanced (tests, seeding). */
export function fixedClock(ms: number): MockClock {
  return new MockClock(() => ms);
}

export const SECOND = 1000;
export const DAY = 24 * 60 * 60 * SECOND;
