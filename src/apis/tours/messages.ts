/**
 * Every fixed message of the Tours & Events domain, in one place (docs/decisions/tours.md). Each is
 * the text of a named example of openapi/tours-organizations.yaml, cited beside it; a message whose
 * text depends on a value is a template, and the example cited is one instance of it.
 * test/apis/tours/messages.test.ts checks that each of them appears in the spec, exactly.
 *
 * Not here, because they are read from the spec's `x-access-model` at run time: the membership 403s
 * (`no_organization`, `member_suspended`) and the `session_required` 403 (`wrongCredential`).
 */
import type { Schemas } from './records.js';

type Reason = Schemas['ErrorReason'];

export const MESSAGES = Object.freeze({
  // ---- 401, TA2 and TA3: components.responses.Unauthorized, signInEmail 401 ----
  /** components.responses.Unauthorized, example `missing`. */
  authenticationRequired: 'Authentication required',
  /** components.responses.Unauthorized, example `invalidKey`. */
  invalidApiKey: 'Invalid API key',
  /** components.responses.Unauthorized, example `expiredKey`. */
  apiKeyExpired: 'API key has expired',
  /** components.responses.Unauthorized, example `revokedKey`. */
  apiKeyRevoked: 'API key has been revoked',
  /** components.responses.Unauthorized, example `invalidSession`. */
  invalidSession: 'Invalid or expired session',
  /** signInEmail 401, example `invalidCredentials`. */
  invalidEmailOrPassword: 'Invalid email or password',

  // ---- 429, TL1: components.responses.RateLimited ----
  /** components.responses.RateLimited, example `rateLimited`. */
  rateLimited: 'Rate limit exceeded',

  // ---- 403, step 5: components.examples.InsufficientPermissions ----
  insufficientPermissions: 'Insufficient permissions',

  // ---- 404, TE4 ----
  /** components.responses.OrganizationNotFound. */
  organizationNotFound: 'Organization not found',
  /** components.responses.MemberNotFound. */
  memberNotFound: 'Member not found',
  /** components.responses.RoleNotFound. */
  roleNotFound: 'Role not found',
  /** components.responses.InvitationNotFound; getInvitationByToken 404 `notFound` (TI3). */
  invitationNotFound: 'Invitation not found',
  /** components.responses.ApiKeyNotFound (TA6). */
  apiKeyNotFound: 'API key not found',

  // ---- 400, section 4 ----
  /** components.responses.BadPatchBody, example `noFields`. */
  noFieldsToUpdate: 'Invalid request body: no fields to update',
  /** components.responses.BadPatchBody, example `notAnObject`. */
  notAnObject: 'Invalid request body: expected a JSON object',
  /** components.responses.BadPageQuery, example `badPage` (TE2). */
  badPage: 'Invalid query: page must be a positive integer',
  /** components.responses.BadPageQuery, example `badLimit` (TE2). */
  badLimit: 'Invalid query: limit must be a positive integer',
  /** listMembers 400, example `badSortBy` (TE2). */
  badSortBy: 'Invalid query: sortBy must be one of createdAt, name, email',
  /** listMembers 400, example `badSortDir` (TE2). */
  badSortDir: 'Invalid query: sortDir must be one of asc, desc',

  // ---- 422, values (section 4) ----
  /** components.responses.InvalidOrganizationValue `name`; createApiKey 422 `nameLength` (TO1, TA6). */
  nameLength: 'Invalid field: name must be 1 to 100 characters',
  /** components.responses.InvalidOrganizationValue, example `logo` (TO1). */
  logoUrl: 'Invalid field: logo must be an absolute http(s) URL',
  /** components.responses.InvalidOrganizationValue, example `timezone` (TO1). */
  timezone: 'Invalid field: timezone must be an IANA time zone name',
  /** components.responses.InvalidRoleValue, example `notASlug` (TR4). */
  roleSlug: 'Invalid field: name must be a slug of 2 to 32 characters (a-z, 0-9, -) starting with a letter',
  /** components.responses.InvalidRoleValue, example `descriptionLength`. */
  descriptionLength: 'Invalid field: description must be at most 200 characters',
  /** updateMember 422, example `badStatus` (TM2). */
  memberStatus: 'Invalid field: status must be one of active, suspended',
  /** createInvitation 422, example `invalidEmail` (TI1). */
  invalidEmail: 'Invalid field: email must be a valid email address',
  /** createApiKey 422, example `pastExpiry` (TA6). */
  expiresInPast: 'Invalid field: expiresAt must be in the future',
  /** createApiKey 422, example `notADate` (TA6). */
  expiresNotDate: 'Invalid field: expiresAt must be an ISO 8601 date-time',
  /** updateApiKey 422, example `badStatus` (TA6). */
  apiKeyStatus: 'Invalid field: status must be one of active, revoked',
  /** updateApiKey 422, example `reactivate` (TA6). */
  keyReactivation: 'A revoked key cannot be reactivated',
  /** components.examples.OwnMembership (TM2). */
  ownMembership: 'You cannot change your own membership',

  // ---- 409, conflicts ----
  /** components.responses.RoleNameTaken (TR4). */
  roleNameTaken: 'A role with this name already exists',
  /** deleteRole 409, example `assigned` (TR6). */
  roleAssigned: 'Role is assigned to members',
  /** createInvitation 409, example `duplicate` (TI1). */
  invitationDuplicate: 'A member or pending invitation already exists for this email',
  /** components.responses.InvitationNotPending (TI2). */
  invitationNotPending: 'Invitation is not pending',
  /** acceptInvitation 409, example `alreadyMember` (TI4). */
  alreadyMember: 'You are already a member of an organization',
});

/** Refusals that carry a machine-readable `reason` (TE1). */
export const REFUSALS = Object.freeze({
  /** components.examples.PermissionEscalation (TR5). */
  escalation: { error: 'You cannot grant permissions you do not hold', reason: 'permission_escalation' },
  /** components.examples.SystemRole (TR6). */
  systemRole: { error: 'System roles cannot be changed', reason: 'system_role' },
  /** components.responses.LastOwner, example `lastOwner` (TM2). */
  lastOwner: { error: 'An organization must keep an active owner', reason: 'last_owner' },
  /** acceptInvitation 403, example `emailMismatch` (TI4). */
  emailMismatch: { error: 'This invitation was sent to another email', reason: 'email_mismatch' },
} as const satisfies Record<string, { error: string; reason: Reason }>);

/** Templates; the spec shows one instance of each (the test checks that instance). */
export const TEMPLATES = Object.freeze({
  /** components.responses.InvalidRoleValue, example `unknownPermission`: `Unknown permission: events.read` (TR1). */
  unknownPermission: (key: string): string => `Unknown permission: ${key}`,
  /** updateMember 422 `unknownRole`: `Unknown role: driver` (TM2). */
  unknownRole: (name: string): string => `Unknown role: ${name}`,
  /** components.responses.InvalidRoleValue, example `reserved`: `Role name "admin" is reserved` (TR4). */
  reservedRoleName: (name: string): string => `Role name "${name}" is reserved`,
  /** components.responses.BadCreateBody, example `missingField`: `Invalid request body: 'name' is required`. */
  requiredField: (field: string): string => `Invalid request body: '${field}' is required`,
  /** components.responses.BadPatchBody, example `wrongType`: `Invalid request body: 'name' must be a string`. */
  wrongType: (field: string, type: string): string => `Invalid request body: '${field}' must be ${type}`,
});

/** The instance of each template that the spec shows, for the messages test. */
export const TEMPLATE_INSTANCES: Readonly<Record<keyof typeof TEMPLATES, string>> = Object.freeze({
  unknownPermission: TEMPLATES.unknownPermission('events.read'),
  unknownRole: TEMPLATES.unknownRole('driver'),
  reservedRoleName: TEMPLATES.reservedRoleName('admin'),
  requiredField: TEMPLATES.requiredField('name'),
  wrongType: TEMPLATES.wrongType('name', 'a string'),
});
