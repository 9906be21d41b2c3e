/** The Tours & Events check groups `--only` selects from, in the order reports list them, and the order they run in. */
export const GROUP_NAMES = [
  'credentials',
  'matrix',
  'permissions',
  'tenancy',
  'paging',
  'lifecycle',
  'envelopes',
  'robustness',
  'secrets',
  'rate-limits',
] as const;

export type GroupName = (typeof GROUP_NAMES)[number];

export const GROUP_TITLES: Readonly<Record<GroupName, string>> = {
  credentials: 'Credentials: no, bad, expired, revoked and ended credentials; session-only routes; key and session alike',
  matrix: 'Permission matrix: every operation as every principal, by session and by API key',
  permissions: 'Permissions proven: one-permission roles, shadowing, escalation, system roles, the last owner, the permission map',
  tenancy: "Tenancy: another organization's ids answer 404 and leak nothing",
  paging: 'Paging and sorting: envelope arithmetic, past the end, the cap, bad values',
  lifecycle: 'Lifecycles: members, roles, invitations (both sides), API keys, sessions',
  envelopes: 'Envelopes: every response against its documented schema, X-Request-Id on every answer',
  robustness: 'Robustness: malformed requests, unknown routes, no 5xx',
  secrets: 'Secrets: no key, hash, token or password in any answer but the one-time key',
  'rate-limits': 'Rate limits: the headers on every authenticated answer; the 429 with retryAfter (opt-in)',
};

/**
 * The order groups run in. Reads and refusals first; lifecycles late (they end sessions, remove a
 * member and revoke keys, restoring what they can); the rate limit last, since reaching it on purpose
 * spends the credential's window.
 */
export const EXECUTION_ORDER: readonly GroupName[] = [
  'envelopes',
  'credentials',
  'matrix',
  'tenancy',
  'paging',
  'permissions',
  'robustness',
  'secrets',
  'lifecycle',
  'rate-limits',
];
