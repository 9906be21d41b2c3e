/**
 * What the checks aim at besides disposable users: a principal's own record (for reads only), the
 * organizations' current names (so an update that must be refused would, if let through, change
 * nothing), and the expected field checks shared by several groups.
 */
import type { RunContext } from '../context.js';
import type { UserTarget } from '../expectations.js';
import { answer } from '../fixtures.js';
import { OP } from '../operations.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { bodyField } from '../../../kernel/http/exchange.js';
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

export { expectEqual, expectThat, show } from '../../../kernel/assertions/state.js';
