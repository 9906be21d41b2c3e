/**
 * Credentials (docs/decisions/tours.md, section 2): every credential failure of TA3 on every
 * operation, with the spec's message for it; an API key on the session-only operations (TA5); a
 * request that sends both a key and a session, judged by the key (TA3); a key and a session of one
 * user answered alike (TA4); signing in and out (TA1, TA2); a key's lastUsedAt (TA6).
 *
 * Every expectation of an operation comes from its access rule (ctx.expected), every message from
 * the spec's examples. The writes sent with a credential that must be refused carry a body that the
 * target would refuse too (a bad value, or an id no record has), so that even a target that let the
 * credential through changes nothing.
 *
 * Left to other groups: that a role change applies from a key's next request (TA4) is the
 * permissions group's; an expired key's status turning `expired` and the rest of a key's lifecycle
 * (TA6) are the lifecycle group's.
 */
import type { OperationSpec } from '../../../../src/contract/index.js';
import { byRule, type Expected } from '../../../kernel/expected.js';
import type { FailureKind } from '../../../kernel/failure.js';
import { bodyField, type Exchange } from '../../../kernel/http/exchange.js';
import { expectEqual, expectThat, show } from '../../../kernel/assertions/state.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { credentialActor, type Actor, type RefusalExample } from '../actors.js';
import type { CallArgs, ToursContext } from '../context.js';
import type { CallFacts } from '../expectations.js';
import { answer } from '../fixtures.js';
import { PRINCIPAL_NAMES, type ResolvedPrincipal } from '../principals.js';
import { signIn, trackCreated, trackSession } from './records.js';

const GROUP = 'credentials';

type Json = Record<string, unknown>;

export async function runCredentials(ctx: ToursContext): Promise<void> {
  await refusedEverywhere(ctx);
  await endedSession(ctx);
  await sessionOnly(ctx);
  await keyAndSession(ctx);
  for (const name of PRINCIPAL_NAMES) await keyActsAsItsUser(ctx, name);
  await signInRules(ctx);
  await lastUsedAt(ctx);
}

// ---- TA3: every credential failure, on every operation ------------------------------------------

/** The credentials the run has to refuse: the pseudo-principals, and a `tke_` value of the wrong shape. */
function refusedActors(ctx: ToursContext): Actor[] {
  const malformed = credentialActor('malformed-key', 'a tke_ value of the wrong shape', 'invalidKey', { key: 'tke_live_not-32-characters' });
  return [...ctx.pseudo, malformed];
}

/** What the run lacks to try a seeded credential failure, and how to give it. */
const MISSING_EXTRAS: readonly { refusal: RefusalExample; what: string; how: string }[] = [
  { refusal: 'expiredKey', what: 'an API key past its expiresAt', how: 'expiredApiKey in --config, or CONFORMANCE_TOURS_EXPIRED_KEY' },
  { refusal: 'revokedKey', what: 'a revoked API key', how: 'revokedApiKey in --config, or CONFORMANCE_TOURS_REVOKED_KEY' },
];

async function refusedEverywhere(ctx: ToursContext): Promise<void> {
  const actors = refusedActors(ctx);
  for (const actor of actors) {
    for (const writes of [false, true]) await everyOperation(ctx, actor, writes, ['TA3']);
  }
  for (const extra of MISSING_EXTRAS) {
    if (actors.some((a) => a.refusal === extra.refusal)) continue;
    await ctx.recorder.run(GROUP, `${extra.what}: the 401 of TA3 on every operation (TA3)`, { mutates: false }, (scope) =>
      scope.skip(`the run has no ${extra.what}: ${ctx.principals.source} gives none; give ${extra.how}`),
    );
  }
}

/**
 * One case: `actor` on every read (or every write), each call compared with what its access rule
 * gives (a 401 with the failure's message where a credential is needed; a public or optional
 * operation answers as if nothing had been sent).
 */
async function everyOperation(
  ctx: ToursContext,
  actor: Actor,
  writes: boolean,
  rules: readonly string[],
  only?: (op: OperationSpec) => boolean,
): Promise<void> {
  const ops = ctx.spec.operations.filter((op) => (op.method !== 'GET') === writes && takesCredential(op) && (!only || only(op)));
  if (ops.length === 0) return;
  const name = `${actor.description}: ${rules.includes('TA5') ? 'the 403 session_required' : 'the answer of TA3'} on every ${only ? 'session-only ' : ''}${writes ? 'write' : 'read'} (${rules.join(', ')})`;
  await ctx.recorder.run(GROUP, name, { mutates: writes }, async (scope) => {
    for (const op of ops) await refusedCall(ctx, scope, actor, op);
  });
}

async function refusedCall(ctx: ToursContext, scope: CaseScope, actor: Actor, op: OperationSpec): Promise<void> {
  const { args, facts } = harmlessCall(ctx, op);
  const expected = ctx.expected(op.operationId, actor, facts);
  if (expected.status === null) return;
  const exchange = await ctx.call(scope, actor, op.operationId, args);
  ctx.expect(scope, exchange, expected);
  if (expected.status === 403 && ctx.model.wrongCredential?.reason && expected.message === ctx.model.wrongCredential.message) {
    expectField(scope, exchange, 'reason', ctx.model.wrongCredential.reason, { kind: 'auth', reason: expected.reason });
  }
  if (exchange.response && exchange.response.status < 300) await trackCreated(ctx, op, actor, exchange);
}

/**
 * Whether TA3 applies to the operation at all: a public one (sign-in, an invitation's lookup) ignores
 * whatever is sent, which the matrix shows; its own rules (TA2, TI3) are other cases'.
 */
function takesCredential(op: OperationSpec): boolean {
  return op.access.credentials.length > 0;
}

/** An id no record has. */
function missingId(ctx: ToursContext): string {
  return `conf-${ctx.runId}-missing`;
}

/**
 * The call of `op` for a caller who must be refused before anything: every path names a record that
 * does not exist, and every body has a value the operation would refuse, so that a target that let
 * the caller through would still change nothing.
 */
function harmlessCall(ctx: ToursContext, op: OperationSpec): { args: CallArgs; facts: CallFacts } {
  const params: Record<string, string> = {};
  for (const name of op.pathParams) params[name] = missingId(ctx);
  const facts: CallFacts = op.access.target ? { target: 'missing' } : {};
  const with_ = (json: unknown, more: CallFacts = {}): { args: CallArgs; facts: CallFacts } => ({ args: { params, json }, facts: { ...facts, ...more } });
  switch (op.operationId) {
    case 'updateCurrentOrganization':
    case 'updateOrganizationById':
      return with_({ timezone: 'Not/A_Zone' });
    case 'updateMember':
      return with_({ status: 'active' });
    case 'updateRole':
      return with_({ description: 'unchanged' });
    case 'updateApiKey':
      return with_({ name: 'unchanged' });
    case 'createRole':
      return with_({ name: 'Not A Slug!', permissions: [] });
    case 'createInvitation':
      return with_({ email: ctx.fixtures.email('refused'), role: `conf-${ctx.runId}-no-such-role` });
    case 'createApiKey':
      return with_({ name: '' });
    default:
      return { args: { params }, facts };
  }
}

function invalidSignIn(ctx: ToursContext): Expected {
  return byRule(
    'auth',
    'TA2',
    'an unknown email or a wrong password is refused with one 401',
    401,
    ctx.messages.example('signInEmail', 401, 'invalidCredentials'),
  );
}

/** TA2, TA3: a session that was signed out is refused like an unknown one, everywhere. */
async function endedSession(ctx: ToursContext): Promise<void> {
  let ended: Actor | null = null;
  for (const writes of [false, true]) {
    const name = `a signed-out session: the answer of TA3 on every ${writes ? 'write' : 'read'} (TA2, TA3)`;
    await ctx.recorder.run(GROUP, name, { mutates: true }, async (scope) => {
      ended ??= await signedOutSession(ctx, scope);
      for (const op of ctx.spec.operations.filter((o) => (o.method !== 'GET') === writes && takesCredential(o))) await refusedCall(ctx, scope, ended, op);
    });
  }
}

/** Signs a principal in afresh and out again; the ended session as an actor. Skips when either step fails. */
async function signedOutSession(ctx: ToursContext, scope: CaseScope): Promise<Actor> {
  const principal = anyPrincipal(ctx, scope, (p) => p.email !== null && p.password !== null, 'an email and password to sign in with');
  const token = await signIn(ctx, scope, principal);
  const live = credentialActor(`${principal.spec.name} (fresh session)`, 'a session signed in for this case', null, { session: token }, principal);
  const out = await ctx.call(scope, live, 'signOut');
  if (out.response?.status !== 200) scope.skip(`could not sign the fresh session out: ${answer(out)}`);
  return credentialActor('signed-out-session', 'a signed-out session', 'invalidSession', { session: token });
}

/** The first principal the run has that fits, else skips the case saying what is missing. */
function anyPrincipal(
  ctx: ToursContext,
  scope: CaseScope,
  fits: (p: ResolvedPrincipal) => boolean,
  what: string,
  prefer: readonly string[] = [],
): ResolvedPrincipal {
  for (const name of [...prefer, ...PRINCIPAL_NAMES]) {
    const p = ctx.principal(name);
    if (p && fits(p)) return p;
  }
  return scope.skip(`needs a principal with ${what}; the run has none`);
}

// ---- TA5: an API key on a session-only operation ------------------------------------------------

/**
 * The Super Admin's key (its session would pass the platform gate) and an owner's key (its session
 * would pass everything else) on every operation that takes a session only: 403 session_required.
 */
async function sessionOnly(ctx: ToursContext): Promise<void> {
  const sessionOnlyOp = (op: OperationSpec): boolean => op.access.credentials.includes('session') && !op.access.credentials.includes('apiKey');
  for (const name of ['superadmin', 'acme-owner']) {
    const actor = ctx.actor(name, 'apiKey');
    for (const writes of [false, true]) {
      if (actor) await everyOperation(ctx, actor, writes, ['TA5'], sessionOnlyOp);
      else
        await ctx.recorder.run(
          GROUP,
          `${name}'s API key: the 403 session_required on every session-only ${writes ? 'write' : 'read'} (TA5)`,
          { mutates: writes },
          (scope) => scope.skip(ctx.missingReason(name, 'apiKey')),
        );
    }
  }
}

// ---- TA3: a key and a session in one request -----------------------------------------------------

/** An actor that sends `key`'s API key and `session`'s cookie: judged as `key` (TA3). */
function both(key: Actor, session: Actor): Actor {
  return { ...key, name: `${key.name} + ${session.name}`, headers: session.headers, description: `${key.description}, sent with ${session.description}` };
}

async function keyAndSession(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'a request with both an API key and a session is judged by the key (TA3)', { mutates: false }, async (scope) => {
    const ownerKey = ctx.need(scope, 'acme-owner', 'apiKey');
    const ownerSession = ctx.need(scope, 'acme-owner', 'session');
    const memberKey = ctx.need(scope, 'acme-member', 'apiKey');
    const unknownSession = ctx.pseudo.find((a) => a.refusal === 'invalidSession') ?? scope.skip('needs an unknown session');
    const badKey =
      ctx.pseudo.find((a) => a.refusal === 'revokedKey') ?? ctx.pseudo.find((a) => a.refusal === 'invalidKey') ?? scope.skip('needs a bad API key');
    const calls: [Actor, string][] = [
      // A good key with a dead session: served (judged by the session, it would be a 401).
      [both(ownerKey, unknownSession), 'getCurrentOrganization'],
      // A bad key with a live session: the key's 401 (judged by the session, a 200).
      [both(badKey, ownerSession), 'getCurrentOrganization'],
      // A member's key with an owner's session: the member's 403 (judged by the session, a 200).
      [both(memberKey, ownerSession), 'listMembers'],
      // A key on a session-only operation, with a live session of the same user: TA5's 403.
      [both(ownerKey, ownerSession), 'listApiKeys'],
    ];
    for (const [actor, operationId] of calls) {
      const expected = ctx.expected(operationId, actor);
      if (expected.status === null) continue;
      const judged = { ...expected, reason: `TA3: a request with both credentials is judged by its API key; ${expected.reason}` };
      await ctx.call(scope, actor, operationId).then((exchange) => ctx.expect(scope, exchange, judged));
    }
  });
}

// ---- TA4: a key acts as its user -----------------------------------------------------------------

/** The reads that take both credentials and name no record: a principal's view of its organization. */
function sharedReads(ctx: ToursContext): OperationSpec[] {
  return ctx.spec.operations.filter(
    (op) => op.method === 'GET' && op.pathParams.length === 0 && op.access.credentials.includes('session') && op.access.credentials.includes('apiKey'),
  );
}

/** TA4: the principal's session and key get the same status and body on the same reads. */
async function keyActsAsItsUser(ctx: ToursContext, name: string): Promise<void> {
  await ctx.recorder.run(GROUP, `${name}: its session and its API key get the same answers to the same reads (TA4)`, { mutates: false }, async (scope) => {
    const session = ctx.need(scope, name, 'session');
    const key = ctx.need(scope, name, 'apiKey');
    for (const op of sharedReads(ctx)) {
      const bySession = await ctx.call(scope, session, op.operationId);
      const byKey = await ctx.call(scope, key, op.operationId);
      const why = {
        kind: 'role' as const,
        reason: `TA4: an API key acts as the user who made it, with that user's membership and role; ${op.operationId} answered the session so`,
      };
      if (expectEqual(scope, byKey, 'status', byKey.response?.status ?? null, bySession.response?.status ?? null, why)) {
        expectEqual(scope, byKey, 'body', byKey.response?.json, bySession.response?.json, why);
      }
    }
  });
}

// ---- TA1, TA2: signing in and out ----------------------------------------------------------------

async function signInRules(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'an unknown email and a wrong password get one and the same 401, and no cookie (TA2)', { mutates: false }, async (scope) => {
    const principal = anyPrincipal(ctx, scope, (p) => p.email !== null, 'a known email');
    const expected = invalidSignIn(ctx);
    const wrongPassword = await ctx.call(scope, null, 'signInEmail', { json: { email: principal.email, password: `not-${principal.password ?? 'it'}-0` } });
    const unknownEmail = await ctx.call(scope, null, 'signInEmail', { json: { email: ctx.fixtures.email('nobody'), password: 'Not-the-passw0rd' } });
    ctx.expect(scope, wrongPassword, expected);
    ctx.expect(scope, unknownEmail, expected);
    const why = {
      kind: 'auth' as const,
      reason: 'TA2: an unknown email and a wrong password get the same answer, so that nobody can find out which emails exist',
    };
    expectEqual(scope, unknownEmail, 'status and body', answerOf(unknownEmail), answerOf(wrongPassword), why);
    for (const exchange of [wrongPassword, unknownEmail]) {
      const cookie = exchange.response?.headers['set-cookie'] ?? null;
      expectThat(scope, exchange, cookie === null, { ...why, expected: 'no Set-Cookie on a refused sign-in', received: `Set-Cookie: ${cookie}` });
    }
  });

  await ctx.recorder.run(
    GROUP,
    'sign-in answers {token, user} and sets the session cookie HttpOnly, SameSite=Lax, Path=/, which works (TA1, TA2)',
    { mutates: true },
    async (scope) => {
      const principal = anyPrincipal(ctx, scope, (p) => p.email !== null && p.password !== null, 'an email and password to sign in with');
      const cookieName = sessionCookieName(ctx) ?? scope.skip('the spec names no session cookie (x-access-model.credentials.session)');
      const exchange = await ctx.call(scope, null, 'signInEmail', { json: { email: principal.email, password: principal.password } });
      const token = bodyField(exchange, 'token');
      if (typeof token === 'string') trackSession(ctx, token, principal);
      if (!ctx.expect(scope, exchange, byRule('auth', 'TA2', `${principal.spec.name} signs in with the right password`, 200))) return;
      const user = (bodyField(exchange, 'user') ?? {}) as Json;
      const why = { kind: 'auth' as const, reason: 'TA2: sign-in answers 200 {token, user: {id, email, name}} for the user who signed in' };
      expectThat(scope, exchange, typeof token === 'string' && token !== '', { ...why, expected: 'a token', received: show(token) });
      expectEqual(scope, exchange, 'user.email', lower(user.email), lower(principal.email), why);
      if (principal.userId) expectEqual(scope, exchange, 'user.id', user.id, principal.userId, why);

      const cookieWhy = { kind: 'auth' as const, reason: `TA1: sign-in sets the cookie ${cookieName} with HttpOnly; SameSite=Lax; Path=/` };
      const header = exchange.response?.headers['set-cookie'] ?? null;
      const cookie = header
        ?.split('\n')
        .map(parseSetCookie)
        .find((c) => c.name === cookieName);
      if (!cookie) {
        scope.failOn(exchange, {
          type: 'header',
          header: 'Set-Cookie',
          kind: 'auth',
          reason: cookieWhy.reason,
          expected: `${cookieName}=<session>; HttpOnly; SameSite=Lax; Path=/`,
          received: header,
        });
        return;
      }
      const attributes = cookie.attributes;
      const flaws = [
        attributes.has('httponly') ? null : 'no HttpOnly',
        attributes.get('samesite')?.toLowerCase() === 'lax' ? null : `SameSite=${attributes.get('samesite') ?? '(none)'}`,
        attributes.get('path') === '/' ? null : `Path=${attributes.get('path') ?? '(none)'}`,
        cookie.value === '' ? 'an empty value' : null,
      ].filter((f): f is string => f !== null);
      if (flaws.length > 0) {
        scope.failOn(exchange, {
          type: 'header',
          header: 'Set-Cookie',
          kind: 'auth',
          reason: `${cookieWhy.reason}; this one has ${flaws.join(', ')}`,
          expected: `${cookieName}=<session>; HttpOnly; SameSite=Lax; Path=/`,
          received: cookie.raw.replace(cookie.value, '<value>'),
        });
      }
      if (cookie.value === '') return;
      // The cookie is the session (better-auth may sign its value, so it need not equal the token).
      if (cookie.value !== token) {
        ctx.secrets.add(cookie.value, `a session the run opened for ${principal.spec.name}`);
        trackSession(ctx, cookie.value, principal);
      }
      const asCookie = credentialActor(`${principal.spec.name} (fresh session)`, 'the cookie sign-in set', null, { session: cookie.value }, principal);
      const session = await ctx.call(scope, asCookie, 'getSession');
      const sessionWhy = { kind: 'auth' as const, reason: 'TA1, TA2: the cookie sign-in sets is a live session of the user who signed in' };
      if (ctx.expect(scope, session, byRule('auth', 'TA2', sessionWhy.reason, 200))) {
        expectEqual(scope, session, 'user.id', (bodyField(session, 'user') as Json | undefined)?.id, user.id, sessionWhy);
      }
    },
  );

  await ctx.recorder.run(GROUP, 'sign-out ends the session: the cookie is refused with a 401 afterwards (TA2, TA3)', { mutates: true }, async (scope) => {
    const principal = anyPrincipal(
      ctx,
      scope,
      (p) => p.email !== null && p.password !== null && p.spec.org !== null && !p.spec.suspended,
      'an email and password and an organization',
      ['acme-member'],
    );
    const token = await signIn(ctx, scope, principal);
    const live = credentialActor(`${principal.spec.name} (fresh session)`, 'a session signed in for this case', null, { session: token }, principal);
    const before = await ctx.call(scope, live, 'getSession');
    if (!ctx.expect(scope, before, byRule('auth', 'TA2', 'a fresh session is live', 200))) return;
    const out = await ctx.call(scope, live, 'signOut');
    if (ctx.expect(scope, out, byRule('auth', 'TA2', 'sign-out of a live session answers 200 {success: true}', 200))) {
      expectField(scope, out, 'success', true, { kind: 'envelope', reason: 'TA2, TE1: sign-out answers {success: true}' });
    }
    const ended = credentialActor('signed-out-session', 'the session just signed out', 'invalidSession', { session: token }, principal);
    for (const operationId of ['getSession', 'getCurrentOrganization']) {
      const expected = ctx.expected(operationId, ended);
      if (expected.status === null) continue;
      const exchange = await ctx.call(scope, ended, operationId);
      ctx.expect(scope, exchange, { ...expected, reason: `TA2: sign-out ends the session; ${expected.reason}` });
    }
  });

  await ctx.recorder.run(
    GROUP,
    'without a session cookie, get-session answers 200 null and sign-out 200 {success: true} (TA2)',
    { mutates: false },
    async (scope) => {
      const session = await ctx.call(scope, null, 'getSession');
      if (ctx.expect(scope, session, byRule('auth', 'TA2', 'get-session with no session answers 200 null', 200))) {
        expectThat(scope, session, session.response?.json === null, {
          kind: 'auth',
          reason: 'TA2: get-session answers 200 null when there is no session',
          expected: 'the body null',
          received: show(session.response?.json),
        });
      }
      const out = await ctx.call(scope, null, 'signOut');
      if (ctx.expect(scope, out, byRule('auth', 'TA2', 'sign-out with no session is served all the same (x-access.optional)', 200))) {
        expectField(scope, out, 'success', true, { kind: 'envelope', reason: 'TA2, TE1: sign-out answers {success: true}' });
      }
    },
  );
}

/** The session cookie's name, from the security scheme the access model names for sessions. */
function sessionCookieName(ctx: ToursContext): string | null {
  const scheme = ctx.model.credentials.get('session');
  const schemes = ((ctx.spec.document.components as Json | undefined)?.securitySchemes ?? {}) as Record<string, { name?: unknown; in?: unknown }>;
  const entry = scheme ? schemes[scheme] : undefined;
  return entry?.in === 'cookie' && typeof entry.name === 'string' ? entry.name : null;
}

interface SetCookie {
  readonly raw: string;
  readonly name: string;
  readonly value: string;
  /** Attribute names in lower case → value ('' for a flag). */
  readonly attributes: ReadonlyMap<string, string>;
}

function parseSetCookie(raw: string): SetCookie {
  const [pair = '', ...rest] = raw.split(';');
  const eq = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const i = part.indexOf('=');
    const key = (i < 0 ? part : part.slice(0, i)).trim().toLowerCase();
    if (key) attributes.set(key, i < 0 ? '' : part.slice(i + 1).trim());
  }
  return { raw, name: (eq < 0 ? pair : pair.slice(0, eq)).trim(), value: eq < 0 ? '' : pair.slice(eq + 1).trim(), attributes };
}

// ---- TA6: lastUsedAt -----------------------------------------------------------------------------

/** TA6: the key's entry in its owner's list shows a later lastUsedAt once the key has been used. */
async function lastUsedAt(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, "an API key's lastUsedAt moves when the key is used (TA6)", { mutates: false }, async (scope) => {
    const principal = anyPrincipal(
      ctx,
      scope,
      (p) => p.apiKey !== null && p.sessionToken !== null && p.spec.org !== null && !p.spec.suspended,
      'a session, an API key and an organization',
      ['acme-member'],
    );
    const session = ctx.need(scope, principal.spec.name, 'session');
    const key = ctx.need(scope, principal.spec.name, 'apiKey');
    const before = await keyEntry(ctx, scope, session, principal.apiKey as string);
    const use = await ctx.call(scope, key, 'getMyPermissions');
    if (!use.response || use.response.status >= 300) scope.skip(`the key's use was not served: ${answer(use)}`);
    const after = await keyEntry(ctx, scope, session, principal.apiKey as string);
    const was = typeof before.entry.lastUsedAt === 'string' ? Date.parse(before.entry.lastUsedAt) : null;
    const now = typeof after.entry.lastUsedAt === 'string' ? Date.parse(after.entry.lastUsedAt) : Number.NaN;
    expectThat(scope, after.exchange, Number.isFinite(now) && (was === null || now > was), {
      kind: 'business',
      reason: 'TA6: lastUsedAt is updated every time the key is used',
      expected: `lastUsedAt later than ${show(before.entry.lastUsedAt)}`,
      received: `lastUsedAt ${show(after.entry.lastUsedAt)}`,
    });
  });
}

/** The entry of `key` in its owner's key list (by its keyPrefix); skips when it is not there. */
async function keyEntry(ctx: ToursContext, scope: CaseScope, session: Actor, key: string): Promise<{ exchange: Exchange; entry: Json }> {
  const exchange = await ctx.call(scope, session, 'listApiKeys');
  const data = bodyField(exchange, 'data');
  const entries = Array.isArray(data) ? (data as Json[]) : scope.skip(`could not list ${session.name}'s API keys: ${answer(exchange)}`);
  const entry = entries.find((e) => typeof e.keyPrefix === 'string' && e.keyPrefix.length > 0 && key.startsWith(e.keyPrefix));
  return { exchange, entry: entry ?? scope.skip(`${session.name}'s key list shows no entry whose keyPrefix begins the key`) };
}

// ---- comparisons ---------------------------------------------------------------------------------

interface Why {
  readonly kind: FailureKind;
  readonly reason: string;
}

function expectField(scope: CaseScope, exchange: Exchange, field: string, expected: unknown, why: Why): boolean {
  return expectEqual(scope, exchange, field, bodyField(exchange, field), expected, why);
}

function answerOf(exchange: Exchange): unknown {
  return { status: exchange.response?.status ?? null, body: exchange.response?.json ?? null };
}

function lower(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}
