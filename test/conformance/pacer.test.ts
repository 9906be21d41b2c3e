/**
 * The kernel's self-pacing (conformance/kernel/http/pacer.ts) through the HTTP client, on a fake
 * clock and a fake target: it holds a request until the window ends when its credential has little
 * left, never holds one without rate-limit headers, another credential or an `unpaced` request,
 * bounds its waits, and waits out a 429 once, recording both exchanges.
 */
import { describe, expect, it } from 'vitest';
import { createHttpClient, type FetchLike, type RequestSpec } from '../../conformance/kernel/http/client.js';
import type { ExchangeMeta } from '../../conformance/kernel/http/exchange.js';
import { Pacer, type PacerClock } from '../../conformance/kernel/http/pacer.js';

const T0 = Date.UTC(2026, 0, 31, 12, 0, 0);

class FakeClock implements PacerClock {
  t = T0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
}

interface Answer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** A target that answers from `answer(request number, request)` and stamps its Date from the fake clock. */
function fakeTarget(clock: FakeClock, answer: (n: number, headers: Record<string, string>) => Answer): { fetch: FetchLike; sentAt: number[] } {
  const sentAt: number[] = [];
  const fetch: FetchLike = (_url, init) => {
    sentAt.push(clock.t);
    const a = answer(sentAt.length, init.headers as Record<string, string>);
    return Promise.resolve(
      new Response(JSON.stringify(a.body ?? {}), {
        status: a.status ?? 200,
        headers: { 'content-type': 'application/json', date: new Date(clock.t).toUTCString(), ...a.headers },
      }),
    );
  };
  return { fetch, sentAt };
}

/** The rate-limit headers of a window of `limit` that ends `endsInSeconds` after the fake clock's now. */
function window(clock: FakeClock, remaining: number, endsInSeconds: number): Record<string, string> {
  return {
    'x-ratelimit-limit': '10',
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(Math.ceil(clock.t / 1000) + endsInSeconds),
  };
}

const META: ExchangeMeta = { subject: { kind: 'operation', operationId: 'getThing' }, principal: 'owner (key)', caseId: 'test' };
const AS_OWNER: RequestSpec = { method: 'GET', path: '/thing', authorization: { value: 'Bearer owner-key', label: 'Bearer <owner>' } };
const AS_OTHER: RequestSpec = { method: 'GET', path: '/thing', authorization: { value: 'Bearer other-key', label: 'Bearer <other>' } };

function client(clock: FakeClock, fetch: FetchLike, reserve = 2, maxWaitMs = 65_000) {
  return createHttpClient({ baseUrl: 'http://target.test', timeoutMs: 1000, fetch, pacer: new Pacer({ clock, reserve, maxWaitMs }) });
}

describe('the pacer', () => {
  it('holds a request until the window ends once its credential is down to the reserve, and notes the wait', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, (n) => ({ headers: window(clock, n === 1 ? 2 : 9, 30) }));
    const http = client(clock, target.fetch);
    await http.send(AS_OWNER, META);
    await http.send(AS_OWNER, META);
    expect(clock.sleeps).toHaveLength(1);
    // 30 s to the reset, measured from the answer's Date, plus a small margin.
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(30_000);
    expect(clock.sleeps[0]).toBeLessThan(31_500);
    expect(target.sentAt[1]! - target.sentAt[0]!).toBe(clock.sleeps[0]);
    expect(http.pacingNotes).toEqual([expect.stringMatching(/^paced: waited 30(\.\d)? s before sending as owner \(key\) \(2 requests left/)]);
  });

  it('does not hold a request with plenty left, another credential, no credential, or marked unpaced', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, (n) => ({ headers: window(clock, n === 1 ? 0 : 9, 30) }));
    const http = client(clock, target.fetch);
    await http.send(AS_OWNER, META); // owner: none left
    await http.send(AS_OTHER, META);
    await http.send({ method: 'GET', path: '/thing' }, META);
    await http.send({ ...AS_OWNER, unpaced: true }, META);
    expect(clock.sleeps).toEqual([]);
    expect(http.pacingNotes).toEqual([]);
  });

  it('never holds anything when the target sends no rate-limit headers', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, () => ({}));
    const http = client(clock, target.fetch);
    for (let i = 0; i < 5; i++) await http.send(AS_OWNER, META);
    expect(clock.sleeps).toEqual([]);
  });

  it('counts requests in flight against what is left, so that concurrent sends are paced too', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, (n) => ({ headers: window(clock, n === 1 ? 3 : 9, 20) }));
    const http = client(clock, target.fetch);
    await http.send(AS_OWNER, META); // 3 left: the next goes at once, the one after is held
    await Promise.all([http.send(AS_OWNER, META), http.send(AS_OWNER, META)]);
    expect(clock.sleeps).toHaveLength(1);
  });

  it('does not wait longer than its bound: the request goes at once, noted once', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, () => ({ headers: window(clock, 0, 7 * 24 * 3600) }));
    const http = client(clock, target.fetch);
    await http.send(AS_OWNER, META);
    await http.send(AS_OWNER, META);
    await http.send(AS_OWNER, META);
    expect(clock.sleeps).toEqual([]);
    expect(http.pacingNotes).toHaveLength(1);
    expect(http.pacingNotes[0]).toMatch(/sent at once/);
  });

  it('forgets a window once it has ended', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, (n) => ({ headers: window(clock, n === 1 ? 0 : 9, 5) }));
    const http = client(clock, target.fetch);
    await http.send(AS_OWNER, META);
    clock.t += 10_000;
    await http.send(AS_OWNER, META);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits out a 429 once (retryAfter) and sends the request again; both exchanges are recorded, the caller gets the second', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, (n) =>
      n === 1 ? { status: 429, headers: window(clock, 0, 12), body: { error: 'Rate limit exceeded', retryAfter: 12 } } : { headers: window(clock, 9, 60) },
    );
    const http = client(clock, target.fetch);
    const exchange = await http.send(AS_OWNER, META);
    expect(exchange.response?.status).toBe(200);
    expect(http.exchanges.map((e) => e.response?.status)).toEqual([429, 200]);
    expect(exchange.id).toBe(2);
    expect(clock.sleeps).toEqual([12_250]);
    expect(http.pacingNotes).toEqual(['paced: owner (key) got a 429 on getThing; waited 12.3 s and sent it again']);
  });

  it('reads a Retry-After header when the body has no retryAfter, and retries only once', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, () => ({ status: 429, headers: { 'retry-after': '3' } }));
    const http = client(clock, target.fetch);
    const exchange = await http.send(AS_OWNER, META);
    expect(exchange.response?.status).toBe(429);
    expect(http.exchanges).toHaveLength(2);
    expect(clock.sleeps).toEqual([3_250]);
  });

  it('does not retry a 429 whose wait is unknown or too long, nor an unpaced request', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, (n) =>
      n === 1 ? { status: 429 } : n === 2 ? { status: 429, body: { retryAfter: 600 } } : { status: 429, body: { retryAfter: 1 } },
    );
    const http = client(clock, target.fetch);
    await http.send(AS_OWNER, META);
    await http.send(AS_OTHER, META);
    await http.send({ ...AS_OWNER, unpaced: true }, META);
    expect(http.exchanges).toHaveLength(3);
    expect(clock.sleeps).toEqual([]);
  });

  it('measures the window from the answer’s Date, not the local clock (a skewed server)', async () => {
    const clock = new FakeClock();
    const skewMs = 3_600_000; // the server's clock is an hour ahead
    const fetch: FetchLike = () =>
      Promise.resolve(
        new Response('{}', {
          headers: {
            date: new Date(clock.t + skewMs).toUTCString(),
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.ceil((clock.t + skewMs) / 1000) + 20),
          },
        }),
      );
    const http = client(clock, fetch);
    await http.send(AS_OWNER, META);
    await http.send(AS_OWNER, META);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(20_000);
    expect(clock.sleeps[0]).toBeLessThan(21_500);
  });

  it('records which credential each request carried, by number, never by value', async () => {
    const clock = new FakeClock();
    const target = fakeTarget(clock, () => ({}));
    const http = client(clock, target.fetch);
    await http.send(AS_OWNER, META);
    await http.send({ method: 'GET', path: '/thing', headers: { cookie: 'session=abc' } }, META);
    await http.send(AS_OWNER, META);
    await http.send({ method: 'GET', path: '/thing' }, META);
    expect(http.exchanges.map((e) => e.request.credentialId)).toEqual([1, 2, 1, null]);
  });

  it('keeps every Set-Cookie of an answer whole', async () => {
    const headers = new Headers();
    headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
    headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
    const fetch: FetchLike = () => Promise.resolve(new Response('{}', { headers }));
    const http = createHttpClient({ baseUrl: 'http://target.test', timeoutMs: 1000, fetch, pacer: null });
    const exchange = await http.send({ method: 'GET', path: '/' }, META);
    expect(exchange.response?.headers['set-cookie']).toBe('a=1; Path=/; HttpOnly\nb=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
  });
});
