/** The check groups `--only` selects from, in the order reports list them. */
export const GROUP_NAMES = ['matrix', 'envelopes', 'tenancy', 'lifecycle', 'business', 'robustness', 'secrets'] as const;

export type GroupName = (typeof GROUP_NAMES)[number];

export const GROUP_TITLES: Readonly<Record<GroupName, string>> = {
  matrix: 'Role matrix: every operation as every principal',
  envelopes: 'Envelopes: every response against its documented schema',
  tenancy: 'Tenancy: nobody reaches another organization',
  lifecycle: 'Lifecycle: create, list, get, update, soft delete, activate, log in',
  business: 'Business rules: self, rank, grants, duplicates, policy, partial updates',
  robustness: 'Robustness: malformed requests, unknown routes, no 5xx',
  secrets: 'Secrets: no password, hash or token in a user or organization',
};
