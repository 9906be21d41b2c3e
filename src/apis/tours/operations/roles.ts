/**
 * The roles (TR1–TR8): the system roles of the spec's `x-access-model` (read-only, TR6) and the
 * organization's own roles (TR4), which shadow a system role of the same name but owner and admin.
 */
import { randomUUID } from 'node:crypto';
import type { SystemRole } from '../../../contract/index.js';
import { catalogue, isShadow, mayGrantPermissions, systemRoles } from '../caller.js';
import { MESSAGES, REFUSALS, TEMPLATES } from '../messages.js';
import type { RoleRecord, Schemas } from '../records.js';
import {
  SUCCESS,
  byCreatedAt,
  checkFields,
  created,
  fail,
  failed,
  inCatalogueOrder,
  length,
  needMember,
  noKnownField,
  nowIso,
  objectBody,
  ok,
  organizationRoleView,
  pageOf,
  pageRequest,
  refuse,
  type ErrorResult,
  type Member,
  type OperationContext,
  type Result,
} from './context.js';

/** TR4: a role name is a slug of 2 to 32 characters. */
export const ROLE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;
const MAX_DESCRIPTION = 200;

/** TR8: a system role as listed: fixed id and description, `createdAt: null`, `shadowed` when this organization replaces it. */
function systemRoleView(ctx: OperationContext, organizationId: string, role: SystemRole): Schemas['Role'] {
  const own = ctx.store.roleByName(organizationId, role.name);
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    permissions: role.permissions.slice() as Schemas['PermissionKey'][],
    scope: 'system',
    shadowed: own !== undefined && isShadow(ctx.model, own),
    createdAt: null,
  };
}

/** The values of TR1 and TR4 (422s); null when all are allowed. */
function roleValueProblem(
  ctx: OperationContext,
  values: { name?: string | undefined; description?: string | null | undefined; permissions?: readonly string[] | undefined },
): ErrorResult | null {
  const { name, description, permissions } = values;
  if (name !== undefined) {
    if (!ROLE_NAME_PATTERN.test(name)) return fail(422, MESSAGES.roleSlug);
    if (systemRoles(ctx.model).some((r) => r.reserved && r.name === name)) return fail(422, TEMPLATES.reservedRoleName(name));
  }
  if (permissions !== undefined) {
    const known = new Set(catalogue(ctx.model));
    const unknown = permissions.find((key) => !known.has(key));
    if (unknown !== undefined) return fail(422, TEMPLATES.unknownPermission(unknown));
  }
  if (typeof description === 'string' && length(description) > MAX_DESCRIPTION) return fail(422, MESSAGES.descriptionLength);
  return null;
}

type Target = { readonly kind: 'system'; readonly role: SystemRole } | { readonly kind: 'organization'; readonly role: RoleRecord };

/** A system role (by its fixed id, in every organization) or one of the caller's organization's roles; another organization's is as missing. */
function findRole(ctx: OperationContext, caller: Member): Target | ErrorResult {
  const id = ctx.params.id ?? '';
  const system = systemRoles(ctx.model).find((r) => r.id === id);
  if (system) return { kind: 'system', role: system };
  const own = ctx.store.roles.get(id);
  return own && own.organizationId === caller.tenantId ? { kind: 'organization', role: own } : fail(404, MESSAGES.roleNotFound);
}

/** TR8, TE2: the system roles in the spec's order, then the organization's own, oldest first; paged. */
export function listRoles(ctx: OperationContext): Result<Schemas['RolePage']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const paging = pageRequest(ctx.query);
  if (failed(paging)) return paging;
  const roles = [
    ...systemRoles(ctx.model).map((r) => systemRoleView(ctx, caller.tenantId, r)),
    ...ctx.store.rolesOf(caller.tenantId).sort(byCreatedAt).map(organizationRoleView),
  ];
  return ok(pageOf(roles, paging));
}

/** TR4: `{name, description?, permissions}`. Order: 400, 403 TR5, 422 (TR1, TR4), 409 duplicate. */
export function createRole(ctx: OperationContext): Result<Schemas['Role'], 201> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const body = objectBody(ctx.body);
  if (failed(body)) return body;
  const shape = checkFields(body, {
    name: { type: 'string', required: true },
    description: { type: 'string?null' },
    permissions: { type: 'string[]', required: true },
  });
  if (shape) return shape;
  const name = body.name as string;
  const description = (body.description as string | null | undefined) ?? null;
  const permissions = body.permissions as string[];
  if (!mayGrantPermissions(caller, permissions, ctx.model)) return refuse(403, REFUSALS.escalation);
  const problem = roleValueProblem(ctx, { name, description, permissions });
  if (problem) return problem;
  if (ctx.store.roleByName(caller.tenantId, name)) return fail(409, MESSAGES.roleNameTaken);
  const role: RoleRecord = {
    id: randomUUID(),
    organizationId: caller.tenantId,
    name,
    description,
    permissions: inCatalogueOrder(ctx.model, permissions),
    createdAt: nowIso(ctx),
  };
  ctx.store.write(() => ctx.store.roles.insert(role));
  return created(organizationRoleView(role));
}

/**
 * TR6: `name`, `description`, `permissions`. Order: 400, 404, 403 TR5, 403 system role, 422, 409.
 * A renamed role keeps its holders: their memberships, and the pending invitations naming it, follow
 * the new name (a shadow's holders too, so that a rename changes nobody's permissions).
 */
export function updateRole(ctx: OperationContext): Result<Schemas['Role']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const body = objectBody(ctx.body);
  if (failed(body)) return body;
  const shape =
    checkFields(body, { name: { type: 'string' }, description: { type: 'string?null' }, permissions: { type: 'string[]' } }) ??
    noKnownField(body, ['name', 'description', 'permissions']);
  if (shape) return shape;
  const name = body.name as string | undefined;
  const description = body.description as string | null | undefined;
  const permissions = body.permissions as string[] | undefined;
  const target = findRole(ctx, caller);
  if (failed(target)) return target;
  if (permissions !== undefined && !mayGrantPermissions(caller, permissions, ctx.model)) return refuse(403, REFUSALS.escalation);
  if (target.kind === 'system') return refuse(403, REFUSALS.systemRole);
  const problem = roleValueProblem(ctx, { name, description, permissions });
  if (problem) return problem;
  const role = target.role;
  const renamed = name !== undefined && name !== role.name;
  if (renamed && ctx.store.roleByName(caller.tenantId, name)) return fail(409, MESSAGES.roleNameTaken);
  const next: RoleRecord = {
    ...role,
    name: name ?? role.name,
    description: description === undefined ? role.description : description,
    permissions: permissions === undefined ? role.permissions : inCatalogueOrder(ctx.model, permissions),
  };
  const { store } = ctx;
  store.write(() => {
    store.roles.replace(next);
    if (!renamed) return;
    for (const member of store.membersOf(role.organizationId)) if (member.role === role.name) store.members.replace({ ...member, role: next.name });
    for (const invitation of store.invitationsOf(role.organizationId)) {
      if (invitation.status === 'pending' && invitation.role === role.name) store.invitations.replace({ ...invitation, role: next.name });
    }
  });
  return ok(organizationRoleView(next));
}

/**
 * TR6: deletes an organization role. A shadow may go while held (its holders fall back to the system
 * role, TR4); another role still held is a 409. Pending invitations naming a deleted non-shadow role
 * are revoked with it: the role they would give no longer exists.
 */
export function deleteRole(ctx: OperationContext): Result<Schemas['Success']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const target = findRole(ctx, caller);
  if (failed(target)) return target;
  if (target.kind === 'system') return refuse(403, REFUSALS.systemRole);
  const role = target.role;
  const { store } = ctx;
  const shadow = isShadow(ctx.model, role);
  if (!shadow && store.membersOf(role.organizationId).some((m) => m.role === role.name)) return fail(409, MESSAGES.roleAssigned);
  const now = nowIso(ctx);
  store.write(() => {
    store.roles.remove(role.id);
    if (shadow) return;
    for (const invitation of store.invitationsOf(role.organizationId)) {
      if (invitation.status === 'pending' && invitation.role === role.name) store.invitations.replace({ ...invitation, status: 'revoked', revokedAt: now });
    }
  });
  return ok(SUCCESS);
}
