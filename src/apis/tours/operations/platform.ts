/**
 * The platform's organizations (TO2), for a Super Admin with a session (TR3: the platform flag and
 * the session are the engine's steps 2 and 5): list, get, update and delete any organization.
 */
import { MESSAGES } from '../messages.js';
import type { Schemas } from '../records.js';
import { SUCCESS, byCreatedAt, fail, failed, needCaller, ok, organizationView, pageOf, pageRequest, type OperationContext, type Result } from './context.js';
import { applyOrganizationChanges, organizationValueProblem, readOrganizationChanges } from './organization.js';

/** TO2, TE2: every organization, oldest first, paged. */
export function listOrganizations(ctx: OperationContext): Result<Schemas['OrganizationPage']> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const paging = pageRequest(ctx.query);
  if (failed(paging)) return paging;
  return ok(pageOf(ctx.store.organizations.all().sort(byCreatedAt).map(organizationView), paging));
}

export function getOrganizationById(ctx: OperationContext): Result<Schemas['Organization']> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const org = ctx.store.organizations.get(ctx.params.id ?? '');
  return org ? ok(organizationView(org)) : fail(404, MESSAGES.organizationNotFound);
}

/** TO2: the update of TO1 on any organization; 400 (shape) before 404 before 422 (section 4). */
export function updateOrganizationById(ctx: OperationContext): Result<Schemas['Organization']> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const changes = readOrganizationChanges(ctx.body);
  if (failed(changes)) return changes;
  const org = ctx.store.organizations.get(ctx.params.id ?? '');
  if (!org) return fail(404, MESSAGES.organizationNotFound);
  const problem = organizationValueProblem(changes);
  if (problem) return problem;
  return ok(organizationView(applyOrganizationChanges(ctx, org, changes)));
}

/**
 * TO2: removes the organization with its memberships, roles, invitations and API keys, in one write.
 * The keys removed are those of the users who are its members now (a key acts as its user, TA4): they
 * no longer exist, so their next use is `Invalid API key` (TA3). The users, their sessions and the
 * outbox stay.
 */
export function deleteOrganizationById(ctx: OperationContext): Result<Schemas['Success']> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const { store } = ctx;
  const org = store.organizations.get(ctx.params.id ?? '');
  if (!org) return fail(404, MESSAGES.organizationNotFound);
  store.write(() => {
    for (const member of store.membersOf(org.id)) {
      for (const key of store.apiKeysOf(member.userId)) store.apiKeys.remove(key.id);
      store.members.remove(member.id);
    }
    for (const role of store.rolesOf(org.id)) store.roles.remove(role.id);
    for (const invitation of store.invitationsOf(org.id)) store.invitations.remove(invitation.id);
    store.organizations.remove(org.id);
  });
  return ok(SUCCESS);
}
