/** MockOptions resolved once into a frozen object with one explicit default per field. */
import type { MockOptions } from './api.js';
import { MockClock } from './clock.js';
import { DEFAULTS } from './defaults.js';

export interface MockSettings {
  readonly seed: number;
  readonly extraUsers: number;
  readonly tokenTtlSeconds: number;
  readonly signingKey: string | undefined;
  /** The mock's clock (control plane: advance, reset); `now` reads it. */
  readonly clock: MockClock;
  readonly now: () => number;
}

/** A5: access tokens last one hour unless configured otherwise. */
export const DEFAULT_TOKEN_TTL_SECONDS = DEFAULTS.tokenTtlSeconds;

export function resolveOptions(options: MockOptions): MockSettings {
  const fail = (why: string): never => {
    throw new Error(`Invalid mock options: ${why}`);
  };
  if (!Number.isSafeInteger(options.seed)) fail(`seed must be an integer, got ${String(options.seed)}`);
  if (!Number.isSafeInteger(options.extraUsers) || options.extraUsers < 0) fail(`extraUsers must be a whole number >= 0, got ${String(options.extraUsers)}`);
  const ttl = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl <= 0) fail(`tokenTtlSeconds must be a whole number > 0, got ${String(ttl)}`);
  const clock = new MockClock(options.now ?? Date.now);
  return Object.freeze({
    seed: options.seed,
    extraUsers: options.extraUsers,
    tokenTtlSeconds: ttl,
    signingKey: options.signingKey,
    clock,
    now: clock.now,
  });
}
