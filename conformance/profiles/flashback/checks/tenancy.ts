/**
 * (3) Tenancy: every principal against the other organization's id and users, and the lists stay
 * inside their organization. Reads aim at a principal's own record; writes aim at disposable users
 * of the organization in question, so a target that lets one through harms nobody.
 */
import { ROLES } from '../../../../src/contract/index.js';
import type { RunContext } from '../context.js';
import type { UserTarget } from '../expectations.js';
import { OP } from '../operations.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { bodyField } from '../../../kernel/http/exchange.js';
import type { Actor } from '../principals/actors.js';
import { MEMBER_NAMES, type PrincipalName } from '../principals/names.js';
import { homeUserToRead, organizationName, principalTarget } from './targets.js';

const USER_WRITES = [OP.updateUser, OP.deleteUser, OP.activateUser] as const;

export async function runTenancy(ctx: RunContext): Promise<void> {
  for (const name of [...MEMBER_NAMES, 'orgless'] as const) await againstOrganization(ctx, name, 'other');
  await againstOrganization(ctx, 'outsider', 'home');
  for (const name of ['owner', 'administrator', 'workspaces', 'outsider'] as const) await listStaysHome(ctx, name);
}

/** One principal against the organization it does not belong to: its id, a user to read, users to write. */
async function againstOrganization(ctx: RunContext, name: PrincipalName, which: 'home' | 'other'): Promise<void> {
  const label = which === 'other' ? "the outsider's organization" : "the members' organization";
  const orgIdOf = (scope: CaseScope): string =>
    (which === 'other' ? ctx.otherOrgId : ctx.homeOrgId) ??
    scope.skip(`the id of ${label} is unknown${which === 'other' ? ' (needs the outsider principal)' : ''}`);
  const run = (title: string, mutates: boolean, body: (scope: CaseScope, actor: Actor) => Promise<void>): Promise<unknown> =>
    ctx.recorder.run('tenancy', `${title} of ${label} as ${name}`, { mutates }, async (scope) => body(scope, ctx.need(scope, name)));

  await run(OP.getOrganization, false, async (scope, actor) => {
    const orgId = orgIdOf(scope);
    await ctx.callExpecting(scope, actor, OP.getOrganization, { params: { orgId } }, { pathOrgId: orgId });
  });
  await run(OP.updateOrganization, true, async (scope, actor) => {
    const orgId = orgIdOf(scope);
    // Its own current name: a target that wrongly accepts the write changes nothing.
    const name = await organizationName(ctx, scope, orgId);
    await ctx.callExpecting(scope, actor, OP.updateOrganization, { params: { orgId }, json: { name } }, { pathOrgId: orgId });
  });
  await run(OP.getUser, false, async (scope, actor) => {
    const user = which === 'other' ? (principalTarget(ctx, 'outsider') ?? scope.skip("the outsider's user id is unknown")) : homeUserToRead(ctx, scope);
    await ctx.callExpecting(scope, actor, OP.getUser, { params: { userId: user.id } }, { user });
  });
  for (const operationId of USER_WRITES) {
    await run(operationId, true, async (scope, actor) => {
      const deleted = operationId === OP.activateUser;
      const key = `tenancy-${which}${deleted ? '-deleted' : ''}`;
      const user: UserTarget = await ctx.fixtures.sharedUser(ctx, scope, key, { role: ROLES.USER, org: which, deleted, label: key });
      const json = operationId === OP.updateUser ? { lastName: 'Tenancy' } : undefined;
      await ctx.callExpecting(scope, actor, operationId, { params: { userId: user.id }, json }, { user });
    });
  }
}

/**
 * U1, R6 and tenancy: a manager's list holds users of its own organization only, and every one of
 * them the run knows (the principals), whatever their rank and soft-deleted ones included.
 */
async function listStaysHome(ctx: RunContext, name: PrincipalName): Promise<void> {
  const title = `the user list as ${name} holds every user of its organization and no other (U1, R6)`;
  await ctx.recorder.run('tenancy', title, { mutates: false }, async (scope) => {
    const actor = ctx.need(scope, name);
    const role = actor.member?.role;
    if (typeof role !== 'number' || role < ROLES.WORKSPACES) scope.skip(`${name} may not list users (role ${String(role)})`);
    const own = actor.member?.orgId ?? scope.skip(`the organization of ${name} is unknown`);
    const { exchange, ok } = await ctx.callExpecting(scope, actor, OP.listUsers, {}, {});
    if (!ok) return;
    const data = bodyField(exchange, 'data');
    if (!Array.isArray(data)) return; // the envelope check reports the shape
    const strangers = foreignIds(ctx, own);
    data.forEach((user: unknown, i) => {
      const u = (user ?? {}) as { id?: unknown; orgId?: unknown; email?: unknown };
      const foreign = u.orgId !== own || (typeof u.id === 'string' && strangers.has(u.id));
      if (!foreign) return;
      scope.failOn(exchange, {
        type: 'state',
        kind: 'tenant',
        reason: `the list holds every user of the caller's organization and no other (U1, x-access.tenant.from: caller)`,
        expected: `only users of organization ${own}`,
        received: `data[${i}] is ${String(u.email ?? u.id)} of organization ${String(u.orgId)}`,
      });
    });
    const listed = new Set(data.map((user: unknown) => (user as { id?: unknown } | null)?.id));
    for (const p of ctx.principals.byName.values()) {
      if (!p.userId || p.orgId !== own || listed.has(p.userId)) continue;
      scope.failOn(exchange, {
        type: 'state',
        kind: 'business',
        reason: 'the list holds every user of the organization, soft-deleted ones included (U1), whatever their rank: reading has no rank limit (R6)',
        expected: `${p.name} (user ${p.userId}) in the list`,
        received: `a list of ${data.length} users without it`,
      });
    }
  });
}

/** Ids of principals known to belong to another organization than `own`. */
function foreignIds(ctx: RunContext, own: string): Set<string> {
  const ids = new Set<string>();
  for (const p of ctx.principals.byName.values()) if (p.userId && p.orgId && p.orgId !== own) ids.add(p.userId);
  return ids;
}
