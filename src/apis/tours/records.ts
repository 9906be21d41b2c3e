/**
 * The stored records of the Tours & Events mock (docs/decisions/tours.md), as plain JSON-able data.
 * A snapshot of the whole state is exactly these, so what is stored is what is exported. Records are
 * frozen and replaced, never edited in place (store.ts).
 *
 * Secrets are stored as hashes only: session tokens, API keys and invitation tokens as SHA-256 hex
 * (TA6, TI1), passwords as a salted SHA-256 (credentials.ts). The outbox is the exception on purpose:
 * it is the mock's stand-in for the recipient's mailbox, so it carries the invitation token (TI1).
 */
import type { components } from '../../generated/tours-organizations.js';

export type Schemas = components['schemas'];

/** An organization is stored as the API shows it (TO1). */
export type OrganizationRecord = Schemas['Organization'];

export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  /** `sha256$<salt>$<base64url digest>` (credentials.ts). Never leaves the mock through the API. */
  readonly passwordHash: string;
  /** The platform flag `isSuperAdmin` of `x-access-model.platformFlags` (TR3). */
  readonly isSuperAdmin: boolean;
  readonly createdAt: string;
}

export type MemberStatus = Schemas['Member']['status'];

/** A membership (TM1): a user belongs to one organization at most. */
export interface MemberRecord {
  readonly id: string;
  readonly userId: string;
  readonly organizationId: string;
  /** A role name: a system role's or one of the organization's own (TR2, TR4). */
  readonly role: string;
  readonly status: MemberStatus;
  readonly createdAt: string;
}

/** An organization role (TR4). System roles are not stored: they are read from the spec's `x-access-model`. */
export interface RoleRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly description: string | null;
  readonly permissions: readonly string[];
  readonly createdAt: string;
}

/** The stored status; `expired` is never stored, it is read from `expiresAt` (TI1). */
export type StoredInvitationStatus = 'pending' | 'accepted' | 'revoked';

export interface InvitationRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly email: string;
  readonly role: string;
  readonly status: StoredInvitationStatus;
  readonly inviterId: string;
  /** SHA-256 hex of the current token; a resend replaces it (TI2). */
  readonly tokenHash: string;
  readonly expiresAt: string;
  readonly createdAt: string;
  readonly acceptedAt: string | null;
  readonly revokedAt: string | null;
}

export interface SessionRecord {
  readonly id: string;
  /** SHA-256 hex of the cookie's token. */
  readonly tokenHash: string;
  readonly userId: string;
  readonly createdAt: string;
  /** Exactly 7 days after sign-in; use does not extend it (TA2, TA3). */
  readonly expiresAt: string;
  /** Signed out (TA2). */
  readonly ended: boolean;
}

export type ApiKeyStatus = Schemas['ApiKeyStatus'];

export interface ApiKeyRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  /** SHA-256 hex of the full key (TA6). */
  readonly keyHash: string;
  /** The key's first 12 characters, for display (TA6). */
  readonly keyPrefix: string;
  readonly status: ApiKeyStatus;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
}

/** An invitation email of the mock's outbox (TI1): `InvitationEmail` of openapi/mock-control.yaml. */
export interface InvitationEmailRecord {
  readonly id: string;
  readonly kind: 'invitation';
  readonly to: string;
  readonly subject: string;
  readonly invitationId: string;
  readonly token: string;
  /** The recipient's link, `/api/invitations/<token>` on the mock. */
  readonly acceptUrl: string;
  readonly sentAt: string;
}

export const TOURS_SNAPSHOT_FORMAT = 'org-contract-tours-state';
export const TOURS_SNAPSHOT_VERSION = 1;

/** The whole state as plain JSON; every list in creation order. */
export interface ToursSnapshot {
  readonly format: typeof TOURS_SNAPSHOT_FORMAT;
  readonly version: typeof TOURS_SNAPSHOT_VERSION;
  readonly users: readonly UserRecord[];
  readonly organizations: readonly OrganizationRecord[];
  readonly members: readonly MemberRecord[];
  readonly roles: readonly RoleRecord[];
  readonly invitations: readonly InvitationRecord[];
  readonly sessions: readonly SessionRecord[];
  readonly apiKeys: readonly ApiKeyRecord[];
  readonly outbox: readonly InvitationEmailRecord[];
}

/** ISO 8601 UTC with milliseconds (TE3), the form every stored timestamp takes. */
export function isoAt(ms: number): string {
  // Many requests fall in one millisecond (every API-key use compares its lastUsedAt with now): the last one's text is reused.
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

let lastMs = Number.NaN;
let lastIso = '';

/** Freezes a record (shallowly, and its arrays) and returns it. */
export function frozen<T extends object>(record: T): T {
  for (const value of Object.values(record)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(record);
}
