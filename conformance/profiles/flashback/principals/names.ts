/**
 * The principals a run knows by name. Five members of one organization (one per role), a member of
 * another organization, an optional user with no organization, and two optional accounts that must
 * not be able to log in (for the lifecycle's login rules).
 */
import { ROLES, type RoleName, type RoleValue } from '../../../../src/contract/index.js';

export const MEMBER_NAMES = ['owner', 'administrator', 'workspaces', 'billing', 'user'] as const;
export type MemberName = (typeof MEMBER_NAMES)[number];

export const PRINCIPAL_NAMES = [...MEMBER_NAMES, 'outsider', 'orgless'] as const;
export type PrincipalName = (typeof PRINCIPAL_NAMES)[number];

/** Accounts that exist but may not log in (A3 `USER_INACTIVE`); used only by the login rules. */
export const INACTIVE_NAMES = ['deleted', 'unvalidated'] as const;
export type InactiveName = (typeof INACTIVE_NAMES)[number];

export type CredentialName = PrincipalName | InactiveName;
export const CREDENTIAL_NAMES: readonly CredentialName[] = [...PRINCIPAL_NAMES, ...INACTIVE_NAMES];

/** The role each member principal stands for. */
export const MEMBER_ROLE: Readonly<Record<MemberName, RoleName>> = {
  owner: 'OWNER',
  administrator: 'ADMINISTRATOR',
  workspaces: 'WORKSPACES',
  billing: 'BILLING',
  user: 'USER',
};

export function memberRoleValue(name: MemberName): RoleValue {
  return ROLES[MEMBER_ROLE[name]];
}

export function isMemberName(name: string): name is MemberName {
  return (MEMBER_NAMES as readonly string[]).includes(name);
}

export function isCredentialName(name: string): name is CredentialName {
  return (CREDENTIAL_NAMES as readonly string[]).includes(name);
}

export function isInactiveName(name: string): name is InactiveName {
  return (INACTIVE_NAMES as readonly string[]).includes(name);
}

export function isPrincipalName(name: string): name is PrincipalName {
  return (PRINCIPAL_NAMES as readonly string[]).includes(name);
}
