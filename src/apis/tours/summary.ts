/**
 * The dashboard's counts of each organization (`GET /__mock/organizations`): what the state holds,
 * counted on the mock's clock, never a hash or a token.
 */
import type { OrganizationSummaries } from '../../engine/api.js';
import type { ToursSnapshot } from './records.js';

/** Counts per organization: members (active, suspended) and their roles, custom roles, pending invitations, its members' live keys and sessions. */
export function summarizeOrganizations(state: ToursSnapshot, now: number): OrganizationSummaries {
  const live = (expiresAt: string | null): boolean => expiresAt === null || Date.parse(expiresAt) > now;
  const orgOfUser = new Map<string, string>(state.members.map((member) => [member.userId, member.organizationId]));
  const byOrg = new Map(
    state.organizations.map((org) => [
      org.id,
      { members: 0, suspendedMembers: 0, customRoles: 0, pendingInvitations: 0, apiKeys: 0, sessions: 0, roles: new Map<string, number>() },
    ]),
  );
  const countFor = (orgId: string | undefined): ReturnType<typeof byOrg.get> => (orgId === undefined ? undefined : byOrg.get(orgId));
  for (const member of state.members) {
    const counts = countFor(member.organizationId);
    if (!counts) continue;
    if (member.status === 'suspended') counts.suspendedMembers++;
    else counts.members++;
    counts.roles.set(member.role, (counts.roles.get(member.role) ?? 0) + 1);
  }
  for (const role of state.roles) {
    const counts = countFor(role.organizationId);
    if (counts) counts.customRoles++;
  }
  for (const invitation of state.invitations) {
    const counts = countFor(invitation.organizationId);
    if (counts && invitation.status === 'pending' && live(invitation.expiresAt)) counts.pendingInvitations++;
  }
  for (const key of state.apiKeys) {
    const counts = countFor(orgOfUser.get(key.userId));
    if (counts && key.status === 'active' && live(key.expiresAt)) counts.apiKeys++;
  }
  for (const session of state.sessions) {
    const counts = countFor(orgOfUser.get(session.userId));
    if (counts && !session.ended && live(session.expiresAt)) counts.sessions++;
  }
  return {
    organizations: state.organizations.map((org) => {
      const { roles, ...counts } = byOrg.get(org.id) as NonNullable<ReturnType<typeof byOrg.get>>;
      return { id: org.id, name: org.name, counts, roles: Object.fromEntries(roles) };
    }),
    usersWithoutOrganization: state.users.filter((user) => !orgOfUser.has(user.id)).length,
  };
}
