/**
 * System roles (TR2, TR6, TR8): each organization lists them first, with their fixed ids,
 * permissions and one-line descriptions, `scope: system`, `createdAt: null`, and `shadowed` true
 * exactly where the organization has a role of the same name; they cannot be changed or deleted
 * (403 `system_role`), even by an owner, who holds every permission the change would need.
 */
import type { Exchange } from '../../../../kernel/http/exchange.js';
import { bodyField } from '../../../../kernel/http/exchange.js';
import { byRule } from '../../../../kernel/expected.js';
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { Actor } from '../../actors.js';
import type { ToursContext } from '../../context.js';
import { success } from '../../expectations.js';
import { ORG_ROLES, ORGS, type OrgKey } from '../../principals.js';
import { exampleReason, expectRefusal, expectThat, FreshSessions, runCase, sameSet, show, systemRoles, type Json } from './shared.js';

/** Pages through the organization's roles as `actor` reads them, expecting the documented 200 on each page. Null (failure recorded) when a page is refused. */
export async function listAllRoles(ctx: ToursContext, scope: CaseScope, actor: Actor): Promise<{ exchange: Exchange; rows: Json[] } | null> {
  const op = ctx.op('listRoles');
  const rows: Json[] = [];
  let first: Exchange | null = null;
  for (let page = 1; page <= 20; page++) {
    const exchange = await ctx.call(scope, actor, op.operationId, { query: `?limit=100&page=${page}` });
    first ??= exchange;
    if (!ctx.expect(scope, exchange, success(op, 'TR8'))) return null;
    const data = bodyField(exchange, 'data');
    if (Array.isArray(data)) rows.push(...(data as Json[]));
    const totalPages = bodyField(exchange, 'totalPages');
    if (typeof totalPages !== 'number' || page >= totalPages) break;
  }
  return first ? { exchange: first, rows } : null;
}

export async function runRoleLists(ctx: ToursContext): Promise<void> {
  for (const org of ORGS) {
    const shadows = systemRoles(ctx)
      .filter((r) => ORG_ROLES[org][r.name])
      .map((r) => r.name);
    await runCase(
      ctx,
      `the role list of ${org}: the system roles first with their fixed ids, permissions and descriptions, scope system, createdAt null, shadowed ${shadows.length > 0 ? `exactly for ${shadows.join(', ')}` : 'for none'} (TR2, TR8)`,
      false,
      (scope) => roleList(ctx, scope, org),
    );
  }
}

export async function runSystemRoles(ctx: ToursContext): Promise<void> {
  const sessions = new FreshSessions(ctx);
  await runCase(ctx, 'system roles cannot be changed or deleted, even by an owner: 403 system_role (TR6)', true, (scope) =>
    readOnlyRoles(ctx, scope, sessions),
  );
}

async function roleList(ctx: ToursContext, scope: CaseScope, org: OrgKey): Promise<void> {
  const reader = ctx.need(scope, `${org}-owner`);
  const list = await listAllRoles(ctx, scope, reader);
  if (!list) return;
  const { exchange, rows } = list;
  const system = systemRoles(ctx);
  const because = (says: string): { kind: 'business'; reason: string } => ({ kind: 'business', reason: `TR8: ${says}` });
  expectThat(
    scope,
    exchange,
    system.every((r, i) => rows[i]?.id === r.id),
    {
      ...because('the system roles come first, in the order of the spec'),
      expected: `ids ${system.map((r) => r.id).join(', ')} first`,
      received: `ids ${rows.map((r) => String(r.id)).join(', ')}`,
    },
  );
  for (const role of system) {
    const row = rows.find((r) => r.id === role.id);
    const shadowed = Boolean(ORG_ROLES[org][role.name]);
    const expected = { id: role.id, name: role.name, description: role.description, permissions: role.permissions, scope: 'system', shadowed, createdAt: null };
    const ok =
      row !== undefined &&
      row.name === role.name &&
      row.description === role.description &&
      sameSet(row.permissions, role.permissions) &&
      row.scope === 'system' &&
      row.shadowed === shadowed &&
      row.createdAt === null;
    expectThat(scope, exchange, ok, {
      ...because(`${role.name} is a system role (TR2) ${shadowed ? `that ${org}'s own ${role.name} shadows` : `that no role of ${org} shadows`}`),
      expected: show(expected),
      received: show(row),
    });
  }
  for (const [name, permissions] of Object.entries(ORG_ROLES[org])) {
    const row = rows.find((r) => r.name === name && r.scope === 'organization');
    const ok = row !== undefined && sameSet(row.permissions, permissions) && row.shadowed === false && typeof row.createdAt === 'string';
    expectThat(scope, exchange, ok, {
      ...because(`${org}'s own role ${name} is listed with scope organization, shadowed false and a createdAt`),
      expected: show({ name, permissions, scope: 'organization', shadowed: false, createdAt: '<timestamp>' }),
      received: show(row),
    });
  }
  const stray = rows.filter((r) => r.scope === 'organization' && r.shadowed !== false);
  expectThat(scope, exchange, stray.length === 0, {
    ...because('shadowed is always false on an organization role'),
    expected: 'shadowed: false on every organization role',
    received: show(stray),
  });
}

async function readOnlyRoles(ctx: ToursContext, scope: CaseScope, sessions: FreshSessions): Promise<void> {
  const owner = await sessions.get(scope, 'acme-owner');
  const refused = byRule('role', 'TR6', 'a system role is read-only, whoever asks', 403, ctx.messages.example('updateRole', 403, 'systemRole'));
  const reason = exampleReason(ctx, 'updateRole', 403, 'systemRole');
  const param = (operationId: string): string => ctx.op(operationId).pathParams[0] as string;
  for (const role of systemRoles(ctx)) {
    // The role's own description: a target that wrongly accepts the change changes nothing.
    const exchange = await ctx.call(scope, owner, 'updateRole', { params: { [param('updateRole')]: role.id }, json: { description: role.description } });
    expectRefusal(ctx, scope, exchange, { ...refused, reason: `TR6: ${role.name} is a system role; it cannot be changed` }, reason);
  }
  // Least harmful first; a target that deletes one is not asked to delete the next.
  for (const role of [...systemRoles(ctx)].reverse()) {
    const exchange = await ctx.call(scope, owner, 'deleteRole', { params: { [param('deleteRole')]: role.id } });
    const deleteReason = exampleReason(ctx, 'deleteRole', 403, 'systemRole');
    expectRefusal(
      ctx,
      scope,
      exchange,
      { ...refused, message: ctx.messages.example('deleteRole', 403, 'systemRole'), reason: `TR6: ${role.name} is a system role; it cannot be deleted` },
      deleteReason,
    );
    if (exchange.response && exchange.response.status < 300) break;
  }
}
