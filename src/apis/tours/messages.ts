/**
 * Every fixed message of the Tours & Events domain (docs/decisions/tours.md), read from the named
 * examples of openapi/tours-organizations.yaml when the module loads: the spec holds each message
 * once, and a renamed or missing example stops the mock at start, naming it. A message whose text
 * depends on a value is a template below, with the one instance of it that the spec shows.
 *
 * Not here, because they are read from the spec's `x-access-model` at run time: the membership 403s
 * (`no_organization`, `member_suspended`) and the `session_required` 403 (`wrongCredential`).
 */
import { specMessages } from '../../engine/spec-messages.js';
import type { Schemas } from './records.js';
import { toursSpec } from './spec.js';

type Reason = Schemas['ErrorReason'];

const { example, component, shared } = specMessages(toursSpec());

export const MESSAGES = Object.freeze({
  /** components.examples.InsufficientPermissions (the gate's 403, step 5). */
  insufficientPermissions: shared('InsufficientPermissions'),
  /** components.responses.Unauthorized, example `missing`. */
  authenticationRequired: component('Unauthorized', 'missing'),
  /** components.responses.Unauthorized, example `invalidKey`. */
  invalidApiKey: component('Unauthorized', 'invalidKey'),
  /** components.responses.Unauthorized, example `expiredKey`. */
  apiKeyExpired: component('Unauthorized', 'expiredKey'),
  /** components.responses.Unauthorized, example `revokedKey`. */
  apiKeyRevoked: component('Unauthorized', 'revokedKey'),
  /** components.responses.Unauthorized, example `invalidSession`. */
  invalidSession: component('Unauthorized', 'invalidSession'),
  /** signInEmail 401, example `invalidCredentials`. */
  invalidEmailOrPassword: example('signInEmail', 401, 'invalidCredentials'),
  /** components.responses.RateLimited, example `rateLimited`. */
  rateLimited: component('RateLimited', 'rateLimited'),
  /** components.responses.OrganizationNotFound. */
  organizationNotFound: component('OrganizationNotFound'),
  /** components.responses.MemberNotFound. */
  memberNotFound: component('MemberNotFound'),
  /** components.responses.RoleNotFound. */
  roleNotFound: component('RoleNotFound'),
  /** components.responses.InvitationNotFound; getInvitationByToken 404 `notFound` (TI3). */
  invitationNotFound: component('InvitationNotFound'),
  /** components.responses.ApiKeyNotFound (TA6). */
  apiKeyNotFound: component('ApiKeyNotFound'),
  /** components.responses.BadPatchBody, example `noFields`. */
  noFieldsToUpdate: component('BadPatchBody', 'noFields'),
  /** components.responses.BadPatchBody, example `notAnObject`. */
  notAnObject: component('BadPatchBody', 'notAnObject'),
  /** components.responses.BadPageQuery, example `badPage` (TE2). */
  badPage: component('BadPageQuery', 'badPage'),
  /** components.responses.BadPageQuery, example `badLimit` (TE2). */
  badLimit: component('BadPageQuery', 'badLimit'),
  /** listMembers 400, example `badSortBy` (TE2). */
  badSortBy: example('listMembers', 400, 'badSortBy'),
  /** listMembers 400, example `badSortDir` (TE2). */
  badSortDir: example('listMembers', 400, 'badSortDir'),
  /** components.responses.InvalidOrganizationValue `name`; createApiKey 422 `nameLength` (TO1, TA6). */
  nameLength: component('InvalidOrganizationValue', 'name'),
  /** components.responses.InvalidOrganizationValue, example `logo` (TO1). */
  logoUrl: component('InvalidOrganizationValue', 'logo'),
  /** components.responses.InvalidOrganizationValue, example `timezone` (TO1). */
  timezone: component('InvalidOrganizationValue', 'timezone'),
  /** components.responses.InvalidRoleValue, example `notASlug` (TR4). */
  roleSlug: component('InvalidRoleValue', 'notASlug'),
  /** components.responses.InvalidRoleValue, example `descriptionLength`. */
  descriptionLength: component('InvalidRoleValue', 'descriptionLength'),
  /** updateMember 422, example `badStatus` (TM2). */
  memberStatus: example('updateMember', 422, 'badStatus'),
  /** createInvitation 422, example `invalidEmail` (TI1). */
  invalidEmail: example('createInvitation', 422, 'invalidEmail'),
  /** createApiKey 422, example `pastExpiry` (TA6). */
  expiresInPast: example('createApiKey', 422, 'pastExpiry'),
  /** createApiKey 422, example `notADate` (TA6). */
  expiresNotDate: example('createApiKey', 422, 'notADate'),
  /** updateApiKey 422, example `badStatus` (TA6). */
  apiKeyStatus: example('updateApiKey', 422, 'badStatus'),
  /** updateApiKey 422, example `reactivate` (TA6). */
  keyReactivation: example('updateApiKey', 422, 'reactivate'),
  /** components.examples.OwnMembership (TM2). */
  ownMembership: shared('OwnMembership'),
  /** components.responses.RoleNameTaken (TR4). */
  roleNameTaken: component('RoleNameTaken'),
  /** deleteRole 409, example `assigned` (TR6). */
  roleAssigned: example('deleteRole', 409, 'assigned'),
  /** createInvitation 409, example `duplicate` (TI1). */
  invitationDuplicate: example('createInvitation', 409, 'duplicate'),
  /** components.responses.InvitationNotPending (TI2). */
  invitationNotPending: component('InvitationNotPending'),
  /** acceptInvitation 409, example `alreadyMember` (TI4). */
  alreadyMember: example('acceptInvitation', 409, 'alreadyMember'),
});

/** Refusals that carry a machine-readable `reason` (TE1). */
export const REFUSALS = Object.freeze({
  /** components.examples.PermissionEscalation (TR5). */
  escalation: { error: shared('PermissionEscalation'), reason: 'permission_escalation' },
  /** components.examples.SystemRole (TR6). */
  systemRole: { error: shared('SystemRole'), reason: 'system_role' },
  /** components.responses.LastOwner, example `lastOwner` (TM2). */
  lastOwner: { error: component('LastOwner', 'lastOwner'), reason: 'last_owner' },
  /** acceptInvitation 403, example `emailMismatch` (TI4). */
  emailMismatch: { error: example('acceptInvitation', 403, 'emailMismatch'), reason: 'email_mismatch' },
} satisfies Record<string, { error: string; reason: Reason }>);

/**
 * The most of a caller's value a message quotes. A value that names nothing (an unknown role or
 * permission) may be any length, and the Error schema caps `error` at 512 characters: a longer value
 * is quoted cut, ending in `…`, as the spec's descriptions say.
 */
const QUOTE_LIMIT = 64;

function quote(value: string): string {
  return value.length <= QUOTE_LIMIT ? value : `${value.slice(0, QUOTE_LIMIT)}…`;
}

/** Templates; the spec shows one instance of each (the test checks that instance). */
export const TEMPLATES = Object.freeze({
  /** components.responses.InvalidRoleValue, example `unknownPermission`: `Unknown permission: events.read` (TR1). */
  unknownPermission: (key: string): string => `Unknown permission: ${quote(key)}`,
  /** updateMember 422 `unknownRole`: `Unknown role: driver` (TM2). */
  unknownRole: (name: string): string => `Unknown role: ${quote(name)}`,
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
