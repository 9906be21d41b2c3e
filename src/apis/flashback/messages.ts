/**
 * The fixed messages of the Flashback API (docs/decisions/flashback.md, sections 1 to 6), read from
 * the spec's named examples when the mock starts: the spec holds each message once, and a renamed or
 * missing example stops the mock at start. Per-operation 403 messages are not here: they come from
 * each operation's `x-access` rule. The templates below word the body problems whose text depends on
 * the field (the spec shows one instance of each, e.g. `Missing required field: firstName`).
 */
import type { LoadedSpec } from '../../contract/index.js';
import { specMessages } from '../../engine/spec-messages.js';
import type { components } from '../../generated/organization.js';

type Schemas = components['schemas'];

export function readMessages(spec: LoadedSpec) {
  const { example, component } = specMessages(spec);
  // A success message is a `const` of its envelope's schema, and the lint gate (org-example-valid) holds every
  // example to its schema, so the example's text is that literal type.
  const success = <T extends string>(operationId: string, status: number, name: string): T => example(operationId, status, name) as T;
  return Object.freeze({
    invalidJson: example('updateOrganization', 400, 'invalidJson'),
    bodyTooLarge: component('NullDataPayloadTooLarge'),
    unsupportedMediaType: component('NullDataUnsupportedMediaType'),
    noValidFields: example('updateOrganization', 400, 'noValidFields'),
    invalidRole: example('createOrganizationUser', 400, 'invalidRole'),
    passwordPolicy: example('createOrganizationUser', 400, 'password'),
    invalidEmail: example('createOrganizationUser', 400, 'invalidEmail'),
    ownRole: example('updateOrganizationUser', 400, 'ownRole'),
    deleteSelf: example('deleteOrganizationUser', 400, 'self'),
    updateDeleted: example('updateOrganizationUser', 400, 'deleted'),
    alreadyDeleted: example('deleteOrganizationUser', 400, 'alreadyDeleted'),
    notDeleted: example('activateOrganizationUser', 400, 'notDeleted'),
    emailInUse: example('createOrganizationUser', 409, 'duplicate'),
    organizationUpdated: success<Schemas['OrganizationUpdatedEnvelope']['message']>('updateOrganization', 200, 'updated'),
    userCreatedInvited: success<Schemas['UserCreatedEnvelope']['message']>('createOrganizationUser', 201, 'created'),
    userCreated: success<Schemas['UserCreatedEnvelope']['message']>('createOrganizationUser', 201, 'createdWithoutInvite'),
    userUpdated: success<Schemas['UserUpdatedEnvelope']['message']>('updateOrganizationUser', 200, 'billing'),
    userDeleted: success<Schemas['UserDeletedEnvelope']['message']>('deleteOrganizationUser', 200, 'deleted'),
    userActivated: success<Schemas['UserActivatedEnvelope']['message']>('activateOrganizationUser', 200, 'activated'),
    loginUserNotFound: example('login', 401, 'notFound'),
    loginInvalidPassword: example('login', 401, 'invalidPassword'),
    loginInactive: example('login', 401, 'inactive'),
    invalidRefreshToken: example('refreshToken', 401, 'invalid'),
  });
}

/** The messages of one spec, as the handlers use them. */
export type Messages = ReturnType<typeof readMessages>;

export const missingField = (name: string): string => `Missing required field: ${name}`;
export const invalidFieldType = (name: string, type: string): string => `Invalid field: ${name} must be ${article(type)} ${type}`;
export const invalidFieldLength = (name: string, min: number | undefined, max: number | undefined): string =>
  min !== undefined && max !== undefined
    ? `Invalid field: ${name} must be ${min} to ${max} characters`
    : max !== undefined
      ? `Invalid field: ${name} must be at most ${max} characters`
      : `Invalid field: ${name} must be at least ${min ?? 1} characters`;
export const invalidFieldBlank = (name: string): string => `Invalid field: ${name} must not be blank`;
export const invalidField = (name: string): string => `Invalid field: ${name}`;

function article(type: string): string {
  return /^[aeiou]/i.test(type) ? 'an' : 'a';
}
