/**
 * Rate limits (TL1, docs/decisions/tours.md section 8). The sweep reads every answer of the run: one
 * to a credential that passed steps 1–2 of section 4 carries X-RateLimit-Limit, -Remaining and
 * -Reset; a 401, the session_required 403, an answer to no credential and a public operation's
 * answer carry none; Remaining goes down within a window of one credential; Reset is a Unix time in
 * seconds within the 60-second window. A target that sends no rate-limit header at all is one
 * failure, not one per answer; other flaws are one failure per kind, with a count.
 *
 * Reaching the 429 spends quota, so it is opt-in (--spend-rate-limit): a fresh session makes a fresh
 * API key, which sends (unpaced: the kernel's pacer would otherwise hold it) until the 429. The key
 * is deleted and the session signed out at the end of the run, by the session, whose own window is
 * untouched.
 *
 * The mock's clock may have been moved (POST /__mock/clock, by the lifecycle group): its windows
 * follow that clock (TL1), so "now" is the answer's Date plus the offset the control plane last
 * reported.
 */
import type { OperationSpec } from '../../../../src/contract/index.js';
import { byRule } from '../../../kernel/expected.js';
import type { FailureKind } from '../../../kernel/failure.js';
import { bodyField, operationLabel, type Exchange } from '../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { credentialActor, type Actor } from '../actors.js';
import type { ToursContext } from '../context.js';
import { answer } from '../fixtures.js';
import { PRINCIPAL_NAMES } from '../principals.js';
import { signIn, trackRemoval } from './records.js';

const GROUP = 'rate-limits';

const LIMIT = 'x-ratelimit-limit';
const REMAINING = 'x-ratelimit-remaining';
const RESET = 'x-ratelimit-reset';
const HEADERS = [LIMIT, REMAINING, RESET] as const;
const SHOWN: Readonly<Record<string, string>> = { [LIMIT]: 'X-RateLimit-Limit', [REMAINING]: 'X-RateLimit-Remaining', [RESET]: 'X-RateLimit-Reset' };

/** TL1 (docs): a window lasts 60 seconds. */
const WINDOW_SECONDS = 60;
/** TL1 (docs): 100 requests per window; what the 429 case spends when the target's answers do not say their limit. */
const DOCUMENTED_LIMIT = 100;
/** The most requests the 429 case sends: a target with a higher limit is not worth reaching. */
const MAX_SPEND = 1000;

export const SPEND_FLAG = '--spend-rate-limit';

export async function runRateLimits(ctx: ToursContext): Promise<void> {
  await countedApart(ctx);
  await reachTheLimit(ctx);
}

/**
 * A session and its user's key, in turns: each request takes exactly one from its own credential's
 * window (a target that counted per user would take two). The same case sends a request of each kind
 * the sweep must find without headers (a 401, the session_required 403, no credential), so that the
 * group says something when it runs alone (`--only rate-limits`).
 */
async function countedApart(ctx: ToursContext): Promise<void> {
  const name = "each request takes exactly one from its own credential's window: a session and its user's key count apart (TL1)";
  await ctx.recorder.run(GROUP, name, { mutates: false }, async (scope) => {
    const principal =
      ['acme-member', ...PRINCIPAL_NAMES].find((n) => ctx.actor(n, 'session') && ctx.actor(n, 'apiKey')) ??
      scope.skip('needs a principal with both a session and an API key');
    const session = ctx.need(scope, principal, 'session');
    const key = ctx.need(scope, principal, 'apiKey');
    const operationId = 'getMyPermissions';
    const [s1, k1, s2, k2] = [
      await ctx.call(scope, session, operationId),
      await ctx.call(scope, key, operationId),
      await ctx.call(scope, session, operationId),
      await ctx.call(scope, key, operationId),
    ];
    const unknown = ctx.pseudo.find((a) => a.refusal === 'invalidKey');
    if (unknown) await ctx.call(scope, unknown, operationId);
    await ctx.call(scope, key, 'listApiKeys');
    await ctx.call(scope, null, 'getSession');
    for (const [first, second] of [
      [s1, s2],
      [k1, k2],
    ] as const) {
      const before = intHeader(first, REMAINING);
      const after = intHeader(second, REMAINING);
      if (before === null || after === null)
        return scope.skip('no X-RateLimit-Remaining to compare (the first rate-limits case of the sweep says whether that is a failure)');
      if (intHeader(first, RESET) !== intHeader(second, RESET)) scope.skip('a window ended between the requests: nothing to compare');
      if (after !== before - 1) {
        scope.failOn(second, {
          type: 'header',
          header: SHOWN[REMAINING] as string,
          kind: 'business',
          reason: `TL1: the limit is per API key and per session; between these two requests of ${second.meta.principal}, only the other credential of the same user was used`,
          expected: String(before - 1),
          received: String(after),
        });
      }
    }
  });
}

// ---- the sweep -----------------------------------------------------------------------------------

/** Whether an answer must carry the rate-limit headers (TL1), and why. */
interface Judged {
  readonly exchange: Exchange;
  readonly op: OperationSpec;
  readonly counted: boolean;
  /** Why it is not counted, for failures: `a 401 (step 1)`, ... */
  readonly why: string;
}

function judge(ctx: ToursContext, exchange: Exchange): Judged | null {
  const subject = exchange.meta.subject;
  const response = exchange.response;
  if (subject.kind !== 'operation' || !response || response.status >= 500) return null;
  const op = ctx.spec.byId.get(subject.operationId);
  if (!op) return null;
  const not = (why: string): Judged => ({ exchange, op, counted: false, why });
  if (op.access.credentials.length === 0) return not('a public operation');
  if ((exchange.request.credentialId ?? null) === null) return not('a request with no credential');
  if (response.status === 401) return not('a 401 (step 1)');
  const wrong = ctx.model.wrongCredential;
  if (wrong && response.status === wrong.status && (wrong.reason ? bodyField(exchange, 'reason') === wrong.reason : true))
    return not(`the ${wrong.reason ?? 'wrong-credential'} ${wrong.status} (step 2)`);
  return { exchange, op, counted: true, why: 'its credential passed steps 1–2' };
}

/** Failures of one kind, reported once with a count: the first example and how many more. */
class Tally {
  private readonly groups = new Map<
    string,
    { first: Exchange; count: number; header: string; expected: string; received: string | null; kind: FailureKind; reason: string }
  >();

  add(key: string, exchange: Exchange, failure: { header: string; expected: string; received: string | null; kind: FailureKind; reason: string }): void {
    const group = this.groups.get(key);
    if (group) group.count++;
    else this.groups.set(key, { first: exchange, count: 1, ...failure });
  }

  report(scope: CaseScope): void {
    for (const g of this.groups.values()) {
      const more = g.count > 1 ? ` (${g.count} answers like this one in the run; the first is shown)` : '';
      scope.failOn(g.first, { type: 'header', header: g.header, kind: g.kind, reason: `${g.reason}${more}`, expected: g.expected, received: g.received });
    }
  }
}

export async function sweepRateLimits(ctx: ToursContext): Promise<void> {
  const judged = ctx.http.exchanges.map((e) => judge(ctx, e)).filter((j): j is Judged => j !== null);
  const counted = judged.filter((j) => j.counted);
  const sendsAny = ctx.http.exchanges.some((e) => HEADERS.some((h) => e.response?.headers[h] !== undefined));
  const offsets = clockOffsets(ctx.http.exchanges);

  await ctx.recorder.run(
    GROUP,
    'every answer to a credential that passed steps 1–2 carries X-RateLimit-Limit, -Remaining and -Reset (TL1)',
    { mutates: false },
    async (scope) => {
      const first = counted[0] ?? scope.skip('no answer of this run was to a credential that passed steps 1–2');
      if (!sendsAny) {
        scope.failOn(first.exchange, {
          type: 'header',
          header: SHOWN[LIMIT] as string,
          kind: 'envelope',
          reason: `TL1: every answer to a credential that passed steps 1–2 carries the rate-limit headers (docs); none of the ${counted.length} such answers of this run carried any (is rate limiting switched off on the target?)`,
          expected: 'present, with X-RateLimit-Remaining and X-RateLimit-Reset',
          received: null,
        });
        return;
      }
      const tally = new Tally();
      for (const { exchange, op } of counted) {
        const headers = exchange.response?.headers ?? {};
        for (const h of HEADERS) {
          const value = headers[h];
          const problem = value === undefined ? 'missing' : valueProblem(h, value, headers[LIMIT]);
          if (!problem) continue;
          tally.add(`${op.operationId} ${h} ${problem}`, exchange, {
            header: SHOWN[h] as string,
            kind: 'envelope',
            reason: `TL1: every answer to a credential that passed steps 1–2 carries ${SHOWN[h]}${problem === 'missing' ? '' : ` (${problem})`}; this is ${op.operationId} answered ${exchange.response?.status}`,
            expected: EXPECTED_VALUE[h] as string,
            received: value ?? null,
          });
        }
      }
      tally.report(scope);
    },
  );

  await ctx.recorder.run(
    GROUP,
    'a 401, the 403 session_required, an answer to no credential and a public operation carry no rate-limit headers (TL1)',
    { mutates: false },
    async (scope) => {
      const uncounted = judged.filter((j) => !j.counted);
      if (uncounted.length === 0) scope.skip('no answer of this run was at steps 1–2, to no credential, or of a public operation');
      const tally = new Tally();
      for (const { exchange, op, why } of uncounted) {
        const present = HEADERS.find((h) => exchange.response?.headers[h] !== undefined);
        if (!present) continue;
        tally.add(`${op.operationId} ${why}`, exchange, {
          header: SHOWN[present] as string,
          kind: 'envelope',
          reason: `TL1: requests answered at steps 1–2, with no credential, or to a public operation are not counted and carry no rate-limit headers; this is ${why} of ${op.operationId}`,
          expected: 'absent',
          received: exchange.response?.headers[present] ?? null,
        });
      }
      tally.report(scope);
    },
  );

  await ctx.recorder.run(
    GROUP,
    'X-RateLimit-Remaining goes down with each counted request of a credential within its window (TL1)',
    { mutates: false },
    async (scope) => {
      if (counted.length === 0) scope.skip('no answer of this run was to a credential that passed steps 1–2');
      if (!sendsAny) scope.skip('the target sent no rate-limit headers (see the first rate-limits case)');
      const tally = new Tally();
      const last = new Map<number, { exchange: Exchange; remaining: number; reset: number }>();
      for (const { exchange } of counted) {
        const id = exchange.request.credentialId ?? null;
        const remaining = intHeader(exchange, REMAINING);
        const reset = intHeader(exchange, RESET);
        if (id === null || remaining === null || reset === null) continue;
        const before = last.get(id);
        last.set(id, { exchange, remaining, reset });
        if (!before || before.reset !== reset) continue; // a new window
        const status = exchange.response?.status;
        if (status === 429 && remaining !== 0)
          tally.add('429 with some left', exchange, {
            header: SHOWN[REMAINING] as string,
            kind: 'business',
            reason: `TL1: a 429 means the window of ${exchange.meta.principal} is spent`,
            expected: '0',
            received: String(remaining),
          });
        else if (status !== 429 && remaining >= before.remaining)
          tally.add(before.remaining === 0 ? 'served past the limit' : 'not down', exchange, {
            header: SHOWN[REMAINING] as string,
            kind: 'business',
            reason:
              before.remaining === 0
                ? `TL1: past the limit the answer is a 429; ${exchange.meta.principal} had 0 left in this window (exchange ${before.exchange.id}) and was served ${operationLabel(exchange)} with ${status}`
                : `TL1: every counted request takes one from the window; ${exchange.meta.principal} had ${before.remaining} left (exchange ${before.exchange.id}) in the same window`,
            expected: `less than ${before.remaining}`,
            received: String(remaining),
          });
      }
      tally.report(scope);
    },
  );

  await ctx.recorder.run(
    GROUP,
    'X-RateLimit-Reset is a Unix time in seconds, after the answer and within its 60-second window (TL1)',
    { mutates: false },
    async (scope) => {
      if (counted.length === 0) scope.skip('no answer of this run was to a credential that passed steps 1–2');
      if (!sendsAny) scope.skip('the target sent no rate-limit headers (see the first rate-limits case)');
      const tally = new Tally();
      let compared = 0;
      for (const { exchange } of counted) {
        const reset = intHeader(exchange, RESET);
        const now = targetNow(exchange, offsets);
        if (reset === null || now === null) continue;
        compared++;
        const problem =
          reset > now + WINDOW_SECONDS * 1000
            ? 'milliseconds?'
            : reset < now
              ? 'before the answer'
              : // The Date header drops the answer's fraction of a second, and a window's end may be rounded up: 2 s of slack.
                reset > now + WINDOW_SECONDS + 2
                ? 'beyond the window'
                : null;
        if (!problem) continue;
        tally.add(problem, exchange, {
          header: SHOWN[RESET] as string,
          kind: 'business',
          reason: `TL1: X-RateLimit-Reset is when the current ${WINDOW_SECONDS}-second window ends, in Unix seconds; the answer's time on the target's clock was ${now} (${problem})`,
          expected: `a Unix time from ${now} to ${now + WINDOW_SECONDS + 2}`,
          received: String(reset),
        });
      }
      if (compared === 0) scope.skip('no answer carried both X-RateLimit-Reset and a Date header to measure it against');
      tally.report(scope);
    },
  );
}

const EXPECTED_VALUE: Readonly<Record<string, string>> = {
  [LIMIT]: 'a whole number of requests, at least 1',
  [REMAINING]: 'a whole number from 0 to X-RateLimit-Limit',
  [RESET]: 'a Unix time in whole seconds',
};

function valueProblem(header: string, value: string, limit: string | undefined): string | null {
  if (!/^\d+$/.test(value.trim())) return 'not a whole number';
  const n = Number(value.trim());
  if (header === LIMIT && n < 1) return 'below 1';
  if (header === REMAINING && limit !== undefined && /^\d+$/.test(limit.trim()) && n > Number(limit.trim())) return 'above X-RateLimit-Limit';
  return null;
}

function intHeader(exchange: Exchange, name: string): number | null {
  const raw = exchange.response?.headers[name]?.trim();
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : null;
}

/**
 * The offset of the target's clock (seconds) when each exchange was sent, as the mock's control plane
 * reported it: POST /__mock/clock answers the offset, POST /__mock/reset puts the clock back.
 */
function clockOffsets(exchanges: readonly Exchange[]): Map<number, number> {
  const offsets = new Map<number, number>();
  let offset = 0;
  for (const e of exchanges) {
    offsets.set(e.id, offset);
    if (e.request.method !== 'POST' || e.response?.status !== 200) continue;
    if (e.request.path === '/__mock/reset') offset = 0;
    if (e.request.path === '/__mock/clock') {
      const reported = bodyField(e, 'offsetSeconds');
      if (typeof reported === 'number' && Number.isFinite(reported)) offset = reported;
    }
  }
  return offsets;
}

/** The answer's time on the target's clock, in whole Unix seconds: its Date header plus the clock's offset; null without a Date. */
function targetNow(exchange: Exchange, offsets: ReadonlyMap<number, number>): number | null {
  const date = exchange.response?.headers.date;
  const ms = date === undefined ? Number.NaN : Date.parse(date);
  if (!Number.isFinite(ms)) return null;
  return Math.floor(ms / 1000) + Math.round(offsets.get(exchange.id) ?? 0);
}

// ---- the 429 (opt-in) ----------------------------------------------------------------------------

/** Sends an operation that takes no parameter as `actor`, past the kernel's pacer. */
async function sendUnpaced(ctx: ToursContext, scope: CaseScope, actor: Actor, operationId: string): Promise<Exchange> {
  const op = ctx.op(operationId);
  const exchange = await ctx.http.send(
    { method: op.method, path: op.path, authorization: actor.authorization, headers: actor.headers, unpaced: true },
    { subject: { kind: 'operation', operationId }, principal: actor.name, caseId: scope.id },
  );
  return scope.attach(exchange);
}

async function reachTheLimit(ctx: ToursContext): Promise<void> {
  const name = "past its limit a fresh API key gets the 429 with retryAfter, while the same user's session is still served (TL1)";
  await ctx.recorder.run(GROUP, name, { mutates: true }, async (scope) => {
    if (!ctx.options.spendRateLimit) scope.skip(`spends the target's quota: pass ${SPEND_FLAG}`);
    const principal =
      ['acme-member', ...PRINCIPAL_NAMES].map((n) => ctx.principal(n)).find((p) => p?.email && p.password && p.spec.org && !p.spec.suspended) ??
      scope.skip('needs a member of an organization with an email and password to sign in with');
    const who = principal.spec.name;
    const token = await signIn(ctx, scope, principal);
    const session = credentialActor(`${who} (fresh session)`, 'a session signed in for this case', null, { session: token }, principal);
    const created = await ctx.call(scope, session, 'createApiKey', { json: { name: ctx.fixtures.name('rate-limit') } });
    const id = bodyField(created, 'id');
    const key = bodyField(created, 'key');
    if (created.response?.status !== 201 || typeof id !== 'string' || typeof key !== 'string')
      return scope.skip(`could not make an API key to spend: ${answer(created)}`);
    ctx.secrets.add(key, 'the API key the run made to reach the rate limit');
    trackRemoval(ctx, 'API key', id, session, 'deleteApiKey');
    const spender = credentialActor(`${who} (fresh key)`, 'an API key made for this case', null, { key });

    // Within the limit: served, the window starting full (a new key's own) and going down one by one.
    const operationId = 'getMyPermissions';
    const first = await sendUnpaced(ctx, scope, spender, operationId);
    if (!ctx.expect(scope, first, byRule('business', 'TL1', "a new key's first request is within its limit", 200))) return;
    const limit = intHeader(first, LIMIT) ?? DOCUMENTED_LIMIT;
    if (limit > MAX_SPEND) return scope.skip(`the target allows ${limit} requests per window: more than the ${MAX_SPEND} this case would send`);
    const reset = intHeader(first, RESET);
    let wantRemaining: number | null = limit - 1;
    let served = 0;
    let refused: Exchange | null = null;
    for (let n = 1; n <= limit; n++) {
      const exchange = n === 1 ? first : await sendUnpaced(ctx, scope, spender, operationId);
      if (exchange.response?.status === 429) {
        refused = exchange;
        break;
      }
      if (n > 1 && !ctx.expect(scope, exchange, byRule('business', 'TL1', `request ${n} of ${limit} in the window is within the limit`, 200))) return;
      served++;
      if (reset !== null && intHeader(exchange, RESET) !== reset)
        return scope.skip(`the key's window ended before its ${limit} requests were sent (they took longer than a window): nothing to conclude`);
      const remaining = intHeader(exchange, REMAINING);
      if (wantRemaining !== null && remaining !== null && remaining !== wantRemaining) {
        scope.failOn(exchange, {
          type: 'header',
          header: SHOWN[REMAINING] as string,
          kind: 'business',
          reason:
            n === 1
              ? 'TL1: the limit is per API key: a new key starts with a full window of its own, less this request'
              : `TL1: every counted request takes one from the window (request ${n} of the key)`,
          expected: String(wantRemaining),
          received: String(remaining),
        });
        wantRemaining = null; // one failure is enough: the rest would follow from it
      } else if (wantRemaining !== null) wantRemaining--;
    }
    if (refused === null) {
      const extra = await sendUnpaced(ctx, scope, spender, operationId);
      const expected = byRule(
        'business',
        'TL1',
        `past the limit of ${limit} requests per window, the answer is a 429`,
        429,
        ctx.messages.component('RateLimited'),
      );
      if (!ctx.expect(scope, extra, expected)) return;
      refused = extra;
    } else {
      scope.failOn(refused, {
        type: 'state',
        kind: 'business',
        reason: `TL1: the key may send ${limit} requests per window (X-RateLimit-Limit); the 429 came early`,
        expected: `${limit} requests served before the 429`,
        received: `${served} served`,
      });
    }
    checkRefusal(ctx, scope, refused);

    // The limit is per credential: the user's session has a window of its own.
    const own = await ctx.call(scope, session, 'getSession');
    ctx.expect(scope, own, byRule('business', 'TL1', "the limit is per API key and per session: a spent key leaves its user's session its own window", 200));
  });
}

/** The 429: the spec's message, retryAfter in whole seconds within the window and agreeing with the reset, the documented headers, no Retry-After. */
function checkRefusal(ctx: ToursContext, scope: CaseScope, refused: Exchange): void {
  ctx.expect(scope, refused, byRule('business', 'TL1', 'past the limit the answer is a 429', 429, ctx.messages.component('RateLimited')));
  const retryAfter = bodyField(refused, 'retryAfter');
  const whole = typeof retryAfter === 'number' && Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_SECONDS;
  if (!whole) {
    scope.failOn(refused, {
      type: 'state',
      kind: 'business',
      reason: `TL1: the 429 says in retryAfter how many seconds to wait, at most the ${WINDOW_SECONDS}-second window (docs)`,
      expected: `retryAfter a whole number from 1 to ${WINDOW_SECONDS}`,
      received: `retryAfter ${JSON.stringify(retryAfter) ?? 'absent'}`,
    });
  }
  const headers = refused.response?.headers ?? {};
  for (const name of ctx.spec.componentResponse('RateLimited').headers.keys()) {
    if (headers[name] !== undefined) continue;
    scope.failOn(refused, {
      type: 'header',
      header: SHOWN[name] ?? name,
      kind: 'envelope',
      reason: 'TL1: the 429 carries the headers components.responses.RateLimited documents',
      expected: 'present',
      received: null,
    });
  }
  const remaining = intHeader(refused, REMAINING);
  if (remaining !== null && remaining !== 0) {
    scope.failOn(refused, {
      type: 'header',
      header: SHOWN[REMAINING] as string,
      kind: 'business',
      reason: 'TL1: a 429 means the window is spent',
      expected: '0',
      received: String(remaining),
    });
  }
  const reset = intHeader(refused, RESET);
  const now = targetNow(refused, clockOffsets(ctx.http.exchanges));
  if (whole && reset !== null && now !== null && Math.abs(now + retryAfter - reset) > 2) {
    scope.failOn(refused, {
      type: 'state',
      kind: 'business',
      reason: `TL1: retryAfter is the wait until the window ends, which X-RateLimit-Reset gives (${reset}); the answer's time on the target's clock was ${now}`,
      expected: `retryAfter about ${reset - now}`,
      received: `retryAfter ${retryAfter}`,
    });
  }
  const retryHeader = headers['retry-after'];
  if (retryHeader !== undefined) {
    scope.failOn(refused, {
      type: 'header',
      header: 'Retry-After',
      kind: 'envelope',
      reason: 'TL1: the wait is in the body, retryAfter (docs); components.responses.RateLimited says no Retry-After header is sent',
      expected: 'absent',
      received: retryHeader,
    });
  }
}
