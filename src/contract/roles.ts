/**
 * The Flashback organization roles (docs/decisions/flashback.md, R1 to R5), read from the spec's
 * `x-access-model.roles.ranked`: the spec is the only place role names and values are paired. The
 * types come from the same spec through the generated `RoleName` and `RoleValue` schemas; the module
 * refuses to load when the two disagree, so neither can drift from the other.
 */
import type { components } from '../generated/organization.js';
import { readAccess } from './access.js';
import { projectPath } from './project-root.js';
import { parseSpecFile } from './spec-snapshot.js';

export type RoleName = components['schemas']['RoleName'];
export type RoleValue = components['schemas']['RoleValue'];

const SPEC_FILE = 'openapi/organization.yaml';

function readRankedRoles(): Readonly<Record<RoleName, RoleValue>> {
  const document = parseSpecFile(projectPath(SPEC_FILE));
  const { roles } = readAccess(document, SPEC_FILE).model;
  if (roles.kind !== 'ranked') throw new Error(`${SPEC_FILE}: x-access-model.roles must be ranked`);
  const schemas = (document.components as { schemas: Record<string, { enum?: unknown[] }> }).schemas;
  const same = (a: readonly unknown[], b: readonly unknown[] = []): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
  if (
    !same(
      roles.ranked.map((r) => r.name),
      schemas.RoleName?.enum,
    ) ||
    !same(
      roles.ranked.map((r) => r.value),
      schemas.RoleValue?.enum,
    )
  ) {
    throw new Error(`${SPEC_FILE}: x-access-model.roles.ranked must list the names of RoleName and the values of RoleValue, in the same order`);
  }
  return Object.freeze(Object.fromEntries(roles.ranked.map((r) => [r.name, r.value]))) as Record<RoleName, RoleValue>;
}

/** Role name → value, lowest first, as the spec lists them. */
export const ROLES = readRankedRoles();

export const ROLE_NAMES = Object.keys(ROLES) as RoleName[];
/** Every defined value, ascending (R1). */
export const ROLE_VALUES: readonly RoleValue[] = Object.values(ROLES).sort((a, b) => a - b);
/** The highest role, the one the rank rules except (R5, R6). */
const TOP_ROLE = ROLE_VALUES[ROLE_VALUES.length - 1] as RoleValue;

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

/** R5 (`grantedRank`): may a caller of this role grant that role? Strictly lower, or any role for the highest. */
export function mayGrant(callerRole: number, granted: number): boolean {
  return callerRole === TOP_ROLE || granted < callerRole;
}

/** R6 (`targetRank`): may a caller of this role manage a user of that role? Strictly lower, or anyone for the highest. */
export function mayManage(callerRole: number, targetRole: number): boolean {
  return callerRole === TOP_ROLE || targetRole < callerRole;
}
