/**
 * TL1: fixed windows per credential (an API key's id, a session's id), on the domain's clock. A
 * window opens at a credential's first counted request and lasts `windowSeconds`; within it at most
 * `limit` requests are allowed. The default is the documented 100 per 60 seconds; `null` switches
 * limiting off (then no headers are sent either).
 */
import type { Clock } from './clock.js';
import { MESSAGES } from './messages.js';
import type { Schemas } from './records.js';

export interface RateLimitConfig {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** TL1 (docs): 100 requests per 60-second window, per API key and per session. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = Object.freeze({ limit: 100, windowSeconds: 60 });

export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests left in the window after this one (0 when refused). */
  readonly remaining: number;
  /** When the window ends, in Unix seconds (`X-RateLimit-Reset`). */
  readonly resetUnixSeconds: number;
  /** Seconds until the window ends, rounded up: the 429's `retryAfter`. */
  readonly retryAfterSeconds: number;
}

interface Window {
  readonly startMs: number;
  count: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private sweepAt = 0;

  /** `config` null: limiting is off. */
  constructor(
    private readonly clock: Clock,
    readonly config: RateLimitConfig | null = DEFAULT_RATE_LIMIT,
  ) {
    if (config && (!Number.isSafeInteger(config.limit) || config.limit < 1 || !Number.isSafeInteger(config.windowSeconds) || config.windowSeconds < 1)) {
      throw new RangeError(`a rate limit needs a whole limit >= 1 and windowSeconds >= 1, got ${JSON.stringify(config)}`);
    }
  }

  /** Counts one request of the credential; null when limiting is off. */
  take(credentialId: string): RateDecision | null {
    const config = this.config;
    if (!config) return null;
    const now = this.clock.now();
    const windowMs = config.windowSeconds * 1000;
    this.sweep(now, windowMs);
    let window = this.windows.get(credentialId);
    if (!window || now >= window.startMs + windowMs) {
      window = { startMs: now, count: 0 };
      this.windows.set(credentialId, window);
    }
    const allowed = window.count < config.limit;
    if (allowed) window.count++;
    const endMs = window.startMs + windowMs;
    return {
      allowed,
      limit: config.limit,
      remaining: config.limit - window.count,
      resetUnixSeconds: Math.ceil(endMs / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil((endMs - now) / 1000)),
    };
  }

  /** Forgets every window (a reset of the mock). */
  reset(): void {
    this.windows.clear();
  }

  /** Drops ended windows now and then, so that a long run with many sessions keeps a small map. */
  private sweep(now: number, windowMs: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + windowMs;
    for (const [id, window] of this.windows) if (now >= window.startMs + windowMs) this.windows.delete(id);
  }
}

/** The three headers of TL1, on every answer after step 3 of section 4. */
export function rateLimitHeaders(decision: RateDecision): Readonly<Record<string, string>> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Reset': String(decision.resetUnixSeconds),
  };
}

/** The 429 body of TL1 (docs). */
export function rateLimitedBody(decision: RateDecision): Schemas['Error'] {
  return { error: MESSAGES.rateLimited, retryAfter: decision.retryAfterSeconds };
}
