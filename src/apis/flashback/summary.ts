/**
 * The dashboard's counts of each organization (`GET /__mock/organizations`): what the state holds,
 * counted, never a hash or a token.
 */
import { roleName, type RoleValue } from '../../contract/index.js';
import type { OrganizationSummaries } from '../../engine/api.js';
import type { StateSnapshot } from './records.js';

/** Counts per organization: users (not deleted) by role, deleted and unvalidated users, live refresh tokens. */
export function summarizeOrganizations(state: StateSnapshot, now: number): OrganizationSummaries {
  const orgOf = new Map<string, string | null>(state.users.map((user) => [user.id, user.orgId]));
  const liveSessions = new Map<string, number>();
  for (const token of state.refreshTokens) {
    const orgId = orgOf.get(token.userId);
    if (token.revoked || !orgId || Date.parse(token.expiresAt) <= now) continue;
    liveSessions.set(orgId, (liveSessions.get(orgId) ?? 0) + 1);
  }
  let usersWithoutOrganization = 0;
  const byOrg = new Map(state.organizations.map((org) => [org.id, { users: 0, deletedUsers: 0, unvalidatedUsers: 0, roles: new Map<RoleValue, number>() }]));
  for (const user of state.users) {
    const counts = user.orgId === null ? undefined : byOrg.get(user.orgId);
    if (!counts) {
      if (user.deletedAt === null) usersWithoutOrganization++;
      continue;
    }
    if (user.deletedAt !== null) {
      counts.deletedUsers++;
      continue;
    }
    counts.users++;
    if (!user.validated) counts.unvalidatedUsers++;
    if (user.orgRole !== null) counts.roles.set(user.orgRole, (counts.roles.get(user.orgRole) ?? 0) + 1);
  }
  return {
    organizations: state.organizations.map((org) => {
      const { users, deletedUsers, unvalidatedUsers, roles } = byOrg.get(org.id) as NonNullable<ReturnType<typeof byOrg.get>>;
      return {
        id: org.id,
        name: org.name,
        counts: { users, deletedUsers, unvalidatedUsers, sessions: liveSessions.get(org.id) ?? 0 },
        // Highest rank first, as the role table reads.
        roles: Object.fromEntries([...roles].sort(([a], [b]) => b - a).map(([value, count]) => [roleName(value), count])),
      };
    }),
    usersWithoutOrganization,
  };
}
