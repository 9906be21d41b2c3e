/**
 * The organization role table (contract-decisions.md section 1). The only place role names and
 * values are paired; everything else derives from it.
 */
export const ROLES = {
  USER: 0,
  BILLING: 1,
  WORKSPACES: 2,
  ADMINISTRATOR: 254,
  OWNER: 255,
} as const;

export type RoleName = keyof typeof ROLES;
export type RoleValue = (typeof ROLES)[RoleName];

export const ROLE_NAMES = Object.keys(ROLES) as RoleName[];
/** Every defined value, ascending (R1). */
export const ROLE_VALUES: readonly RoleValue[] = Object.values(ROLES).sort((a, b) => a - b);

const nameByValue = new Map<number, RoleName>(ROLE_NAMES.map((name) => [ROLES[name], name]));

export function isRoleValue(value: unknown): value is RoleValue {
  return typeof value === 'number' && nameByValue.has(value);
}

export function isRoleName(value: unknown): value is RoleName {
  return typeof value === 'string' && Object.hasOwn(ROLES, value);
}

/** R2: the description of a role value. */
export function roleName(value: RoleValue): RoleName {
  return nameByValue.get(value) as RoleName;
}

/** R3: every defined role value `<=` the given one, ascending. */
export function rolesUpTo(value: RoleValue): RoleValue[] {
  return ROLE_VALUES.filter((v) => v <= value);
}

/** R5: may a caller of this role grant that role? Strictly lower, or any role for an OWNER. */
export function mayGrant(callerRole: RoleValue, granted: RoleValue): boolean {
  return callerRole === ROLES.OWNER || granted < callerRole;
}

/** R6: may a caller of this role manage a user of that role? Strictly lower, or anyone for an OWNER. */
export function mayManage(callerRole: RoleValue, targetRole: RoleValue): boolean {
  return callerRole === ROLES.OWNER || targetRole < callerRole;
}
