/**
 * What the checks aim at besides disposable users: a principal's own record (for reads only), the
 * organizations' current names (so an update that must be refused would, if let through, change
 * nothing), and the expected field checks shared by several groups.
 */
import type { RunContext } from '../context.js';
import type { UserTarget } from '../expectations.js';
import type { FailureKind } from '../../../kernel/failure.js';
import { answer } from '../fixtures.js';
import { OP } from '../operations.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { bodyField, type Exchange } from '../../../kernel/http/exchange.js';
import type { Actor } from '../principals/actors.js';
import { PRINCIPAL_NAMES, type PrincipalName } from '../principals/names.js';

/** A principal's user record as a target of a read (never of a write). */
export function principalTarget(ctx: RunContext, name: PrincipalName): UserTarget | null {
  const p = ctx.principals.byName.get(name);
  if (!p?.userId || typeof p.role !== 'number') return null;
  return { id: p.userId, orgId: p.orgId, role: p.role, deleted: false };
}

/** A user of the members' organization to read: the `user` principal, else any member. */
export function homeUserToRead(ctx: RunContext, scope: CaseScope): UserTarget {
  for (const name of ['user', 'billing', 'workspaces', 'administrator', 'owner'] as const) {
    const target = principalTarget(ctx, name);
    if (target) return target;
  }
  return scope.skip("needs the id of a user of the members' organization (no member principal has a known userId)");
}

/** The current `name` of an organization, read by one of its members. */
export async function organizationName(ctx: RunContext, scope: CaseScope, orgId: string): Promise<string> {
  const reader = PRINCIPAL_NAMES.map((n) => ctx.actor(n)).find((a): a is Actor => a?.member?.orgId === orgId);
  if (!reader) return scope.skip(`needs a member of organization ${orgId} to read its current name`);
  const exchange = await ctx.call(scope, reader, OP.getOrganization, { params: { orgId } });
  const name = (bodyField(exchange, 'data') as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : scope.skip(`could not read the organization's name: ${answer(exchange)}`);
}

/** Records a failure unless `actual` equals `expected` (JSON equality). Returns whether it matched. */
export function expectEqual(
  scope: CaseScope,
  exchange: Exchange,
  what: string,
  actual: unknown,
  expected: unknown,
  context: { readonly kind: FailureKind; readonly reason: string },
): boolean {
  if (sameJson(actual, expected)) return true;
  scope.failOn(exchange, {
    type: 'state',
    kind: context.kind,
    reason: context.reason,
    expected: `${what} ${show(expected)}`,
    received: `${what} ${show(actual)}`,
  });
  return false;
}

/** Records a failure unless the condition holds. */
export function expectThat(
  scope: CaseScope,
  exchange: Exchange,
  ok: boolean,
  texts: { readonly expected: string; readonly received: string; readonly kind: FailureKind; readonly reason: string },
): boolean {
  if (!ok) scope.failOn(exchange, { type: 'state', ...texts });
  return ok;
}

/** JSON equality; object keys in any order (a backend may serialise fields in another order). */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

export function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'absent' : text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
