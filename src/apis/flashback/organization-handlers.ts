/** GET and PUT /organization/{orgId} (docs/decisions/flashback.md, section 5). Access and the 404/403 order come from the pipeline. */
import type { components } from '../../generated/organization.js';
import { resolved } from '../../engine/operation-handler.js';
import type { FlashbackHandler, MockContext } from './context.js';
import type { Organization } from './records.js';
import { recordBodies } from '../../engine/json-body.js';
import { success } from '../../engine/responses.js';

type Schemas = components['schemas'];
type OrganizationUpdate = Schemas['OrganizationUpdate'];

/** O2: the writable fields; everything else in the body is ignored. */
const WRITABLE_FIELDS = [
  'name',
  'address1',
  'address2',
  'city',
  'zipcode',
  'phone',
  'state',
  'country',
  'website',
  'is_business',
  'mfaEnforced',
] as const satisfies readonly (keyof OrganizationUpdate)[];

// A field the spec adds to OrganizationUpdate but this list lacks fails type checking here.
type UnlistedField = Exclude<keyof OrganizationUpdate, (typeof WRITABLE_FIELDS)[number]>;
const everyWritableFieldListed: [UnlistedField] extends [never] ? true : UnlistedField = true;
void everyWritableFieldListed;

export function organizationHandlers(context: MockContext) {
  /** One envelope per (frozen) organization record, serialised once: a read builds and serialises nothing. */
  const envelopeOf = recordBodies((data: Readonly<Organization>): Schemas['OrganizationEnvelope'] => ({ success: true, data }));

  const getOrganization: FlashbackHandler = {
    kind: 'member',
    run({ op, organization }) {
      return success(200, envelopeOf(resolved(organization, 'an organization', op.operationId)));
    },
  };

  const updateOrganization: FlashbackHandler<OrganizationUpdate> = {
    kind: 'member',
    bodyRule: (body) => (WRITABLE_FIELDS.some((field) => body[field] !== undefined) ? null : context.messages.noValidFields),
    run({ op, organization, body }) {
      const changes: Record<string, unknown> = {};
      for (const field of WRITABLE_FIELDS) if (body[field] !== undefined) changes[field] = body[field];
      const updated = context.store.updateOrganization(resolved(organization, 'an organization', op.operationId).id, changes);
      const response: Schemas['OrganizationUpdatedEnvelope'] = { success: true, data: { ...updated }, message: context.messages.organizationUpdated };
      return success(200, response);
    },
  };

  return { getOrganization, updateOrganization };
}
