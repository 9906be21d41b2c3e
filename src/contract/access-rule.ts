/**
 * The `x-access` extension of an operation, read and checked (openapi/README.md describes it).
 * The mock's authorization and the conformance suite's role matrix both derive from this one value.
 */
import { isRoleName, ROLES, type RoleName, type RoleValue } from './roles.js';

export type RankRule = 'R5' | 'R6';

export type AccessRule =
  | { readonly authenticated: false }
  | {
      readonly authenticated: true;
      readonly minRole: RoleName;
      readonly minRoleValue: RoleValue;
      /** `caller`: the caller's own organization; `path`: the `{orgId}` in the path must be the caller's. */
      readonly organization: 'caller' | 'path';
      /** The `{userId}` in the path must be a user of the caller's organization. */
      readonly targetUser: boolean;
      readonly rankRules: readonly RankRule[];
      /** The 403 message when the role is too low (E3). */
      readonly forbiddenMessage: string;
      /** The 403 message when the organization or target user is another organization's. */
      readonly tenantMessage: string;
      /** The 403 message of R5. */
      readonly grantMessage: string | null;
    };

export type AuthenticatedAccessRule = Extract<AccessRule, { authenticated: true }>;

const KNOWN_KEYS = new Set([
  'authenticated',
  'minRole',
  'organization',
  'targetUser',
  'rankRules',
  'forbiddenMessage',
  'tenantMessage',
  'grantMessage',
]);

/** Reads `x-access`; throws with the operation's id and what is wrong when the value is malformed. */
export function readAccessRule(operationId: string, raw: unknown): AccessRule {
  const fail = (why: string): never => {
    throw new Error(`x-access of ${operationId}: ${why}. See openapi/README.md for the extension's shape.`);
  };
  if (typeof raw !== 'object' || raw === null) return fail('missing or not an object');
  const value = raw as Record<string, unknown>;
  for (const key of Object.keys(value)) if (!KNOWN_KEYS.has(key)) fail(`unknown key "${key}"`);
  if (value.authenticated === false) return { authenticated: false };
  if (value.authenticated !== true) return fail('"authenticated" must be true or false');
  const { minRole, organization, forbiddenMessage } = value;
  if (!isRoleName(minRole)) return fail(`"minRole" must be one of ${Object.keys(ROLES).join(', ')}`);
  if (organization !== 'caller' && organization !== 'path') return fail('"organization" must be "caller" or "path"');
  if (typeof forbiddenMessage !== 'string' || forbiddenMessage === '') return fail('"forbiddenMessage" must be a non-empty string');
  const rankRules = value.rankRules ?? [];
  if (!Array.isArray(rankRules) || !rankRules.every((r) => r === 'R5' || r === 'R6')) {
    return fail('"rankRules" must be a list of R5 and R6');
  }
  const grantMessage = value.grantMessage ?? null;
  if (rankRules.includes('R5') && typeof grantMessage !== 'string') return fail('R5 needs a "grantMessage"');
  const tenantMessage = value.tenantMessage ?? forbiddenMessage;
  if (typeof tenantMessage !== 'string') return fail('"tenantMessage" must be a string');
  return Object.freeze({
    authenticated: true,
    minRole,
    minRoleValue: ROLES[minRole],
    organization,
    targetUser: value.targetUser === true,
    rankRules: Object.freeze([...(rankRules as RankRule[])]),
    forbiddenMessage,
    tenantMessage,
    grantMessage: grantMessage as string | null,
  });
}
