/** docs/decisions/tours.md, section 8: rate limits (TL1), on the domain's clock. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, RateLimiter, fixedClock, rateLimitHeaders, rateLimitedBody } from '../../../src/apis/tours/index.js';
import { createTours, NOW, spec, specForTests } from './harness.js';

const START = Date.parse('2026-02-01T09:00:00.000Z');

describe('TL1: limits, headers and the 429', () => {
  it('TL1: the default is the documented 100 requests per 60-second window', () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({ limit: 100, windowSeconds: 60 });
    const headers = spec.byId.get('listMembers')?.responses.get(200)?.headers;
    expect(headers?.has('x-ratelimit-limit')).toBe(true);
    const limiter = new RateLimiter(fixedClock(START));
    const decisions = Array.from({ length: 101 }, () => limiter.take('key-1'));
    expect(decisions[99]).toMatchObject({ allowed: true, remaining: 0 });
    expect(decisions[100]).toMatchObject({ allowed: false, remaining: 0 });
  });

  it('TL1: within a window the limit counts down; past it the answer is refused with retryAfter, until the window ends', () => {
    const clock = fixedClock(START);
    const limiter = new RateLimiter(clock, { limit: 3, windowSeconds: 60 });
    expect([1, 2, 3].map(() => limiter.take('s')?.remaining)).toEqual([2, 1, 0]);
    clock.advance(18);
    const refused = limiter.take('s');
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, resetUnixSeconds: START / 1000 + 60, retryAfterSeconds: 42 });
    clock.advance(41);
    expect(limiter.take('s')?.allowed).toBe(false);
    clock.advance(1);
    expect(limiter.take('s')).toMatchObject({ allowed: true, remaining: 2, resetUnixSeconds: START / 1000 + 120 });
  });

  it('TL1: each credential has its own window (a key and a session of one user count apart)', () => {
    const t = createTours({ rateLimit: { limit: 1, windowSeconds: 60 } });
    expect(t.domain.rateLimit(t.as('acme-owner'))?.allowed).toBe(true);
    expect(t.domain.rateLimit(t.as('acme-owner'))?.allowed).toBe(false);
    expect(t.domain.rateLimit(t.as('acme-owner', 'apiKey'))?.allowed).toBe(true);
    expect(t.domain.rateLimit(t.as('acme-admin'))?.allowed).toBe(true);
  });

  it('TL1: windows run on the domain’s clock, and a reset forgets them', () => {
    const t = createTours({ rateLimit: { limit: 1, windowSeconds: 60 } });
    const owner = t.as('acme-owner');
    t.domain.rateLimit(owner);
    expect(t.domain.rateLimit(owner)?.allowed).toBe(false);
    t.advance(60);
    expect(t.domain.rateLimit(owner)?.allowed).toBe(true);
    t.domain.reset();
    expect(t.domain.rateLimit(t.as('acme-owner'))?.allowed).toBe(true);
  });

  it('TL1: switched off, nothing is counted and there are no headers', () => {
    const t = createTours({ rateLimit: null });
    const owner = t.as('acme-owner');
    expect(Array.from({ length: 150 }, () => t.domain.rateLimit(owner))).toEqual(Array(150).fill(null));
  });

  it('TL1: the three headers, Reset in Unix seconds', () => {
    const limiter = new RateLimiter(fixedClock(NOW + 500), { limit: 5, windowSeconds: 60 });
    const decision = limiter.take('k');
    expect(decision && rateLimitHeaders(decision)).toEqual({
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '4',
      'X-RateLimit-Reset': String(Math.ceil((NOW + 60_500) / 1000)),
    });
  });

  it('TL1: the 429 body is {error: "Rate limit exceeded", retryAfter}, as the spec documents it', () => {
    const clock = fixedClock(START);
    const limiter = new RateLimiter(clock, { limit: 1, windowSeconds: 60 });
    limiter.take('k');
    const refused = limiter.take('k');
    if (!refused) throw new Error('limiting is on');
    const body = rateLimitedBody(refused);
    expect(body).toEqual({ error: 'Rate limit exceeded', retryAfter: 60 });
    expect(specForTests.validateResponse('listMembers', 429, body).valid).toBe(true);
  });

  it('TL1: a limit that is not a whole number >= 1 is refused', () => {
    expect(() => new RateLimiter(fixedClock(START), { limit: 0, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => new RateLimiter(fixedClock(START), { limit: 10, windowSeconds: 0.5 })).toThrow(RangeError);
  });
});
