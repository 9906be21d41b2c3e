/**
 * The records the mock keeps, as plain JSON-able data. A snapshot of the whole state
 * (`exportState`/`importState`) is exactly these, so what is stored is what is exported.
 */
import type { RoleValue } from '../../contract/index.js';
import type { components } from '../../generated/organization.js';
import type { components as MockControl } from '../../generated/mock-control.js';

/** An email of the Flashback mock's outbox (U3): a verification or an invite, to a user (`OutboxEmail` of openapi/mock-control.yaml). */
export type OutboxEmail = MockControl['schemas']['OutboxEmail'];

export type Organization = components['schemas']['Organization'];
export type OrgUser = components['schemas']['OrgUser'];

export interface UserRecord {
  readonly id: string;
  readonly email: string;
  /** The first name (the API calls it `name`, and `firstName` on create). */
  readonly name: string;
  readonly lastName: string;
  readonly orgId: string | null;
  /** Null exactly when `orgId` is null: a user with no organization has no role. */
  readonly orgRole: RoleValue | null;
  readonly validated: boolean;
  readonly deletedAt: string | null;
  /** `sha256$<salt>$<digest>` (see passwords.ts). Never leaves the mock through the API (E1). */
  readonly passwordHash: string;
  /** Bumped when all of the user's tokens must stop working (U6); access tokens carry the epoch they were issued in. */
  readonly tokenEpoch: number;
}

export interface RefreshTokenRecord {
  /** The token's `jti`, returned as `tokenId` by login. */
  readonly id: string;
  readonly userId: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly revoked: boolean;
}

export const SNAPSHOT_FORMAT = 'org-contract-mock-state';
export const SNAPSHOT_VERSION = 1;

/** The whole state as plain JSON. Users are in creation order, oldest first. */
export interface StateSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: typeof SNAPSHOT_VERSION;
  readonly organizations: readonly Organization[];
  readonly users: readonly UserRecord[];
  readonly refreshTokens: readonly RefreshTokenRecord[];
  readonly outbox: readonly OutboxEmail[];
}
