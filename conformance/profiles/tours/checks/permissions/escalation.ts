/**
 * No escalation (TR5). acme-member is given, for the case, a role holding exactly the gates of the
 * operations that carry an escalation rule (`x-access.escalation`, read from the spec: create and
 * update a role, update a member, invite) and none of the other keys. As that caller: a role created
 * or updated with a key it does not hold is a 403 `permission_escalation`, and with keys it holds is
 * allowed; assigning a role (to a member, in an invitation) whose permissions it does not all hold is
 * refused, and one it may grant is allowed. Then the rule that looks at the caller's role rather than
 * its keys: a role with `assignableBy` (owner) is assigned only by a caller of a listed role, so an
 * admin, who holds every key, is refused and an owner is not.
 *
 * The member whose role is assigned is acme-suspended: suspended, so a role a wrong target gives it
 * opens nothing before the case sets its role back (tracked as well).
 */
import type { EscalationRule, OperationSpec } from '../../../../../src/contract/index.js';
import { byRule, type Expected } from '../../../../kernel/expected.js';
import { bodyField, type Exchange } from '../../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { Actor } from '../../actors.js';
import type { ToursContext } from '../../context.js';
import { permissionsOf, success } from '../../expectations.js';
import { TOURS_PRINCIPALS } from '../../principals.js';
import {
  catalogue,
  createRole,
  deleteRole,
  expectRefusal,
  freshSession,
  FreshSessions,
  memberIdOf,
  runCase,
  systemRoles,
  trackMembership,
  tryCreateRole,
  tryInvite,
  memberParams,
  updateMember,
} from './shared.js';

const OWNER = 'acme-owner';
const CALLER = 'acme-member';
const ASSIGNEE = 'acme-suspended';

export async function runEscalation(ctx: ToursContext): Promise<void> {
  const sessions = new FreshSessions(ctx);
  await runCase(
    ctx,
    'a caller creates, updates and assigns only roles within the permissions it holds, and an error names permission_escalation (TR5, section 4)',
    true,
    (scope) => grants(ctx, scope, sessions),
  );
  for (const role of systemRoles(ctx).filter((r) => r.assignableBy)) {
    await runCase(
      ctx,
      `only ${role.assignableBy?.join(' or ')} assigns ${role.name}: a caller holding every key of ${role.name} but another role is refused (TR5)`,
      true,
      (scope) => assignableBy(ctx, scope, sessions, role.name),
    );
  }
}

/** The escalation rule of an operation, as the spec states it. */
function escalationOf(ctx: ToursContext, operationId: string): { op: OperationSpec; rule: EscalationRule } {
  const op = ctx.op(operationId);
  const rule = op.access.escalation[0];
  if (!rule) throw new Error(`${operationId} has no x-access.escalation; the escalation cases need it`);
  return { op, rule };
}

function refusal(ctx: ToursContext, operationId: string, says: string): { expected: Expected; reason: string | null } {
  const { rule } = escalationOf(ctx, operationId);
  return { expected: byRule('role', rule.rule, says, 403, rule.message), reason: rule.reason };
}

async function grants(ctx: ToursContext, scope: CaseScope, sessions: FreshSessions): Promise<void> {
  const escalating = ctx.spec.operations.filter((op) => op.access.escalation.length > 0 && op.access.tenant?.from === 'caller');
  const held = [
    ...new Set(escalating.map((op) => (op.access.gate?.kind === 'permission' ? op.access.gate.permission : null)).filter((k): k is string => k !== null)),
  ];
  const notHeld = catalogue(ctx).filter((k) => !held.includes(k));
  if (notHeld.length === 0) scope.skip('the operations with an escalation rule are gated by every key: no key is left that the caller lacks');
  const callerSpec = ctx.principal(CALLER)?.spec ?? scope.skip(ctx.missingReason(CALLER));
  const assigneeSpec = ctx.principal(ASSIGNEE)?.spec ?? scope.skip(ctx.missingReason(ASSIGNEE));
  const owner = await sessions.get(scope, OWNER);
  const caller = await freshSession(ctx, scope, CALLER);
  const callerId = await memberIdOf(ctx, scope, CALLER, owner);
  const assigneeId = await memberIdOf(ctx, scope, ASSIGNEE, owner);

  const roleName = ctx.fixtures.name('escalation');
  const roleId = await createRole(ctx, scope, owner, { name: roleName, permissions: held }, owner, 'TR4');
  if (!roleId) return;
  const restoreCaller = trackMembership(ctx, CALLER, callerId, owner, { role: callerSpec.role });
  if (!(await updateMember(ctx, scope, owner, callerId, { role: roleName }, 'TM2'))) return;
  const who = `${CALLER} holding ${held.join(', ')} but not ${notHeld.join(', ')}`;

  // Creating and updating a role (grantedPermissions).
  const createRefused = refusal(ctx, 'createRole', `${who} creates a role with a key it does not hold`);
  for (const key of notHeld) {
    const exchange = await tryCreateRole(ctx, scope, caller, { name: ctx.fixtures.name('escalate'), permissions: [key] }, owner);
    expectRefusal(ctx, scope, exchange, { ...createRefused.expected, reason: `${createRefused.expected.reason}: ${key}` }, createRefused.reason);
  }
  const beforeValues = refusal(ctx, 'createRole', `section 4: the escalation (403) is answered before a name that is no slug (422)`);
  expectRefusal(
    ctx,
    scope,
    await tryCreateRole(ctx, scope, caller, { name: 'Not A Slug', permissions: notHeld.slice(0, 1) }, owner),
    beforeValues.expected,
    beforeValues.reason,
  );
  const ownId = await createRole(ctx, scope, caller, { name: ctx.fixtures.name('granted'), permissions: held }, owner, 'TR5');
  if (ownId) {
    const update = ctx.op('updateRole');
    const params = { [update.pathParams[0] as string]: ownId };
    const updateRefused = refusal(ctx, 'updateRole', `${who} adds ${notHeld[0] ?? ''} to a role`);
    const widened = await ctx.call(scope, caller, update.operationId, { params, json: { permissions: [...held, ...notHeld.slice(0, 1)] } });
    expectRefusal(ctx, scope, widened, updateRefused.expected, updateRefused.reason);
    const narrowed = await ctx.call(scope, caller, update.operationId, { params, json: { permissions: held.slice(1) } });
    ctx.expect(scope, narrowed, success(update, 'TR5'));
  }

  // Assigning a role (grantedRole): every system role, and an Acme role holding a key the caller lacks.
  const wideName = ctx.fixtures.name('wide');
  const wideId = await createRole(ctx, scope, owner, { name: wideName, permissions: notHeld.slice(0, 1) }, owner, 'TR4');
  const candidates: { name: string; permissions: readonly string[]; assignableBy: readonly string[] | null }[] = systemRoles(ctx).map((r) => ({
    name: r.name,
    permissions: r.permissions,
    assignableBy: r.assignableBy,
  }));
  if (wideId) candidates.push({ name: wideName, permissions: notHeld.slice(0, 1), assignableBy: null });
  const restoreAssignee = trackMembership(ctx, ASSIGNEE, assigneeId, owner, { role: assigneeSpec.role });
  let assigneeChanged = false;
  for (const role of candidates) {
    const allowed = role.permissions.every((k) => held.includes(k)) && !role.assignableBy;
    const says = allowed ? `${who} may grant ${role.name} (${role.permissions.join(', ') || 'no permission'})` : `${who} may not grant ${role.name}`;
    const exchange = await ctx.call(scope, caller, 'updateMember', { params: memberParams(ctx, assigneeId), json: { role: role.name } });
    if (exchange.response && exchange.response.status < 300 && role.name !== assigneeSpec.role) assigneeChanged = true;
    expectGrant(ctx, scope, exchange, 'updateMember', allowed, says);
    const invited = await tryInvite(ctx, scope, caller, role.name, owner);
    expectGrant(ctx, scope, invited, 'createInvitation', allowed, says);
    await revokeNow(ctx, scope, owner, invited);
  }
  if (!assigneeChanged || (await updateMember(ctx, scope, owner, assigneeId, { role: assigneeSpec.role }, 'TM2'))) restoreAssignee.done();

  if (await updateMember(ctx, scope, owner, callerId, { role: callerSpec.role }, 'TM2')) restoreCaller.done();
  if (ownId) await deleteRole(ctx, scope, owner, ownId, 'TR6');
  if (wideId) await deleteRole(ctx, scope, owner, wideId, 'TR6');
  await deleteRole(ctx, scope, owner, roleId, 'TR6');
}

function expectGrant(ctx: ToursContext, scope: CaseScope, exchange: Exchange, operationId: string, allowed: boolean, says: string): void {
  if (allowed) {
    ctx.expect(scope, exchange, success(ctx.op(operationId), 'TR5'));
    return;
  }
  const refused = refusal(ctx, operationId, says);
  expectRefusal(ctx, scope, exchange, refused.expected, refused.reason);
}

/** Revokes an invitation the case made, so that no pending invitation outlives the case. */
async function revokeNow(ctx: ToursContext, scope: CaseScope, owner: Actor, invited: Exchange): Promise<void> {
  const id = bodyField(invited, 'id');
  if (!invited.response || invited.response.status >= 300 || typeof id !== 'string') return;
  const op = ctx.op('revokeInvitation');
  const exchange = await ctx.call(scope, owner, op.operationId, { params: { [op.pathParams[0] as string]: id } });
  if (ctx.expect(scope, exchange, success(op, 'TI2'))) ctx.fixtures.forget('invitation', id);
}

/**
 * A role with `assignableBy`, asked for by each Acme principal who holds all its keys: allowed exactly
 * for those whose role is listed. Given to acme-suspended (a suspended owner opens nothing, and makes
 * no second active owner) and set back at once; invited, and revoked at once.
 */
async function assignableBy(ctx: ToursContext, scope: CaseScope, sessions: FreshSessions, roleName: string): Promise<void> {
  const role = systemRoles(ctx).find((r) => r.name === roleName) ?? scope.skip(`the spec has no system role ${roleName}`);
  const assigneeSpec = ctx.principal(ASSIGNEE)?.spec ?? scope.skip(ctx.missingReason(ASSIGNEE));
  const callers = TOURS_PRINCIPALS.filter(
    (p) => p.org === 'acme' && !p.suspended && role.permissions.every((k) => permissionsOf(ctx.model, p).has(k)) && ctx.principal(p.name),
  );
  const listed = (name: string | null): boolean => name !== null && (role.assignableBy ?? []).includes(name);
  if (!callers.some((p) => listed(p.role)) || !callers.some((p) => !listed(p.role)))
    scope.skip(`needs an Acme principal whose role may assign ${roleName} and one holding every key of ${roleName} whose role may not`);
  const owner = await sessions.get(scope, OWNER);
  const assigneeId = await memberIdOf(ctx, scope, ASSIGNEE, owner);
  const restore = trackMembership(ctx, ASSIGNEE, assigneeId, owner, { role: assigneeSpec.role });
  // Those refused first: an allowed caller's change is set back before the next request.
  for (const spec of [...callers].sort((a, b) => Number(listed(a.role)) - Number(listed(b.role)))) {
    const caller = await sessions.get(scope, spec.name);
    const allowed = listed(spec.role);
    const says = allowed
      ? `${spec.name} (${spec.role}) may assign ${roleName}`
      : `${roleName} is assigned by ${role.assignableBy?.join(' or ')} only; ${spec.name} is ${spec.role}`;
    const exchange = await ctx.call(scope, caller, 'updateMember', { params: memberParams(ctx, assigneeId), json: { role: roleName } });
    expectGrant(ctx, scope, exchange, 'updateMember', allowed, says);
    if (exchange.response && exchange.response.status < 300 && !(await updateMember(ctx, scope, owner, assigneeId, { role: assigneeSpec.role }, 'TM2'))) return;
    const invited = await tryInvite(ctx, scope, caller, roleName, owner);
    expectGrant(ctx, scope, invited, 'createInvitation', allowed, says);
    await revokeNow(ctx, scope, owner, invited);
  }
  restore.done();
}
