/**
 * What the lifecycle checks share: one way to send a call and compare it with an expectation the
 * case states from its rule, comparisons of state on real values (fields, timestamps, permission
 * maps), paged lists searched to their end, the mock's outbox, and the members the run adds to an
 * organization (each removed at the end of the run should a case stop midway).
 */
import { expectEqual, expectThat, show } from '../../../../kernel/assertions/state.js';
import { byRule, type Expected } from '../../../../kernel/expected.js';
import type { FailureKind } from '../../../../kernel/failure.js';
import { bodyField, type Exchange } from '../../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { Actor } from '../../actors.js';
import type { CallArgs, ToursContext } from '../../context.js';
import { successStatus } from '../../expectations.js';
import { answer } from '../../fixtures.js';

export type Json = Record<string, unknown>;

export const GROUP = 'lifecycle';

/** 7 days in milliseconds: the life of an invitation (TI1) and of a session (TA2). */
export const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

/** How far a backend may stray from an exact 7 days between two of its own timestamps (two clock reads). */
const SPAN_TOLERANCE_MS = 60_000;

export interface Sent {
  readonly exchange: Exchange;
  readonly ok: boolean;
  /** The JSON object body, or an empty object when there is none. */
  readonly body: Json;
}

/** Runs one lifecycle case; every lifecycle case changes state unless it says otherwise. */
export function lifecycleCase(ctx: ToursContext, name: string, body: (scope: CaseScope) => Promise<void>, mutates = true): Promise<unknown> {
  return ctx.recorder.run(GROUP, name, { mutates }, body);
}

/** The value, or skips the case with the reason (a previous step failed, a credential is missing). */
export function need<T>(scope: CaseScope, value: T | null | undefined, why: string): T {
  return value ?? scope.skip(why);
}

/** Sends an operation as `actor` (null: no credential) and compares the answer with `expected`. */
export async function send(ctx: ToursContext, scope: CaseScope, actor: Actor | null, operationId: string, args: CallArgs, expected: Expected): Promise<Sent> {
  const exchange = await ctx.call(scope, actor, operationId, args);
  const ok = ctx.expect(scope, exchange, expected);
  const json = exchange.response?.json;
  const body = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Json) : {};
  return { exchange, ok, body };
}

/** The operation's documented success, as a rule says. */
export function succeeds(ctx: ToursContext, operationId: string, rule: string, says: string): Expected {
  return byRule('business', rule, says, successStatus(ctx.op(operationId)));
}

/** A refusal with a documented message, as a rule says. */
export function refused(kind: FailureKind, rule: string, says: string, status: number, message: string): Expected {
  return byRule(kind, rule, says, status, message);
}

/** The `reason` of an error body, where the spec gives one (checkOutcome compares only status and message). */
export function expectReason(scope: CaseScope, exchange: Exchange, reason: string | null | undefined, context: Context): boolean {
  if (!reason || !exchange.response || exchange.response.status < 400) return true;
  return expectEqual(scope, exchange, 'reason', bodyField(exchange, 'reason'), reason, context);
}

export interface Context {
  readonly kind: FailureKind;
  readonly reason: string;
}

export function because(kind: FailureKind, rule: string, says: string): Context {
  return { kind, reason: `${rule}: ${says}` };
}

/** Each field of `expected` as the body has it. */
export function expectFields(scope: CaseScope, exchange: Exchange, body: Json, expected: Json, context: Context): boolean {
  let ok = true;
  for (const [key, value] of Object.entries(expected)) ok = expectEqual(scope, exchange, key, body[key], value, context) && ok;
  return ok;
}

/** A timestamp field as milliseconds, or a failure when it is not an ISO 8601 date-time. */
export function expectTime(scope: CaseScope, exchange: Exchange, what: string, value: unknown, context: Context): number | null {
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (Number.isFinite(ms)) return ms;
  scope.failOn(exchange, {
    type: 'state',
    kind: context.kind,
    reason: context.reason,
    expected: `${what} an ISO 8601 date-time`,
    received: `${what} ${show(value)}`,
  });
  return null;
}

/** `later - earlier` is `span` give or take a minute (two reads of the backend's clock). */
export function expectSpan(scope: CaseScope, exchange: Exchange, what: string, earlier: number, later: number, span: number, context: Context): boolean {
  const off = later - earlier - span;
  return expectThat(scope, exchange, Math.abs(off) <= SPAN_TOLERANCE_MS, {
    ...context,
    expected: `${what} ${describeSpan(span)}`,
    received: `${what} ${describeSpan(later - earlier)}`,
  });
}

function describeSpan(ms: number): string {
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days} days` : `${(ms / 3_600_000).toFixed(3)} hours`;
}

/** The server's time of an answer, from its Date header (one-second precision); null without one. */
export function serverTime(exchange: Exchange): number | null {
  const date = exchange.response?.headers.date;
  const ms = date ? Date.parse(date) : NaN;
  return Number.isFinite(ms) ? ms : null;
}

/** Set equality of two lists of strings (permission keys come in any order). */
export function sameSet(a: unknown, b: readonly string[]): boolean {
  return Array.isArray(a) && a.length === b.length && b.every((x) => a.includes(x));
}

/** Where a paged list (TE2) holds an item: every page is read, up to ten of a hundred items. */
export interface Listed {
  readonly exchange: Exchange;
  readonly item: Json | null;
  /** Every item read, in order. */
  readonly items: readonly Json[];
}

const MAX_PAGES = 10;

/** Reads a paged list to its end (or until `match` finds the item) and compares each page's status with `expected`. */
export async function findListed(
  ctx: ToursContext,
  scope: CaseScope,
  actor: Actor,
  operationId: string,
  match: (item: Json) => boolean,
  expected: Expected,
): Promise<Listed | null> {
  const items: Json[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const sent = await send(ctx, scope, actor, operationId, { query: `?limit=100&page=${page}` }, expected);
    if (!sent.ok) return null;
    const data = Array.isArray(sent.body.data) ? (sent.body.data as Json[]) : [];
    items.push(...data);
    const item = data.find(match) ?? null;
    const totalPages = typeof sent.body.totalPages === 'number' ? sent.body.totalPages : 1;
    if (item || page >= totalPages) return { exchange: sent.exchange, item, items };
  }
  return null;
}

/**
 * Skips the case where the suite cannot read the invitation emails: the token travels only by email
 * (TI1), and the mock's outbox is read only when the principals come from the mock itself.
 */
export function needOutbox(ctx: ToursContext, scope: CaseScope, instead = ''): void {
  if (!ctx.principals.mockControlPlane)
    scope.skip(
      `the invitation's token travels only in its email (TI1), which the suite reads from the mock's outbox (GET /__mock/outbox) only when the principals come from the mock${instead}`,
    );
}

/** The latest invitation email the mock's outbox holds for an invitation, or skips where the target has no outbox. */
export async function outboxToken(ctx: ToursContext, scope: CaseScope, invitationId: string): Promise<{ token: string; exchange: Exchange } | null> {
  needOutbox(ctx, scope);
  const exchange = await ctx.internal(scope, { method: 'GET', path: '/__mock/outbox' });
  const emails = bodyField(exchange, 'emails');
  const mine = Array.isArray(emails) ? (emails as Json[]).filter((e) => e.invitationId === invitationId) : [];
  const token = mine.at(-1)?.token;
  if (typeof token !== 'string' || token === '') {
    scope.failOn(exchange, {
      type: 'state',
      kind: 'business',
      reason: 'TI1: the invitation email, with its token, is sent when the invitation is created or resent',
      expected: `an email of invitation ${invitationId} in the outbox`,
      received: exchange.response ? `${mine.length} such email(s) with a token` : answer(exchange),
    });
    return null;
  }
  ctx.secrets.add(token, 'an invitation token the run read from the outbox');
  return { token, exchange };
}

/** Fails when an answer carries the invitation's token, by name or by value (TI1). */
export function expectNoToken(scope: CaseScope, exchange: Exchange, body: Json, token: string | null): boolean {
  const text = JSON.stringify(body);
  const named = Object.keys(body).filter((k) => /token/i.test(k));
  const leaked = named.length > 0 || (token !== null && text.includes(token));
  return expectThat(scope, exchange, !leaked, {
    ...because('business', 'TI1', 'the invitation token is sent only in the email and never appears in an API answer'),
    expected: 'no token in the answer',
    received: named.length > 0 ? `a field named ${named.join(', ')}` : 'the token among its values',
  });
}

/**
 * The member of the caller's organization whose user is `userId` (or has `email`), as `lister`
 * lists it (`item` null when there is none); null when the list could not be read.
 */
export async function memberOf(
  ctx: ToursContext,
  scope: CaseScope,
  lister: Actor,
  user: { userId: string | null; email: string | null },
): Promise<Listed | null> {
  return findListed(
    ctx,
    scope,
    lister,
    'listMembers',
    (m) => (user.userId !== null && m.userId === user.userId) || (user.email !== null && sameEmail((m.user as Json | undefined)?.email, user.email)),
    succeeds(ctx, 'listMembers', 'TM1', `${lister.name} lists the members`),
  );
}

export function sameEmail(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}

/**
 * Tracks a membership the run made (an accepted invitation), so that the end of the run removes it
 * should a case stop before its own removal: the user is back with no organization.
 */
export function trackMembership(ctx: ToursContext, remover: Actor | undefined, memberId: string): void {
  ctx.fixtures.track('membership', memberId, async (scope) => {
    if (!remover) return 'no principal of its organization may remove it';
    const exchange = await ctx.call(scope, remover, 'removeMember', { params: { memberId } });
    const status = exchange.response?.status ?? 0;
    return status === 200 || status === 404 ? null : answer(exchange);
  });
}

/** The permission map (TR7) a role holding exactly `held` answers: every catalogue key, true for those held. */
export function permissionMap(ctx: ToursContext, held: readonly string[]): Record<string, boolean> {
  return Object.fromEntries(ctx.model.permissions.map((p) => [p.key, held.includes(p.key)]));
}

/** The permissions of a system role, from the spec's access model (TR2). */
export function systemPermissions(ctx: ToursContext, role: string): readonly string[] {
  const roles = ctx.model.roles;
  const found = roles.kind === 'system' ? roles.system.find((r) => r.name === role) : undefined;
  if (!found) throw new Error(`The spec's access model has no system role "${role}"; the lifecycle checks need it.`);
  return found.permissions;
}

/** Checks the caller's permission map: its effective role and exactly these permissions (TR7). */
export async function expectPermissions(
  ctx: ToursContext,
  scope: CaseScope,
  actor: Actor,
  role: string,
  held: readonly string[],
  rule: string,
  says: string,
): Promise<boolean> {
  const sent = await send(ctx, scope, actor, 'getMyPermissions', {}, succeeds(ctx, 'getMyPermissions', rule, says));
  if (!sent.ok) return false;
  const context = because('business', rule, says);
  const roleOk = expectEqual(scope, sent.exchange, 'role', sent.body.role, role, context);
  return expectEqual(scope, sent.exchange, 'permissions', sent.body.permissions, permissionMap(ctx, held), context) && roleOk;
}

/** PATCHes a member and checks the answer is the member with the change. */
export async function patchMember(
  ctx: ToursContext,
  scope: CaseScope,
  owner: Actor,
  memberId: string,
  change: Json,
  rule: string,
  says: string,
): Promise<Json | null> {
  const sent = await send(ctx, scope, owner, 'updateMember', { params: { memberId }, json: change }, succeeds(ctx, 'updateMember', rule, says));
  if (!sent.ok) return null;
  expectFields(scope, sent.exchange, sent.body, { id: memberId, ...change }, because('business', rule, `${says}: the answer is the member after the change`));
  return sent.body;
}

export { expectEqual, expectThat, show };
