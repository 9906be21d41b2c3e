/**
 * What the permission cases share: probes of the gated organization operations (read from the spec's
 * `x-access`, never listed here), the caller a probe proves a gate for, sessions and keys made for the
 * group, and the membership and role changes the cases make and undo.
 *
 * A probe changes nothing, whichever way the gate goes: an operation that names a record aims at one
 * that does not exist, and one that creates or updates without a record sends an empty body. Past the
 * gate (step 5 of section 4) the first sends a 404 (step 7) and the second a 400 (step 6), so a probe's
 * status tells an open gate from a closed one without any write.
 */
import { expectThat, show } from '../../../../kernel/assertions/state.js';
import type { OperationSpec, SystemRole } from '../../../../../src/contract/index.js';
import { byRule, type Expected } from '../../../../kernel/expected.js';
import type { FailureKind } from '../../../../kernel/failure.js';
import { bodyField, type Exchange } from '../../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../../kernel/recorder.js';
import { credentialActor, type Actor } from '../../actors.js';
import type { CallArgs, ToursContext } from '../../context.js';
import { success } from '../../expectations.js';
import { answer } from '../../fixtures.js';
import type { ResolvedPrincipal } from '../../principals.js';
import { signIn, trackRemoval } from '../records.js';

export type Json = Record<string, unknown>;

export const GROUP = 'permissions';

export function runCase(ctx: ToursContext, name: string, mutates: boolean, body: (scope: CaseScope) => Promise<void>): Promise<unknown> {
  return ctx.recorder.run(GROUP, name, { mutates }, body);
}

/** An id no record has. */
export function missingId(ctx: ToursContext): string {
  return `conf-${ctx.runId}-missing`;
}

/** The permission catalogue (TR1), in the spec's order. */
export function catalogue(ctx: ToursContext): string[] {
  return ctx.model.permissions.map((p) => p.key);
}

export function systemRoles(ctx: ToursContext): readonly SystemRole[] {
  return ctx.model.roles.kind === 'system' ? ctx.model.roles.system : [];
}

/** What a gate looks at: the caller's effective role name and its permissions. */
export interface Holder {
  readonly role: string | null;
  readonly permissions: ReadonlySet<string>;
}

/** Whether the operation's gate lets the holder through (x-access.gate: a permission, or a role name). */
export function gateOpens(op: OperationSpec, holder: Holder): boolean {
  const gate = op.access.gate;
  if (!gate) return true;
  if (gate.kind === 'permission') return holder.permissions.has(gate.permission);
  if (gate.kind === 'roles') return holder.role !== null && gate.roles.includes(holder.role);
  return false;
}

export function gateWords(op: OperationSpec): string {
  const gate = op.access.gate;
  if (gate?.kind === 'permission') return `the permission ${gate.permission}`;
  if (gate?.kind === 'roles') return `the role ${gate.roles.join(' or ')}`;
  return 'no gate';
}

export interface Probe {
  readonly op: OperationSpec;
  readonly args: CallArgs;
  /** What the operation answers once its gate has let the caller through. */
  readonly past: { readonly status: number; readonly message: string | null; readonly words: string };
}

/**
 * One probe per organization operation with a permission or role gate (`x-access.gate`), in the spec's
 * order; `readOnly`: the GETs only.
 */
export function gateProbes(ctx: ToursContext, options: { readonly readOnly?: boolean; readonly kinds?: readonly ('permission' | 'roles')[] } = {}): Probe[] {
  const kinds = options.kinds ?? ['permission', 'roles'];
  return ctx.spec.operations
    .filter((op) => op.access.tenant?.from === 'caller' && op.access.gate !== null && (kinds as readonly string[]).includes(op.access.gate.kind))
    .filter((op) => !options.readOnly || op.method === 'GET')
    .map((op) => probeOf(ctx, op));
}

function probeOf(ctx: ToursContext, op: OperationSpec): Probe {
  const params: Record<string, string> = {};
  for (const name of op.pathParams) params[name] = missingId(ctx);
  const target = op.access.target;
  if (target) {
    // A well-formed body (the spec's own example) so that the missing record, not the shape, answers.
    const example = op.requestBody ? op.requestBody.examples.values().next().value : undefined;
    if (op.requestBody && example === undefined) throw new Error(`${op.operationId} has no request example; the permission probes send it`);
    return { op, args: { params, json: example }, past: { status: 404, message: target.notFound, words: 'the record does not exist: 404' } };
  }
  if (op.requestBody) return { op, args: { params, json: {} }, past: { status: 400, message: null, words: 'the empty body is malformed: 400' } };
  const ok = success(op);
  return { op, args: { params }, past: { status: ok.status, message: null, words: `its documented ${ok.status}` } };
}

/** What a probe must answer a holder: past the gate, or the gate's 403. */
export function probeExpected(probe: Probe, open: boolean, rule: string, who: string): Expected {
  const { op } = probe;
  if (open)
    return byRule(
      'role',
      rule,
      `${who} passes the gate of ${op.operationId} (${gateWords(op)}); then ${probe.past.words}`,
      probe.past.status,
      probe.past.message,
    );
  return byRule('role', rule, `${who} does not pass the gate of ${op.operationId} (${gateWords(op)})`, 403, op.access.denied?.message ?? null);
}

/** Sends every probe as the actor and compares each answer with what the holder's role gives. */
export async function probeAll(
  ctx: ToursContext,
  scope: CaseScope,
  actor: Actor,
  probes: readonly Probe[],
  holder: Holder,
  rule: string,
  who: string,
): Promise<void> {
  for (const probe of probes) {
    const exchange = await ctx.call(scope, actor, probe.op.operationId, probe.args);
    ctx.expect(scope, exchange, probeExpected(probe, gateOpens(probe.op, holder), rule, who));
  }
}

/** Status and message as `ctx.expect` compares them, then the machine-readable `reason` of the error body (TE1). */
export function expectRefusal(ctx: ToursContext, scope: CaseScope, exchange: Exchange, expected: Expected, reason: string | null): boolean {
  if (!ctx.expect(scope, exchange, expected)) return false;
  if (reason === null) return true;
  const received = bodyField(exchange, 'reason');
  return expectThat(scope, exchange, received === reason, {
    kind: expected.kind,
    reason: expected.reason,
    expected: `reason ${JSON.stringify(reason)}`,
    received: `reason ${show(received)}`,
  });
}

/** The `reason` of a named example of an operation's response (a machine-readable value of TE1). */
export function exampleReason(ctx: ToursContext, operationId: string, status: number, example: string): string | null {
  const value = ctx.messages.field(operationId, status, example, 'reason');
  return typeof value === 'string' ? value : null;
}

/** The `reason` of a named example of a response under `components.responses`. */
export function componentReason(ctx: ToursContext, name: string, example: string): string | null {
  const value = (ctx.spec.componentResponse(name).examples.get(example) as Json | undefined)?.reason;
  return typeof value === 'string' ? value : null;
}

/**
 * Sessions signed in afresh for the group, one per principal: each has a rate-limit window of its own
 * (TL1), so the group's many calls spend neither the seeded sessions' windows, which the other groups
 * use, nor each other's. Signed out at the end of the run. Without a password, the seeded session.
 */
export class FreshSessions {
  private readonly made = new Map<string, Actor>();

  constructor(private readonly ctx: ToursContext) {}

  async get(scope: CaseScope, name: string): Promise<Actor> {
    const cached = this.made.get(name);
    if (cached) return cached;
    const actor = await freshSession(this.ctx, scope, name);
    this.made.set(name, actor);
    return actor;
  }
}

export async function freshSession(ctx: ToursContext, scope: CaseScope, name: string): Promise<Actor> {
  const principal = ctx.principal(name);
  if (!principal?.email || !principal.password) return ctx.need(scope, name);
  const token = await signIn(ctx, scope, principal);
  return credentialActor(`${name} (fresh session)`, `${principal.spec.description}, signed in afresh`, null, { session: token }, principal);
}

/** An API key the principal makes now with `session` (TA6), deleted at the end of the run. */
export async function freshKey(ctx: ToursContext, scope: CaseScope, session: Actor): Promise<Actor> {
  const principal = session.principal as ResolvedPrincipal;
  const exchange = await ctx.call(scope, session, 'createApiKey', { json: { name: ctx.fixtures.name('perm-key') } });
  const key = bodyField(exchange, 'key');
  const id = bodyField(exchange, 'id');
  if (exchange.response?.status !== 201 || typeof key !== 'string' || typeof id !== 'string')
    return scope.skip(`could not make an API key for ${principal.spec.name}: ${answer(exchange)}`);
  ctx.secrets.add(key, `an API key the run made for ${principal.spec.name}`);
  trackRemoval(ctx, 'API key', id, session, 'deleteApiKey');
  return credentialActor(`${principal.spec.name} (fresh key)`, `${principal.spec.description}, with an API key made for this case`, null, { key }, principal);
}

/** The membership id of a principal: the catalogue's when the target listed it, else from the member list as `reader` reads it. */
export async function memberIdOf(ctx: ToursContext, scope: CaseScope, name: string, reader: Actor): Promise<string> {
  const principal = ctx.principal(name) ?? scope.skip(ctx.missingReason(name));
  if (principal.memberId) return principal.memberId;
  const exchange = await ctx.call(scope, reader, 'listMembers', { query: '?limit=100' });
  const data = bodyField(exchange, 'data');
  const found = Array.isArray(data)
    ? (data as Json[]).find((m) => (principal.userId !== null && m.userId === principal.userId) || (m.user as Json | undefined)?.email === principal.email)
    : undefined;
  return typeof found?.id === 'string' ? found.id : scope.skip(`could not find ${name}'s membership id in the member list: ${answer(exchange)}`);
}

/** The path parameters of updateMember and removeMember for one membership. */
export function memberParams(ctx: ToursContext, memberId: string): Record<string, string> {
  return { [ctx.op('updateMember').pathParams[0] as string]: memberId };
}

/** Changes a membership as `by` and expects the documented 200. */
export async function updateMember(ctx: ToursContext, scope: CaseScope, by: Actor, memberId: string, body: Json, rule: string): Promise<boolean> {
  const op = ctx.op('updateMember');
  const exchange = await ctx.call(scope, by, op.operationId, { params: memberParams(ctx, memberId), json: body });
  return ctx.expect(scope, exchange, success(op, rule));
}

let membershipChanges = 0;

/**
 * Tracks the undoing of a membership change: `by` sets `restore` again at the end of the run, unless
 * the case did it itself (`done`).
 */
export function trackMembership(ctx: ToursContext, label: string, memberId: string, by: Actor, restore: Json): { done(): void } {
  // A fresh id each time: undo steps run newest first, so a later change must not take an earlier one's place.
  const id = `${label} ${JSON.stringify(restore)} #${++membershipChanges}`;
  const op = ctx.op('updateMember');
  ctx.fixtures.track('membership', id, async (scope) => {
    const exchange = await ctx.call(scope, by, op.operationId, { params: memberParams(ctx, memberId), json: restore });
    return exchange.response?.status === 200 ? null : `could not set ${JSON.stringify(restore)} again: ${answer(exchange)}`;
  });
  return { done: () => ctx.fixtures.forget('membership', id) };
}

/** Creates a role as `by`, expecting the documented 201; tracked for removal by `remover`. Null (the failure recorded) when it was not created. */
export async function createRole(
  ctx: ToursContext,
  scope: CaseScope,
  by: Actor,
  body: { readonly name: string; readonly description?: string; readonly permissions: readonly string[] },
  remover: Actor,
  rule: string,
): Promise<string | null> {
  const op = ctx.op('createRole');
  const exchange = await ctx.call(scope, by, op.operationId, { json: body });
  const id = bodyField(exchange, 'id');
  if (exchange.response && exchange.response.status < 300 && typeof id === 'string') trackRemoval(ctx, 'role', id, remover, 'deleteRole');
  return ctx.expect(scope, exchange, success(op, rule)) && typeof id === 'string' ? id : null;
}

/** Deletes a role the case made, expecting the documented 200; forgets its tracker once it is gone. */
export async function deleteRole(ctx: ToursContext, scope: CaseScope, by: Actor, id: string, rule: string): Promise<void> {
  const op = ctx.op('deleteRole');
  const exchange = await ctx.call(scope, by, op.operationId, { params: { [op.pathParams[0] as string]: id } });
  if (ctx.expect(scope, exchange, success(op, rule))) ctx.fixtures.forget('role', id);
}

/** Reads the caller's permission map (TR7) and checks it: every catalogue key and no other, booleans, the expected role and keys. */
export async function checkPermissionMap(
  ctx: ToursContext,
  scope: CaseScope,
  actor: Actor,
  expected: Holder,
  rule: string,
  who: string,
): Promise<Readonly<Record<string, boolean>> | null> {
  const op = ctx.op('getMyPermissions');
  const exchange = await ctx.call(scope, actor, op.operationId);
  if (!ctx.expect(scope, exchange, success(op, rule))) return null;
  const role = bodyField(exchange, 'role');
  const map = bodyField(exchange, 'permissions');
  const because = (says: string): { kind: FailureKind; reason: string } => ({ kind: 'role', reason: `${rule}: ${says}` });
  expectThat(scope, exchange, role === expected.role, {
    ...because(`the map is that of the effective role of ${who}`),
    expected: `role ${JSON.stringify(expected.role)}`,
    received: `role ${show(role)}`,
  });
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    expectThat(scope, exchange, false, {
      ...because('permissions maps every catalogue key to a boolean'),
      expected: 'a permissions object',
      received: show(map),
    });
    return null;
  }
  const keys = catalogue(ctx);
  const got = map as Json;
  const wanted = Object.fromEntries(keys.map((k) => [k, expected.permissions.has(k)]));
  const sameKeys = Object.keys(got).length === keys.length && keys.every((k) => typeof got[k] === 'boolean');
  const ok = sameKeys && keys.every((k) => got[k] === wanted[k]);
  expectThat(scope, exchange, ok, {
    ...because(`exactly the catalogue keys, each true where the effective role of ${who} holds it`),
    expected: `permissions ${show(wanted)}`,
    received: `permissions ${show(got)}`,
  });
  return sameKeys ? (got as Record<string, boolean>) : null;
}

/** Sends a createRole that may or may not succeed; a role it did make is tracked for removal by `remover`. */
export async function tryCreateRole(ctx: ToursContext, scope: CaseScope, by: Actor, body: Json, remover: Actor): Promise<Exchange> {
  const exchange = await ctx.call(scope, by, 'createRole', { json: body });
  const id = bodyField(exchange, 'id');
  if (exchange.response && exchange.response.status < 300 && typeof id === 'string') trackRemoval(ctx, 'role', id, remover, 'deleteRole');
  return exchange;
}

/** Sends a createInvitation that may or may not succeed; an invitation it did make is tracked, revoked by `remover`. */
export async function tryInvite(ctx: ToursContext, scope: CaseScope, by: Actor, role: string, remover: Actor): Promise<Exchange> {
  const exchange = await ctx.call(scope, by, 'createInvitation', { json: { email: ctx.fixtures.email('perm-invite'), role } });
  const id = bodyField(exchange, 'id');
  if (exchange.response && exchange.response.status < 300 && typeof id === 'string') trackRemoval(ctx, 'invitation', id, remover, 'revokeInvitation', [409]);
  return exchange;
}

/** The same keys in any order. */
export function sameSet(value: unknown, expected: readonly string[]): boolean {
  return Array.isArray(value) && value.length === expected.length && expected.every((k) => value.includes(k));
}

export { expectThat, show };
