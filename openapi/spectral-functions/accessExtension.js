/**
 * org-access-extension: the operation's `x-access` has a valid shape (openapi/README.md, "x-access").
 * Given an operation object (resolved). Reports every problem it finds, each at the key at fault.
 */

const ROLES = ['USER', 'BILLING', 'WORKSPACES', 'ADMINISTRATOR', 'OWNER'];
const ORGANIZATION = ['caller', 'path'];
const RANK_RULES = ['R5', 'R6'];
const KEYS = [
  'authenticated',
  'minRole',
  'organization',
  'forbiddenMessage',
  'tenantMessage',
  'targetUser',
  'rankRules',
  'grantMessage',
];

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmptyString = (v) => typeof v === 'string' && v.trim().length > 0;

export default function accessExtension(operation, _options, context) {
  if (!isObject(operation)) return [];
  const at = (...keys) => [...context.path, 'x-access', ...keys];
  const access = operation['x-access'];
  if (access === undefined) {
    return [{ message: 'Operation must have `x-access` (the access rule of the operation).', path: context.path }];
  }
  if (!isObject(access)) return [{ message: '`x-access` must be an object.', path: at() }];

  const problems = [];
  const fail = (message, ...keys) => problems.push({ message, path: at(...keys) });

  for (const key of Object.keys(access)) {
    if (!KEYS.includes(key)) fail(`\`x-access\` has an unknown key \`${key}\`; allowed: ${KEYS.join(', ')}.`, key);
  }
  if (typeof access.authenticated !== 'boolean') {
    fail('`x-access.authenticated` must be a boolean.', 'authenticated');
    return problems;
  }

  // The operation's effective security must agree with `authenticated`.
  const security = operation.security ?? context.document?.data?.security ?? [];
  const secured = Array.isArray(security) && security.some((req) => isObject(req) && Object.keys(req).length > 0);
  if (access.authenticated !== secured) {
    fail(
      access.authenticated
        ? '`x-access.authenticated` is true but the operation has no security requirement.'
        : '`x-access.authenticated` is false but the operation has a security requirement (set `security: []`).',
      'authenticated',
    );
  }

  if (!access.authenticated) {
    for (const key of Object.keys(access)) {
      if (key !== 'authenticated' && KEYS.includes(key)) {
        fail(`\`x-access.${key}\` has no meaning when \`authenticated\` is false.`, key);
      }
    }
    return problems;
  }

  if (!ROLES.includes(access.minRole)) fail(`\`x-access.minRole\` must be one of ${ROLES.join('|')}.`, 'minRole');
  if (!ORGANIZATION.includes(access.organization)) {
    fail(`\`x-access.organization\` must be one of ${ORGANIZATION.join('|')}.`, 'organization');
  }
  if (!nonEmptyString(access.forbiddenMessage)) {
    fail('`x-access.forbiddenMessage` must be a non-empty string.', 'forbiddenMessage');
  }
  if ('tenantMessage' in access && !nonEmptyString(access.tenantMessage)) {
    fail('`x-access.tenantMessage` must be a non-empty string.', 'tenantMessage');
  }
  if ('targetUser' in access && typeof access.targetUser !== 'boolean') {
    fail('`x-access.targetUser` must be a boolean.', 'targetUser');
  }
  if ('rankRules' in access) {
    const rules = access.rankRules;
    if (!Array.isArray(rules) || rules.length === 0 || rules.some((r) => !RANK_RULES.includes(r))) {
      fail(`\`x-access.rankRules\` must be a non-empty array of ${RANK_RULES.join('|')}.`, 'rankRules');
    } else if (new Set(rules).size !== rules.length) {
      fail('`x-access.rankRules` must not repeat a rule.', 'rankRules');
    }
  }
  if ('grantMessage' in access && !nonEmptyString(access.grantMessage)) {
    fail('`x-access.grantMessage` must be a non-empty string.', 'grantMessage');
  }
  if (Array.isArray(access.rankRules) && access.rankRules.includes('R5') && !('grantMessage' in access)) {
    fail('`x-access.grantMessage` is required when `rankRules` has R5 (the 403 for granting a role).', 'grantMessage');
  }
  return problems;
}
