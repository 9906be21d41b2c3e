/**
 * The Prism proof for Flashback's API: Stoplight Prism, an independent OpenAPI mock, serves
 * openapi/organization.yaml, and for each of the 11 operations answers a request built from the spec's own
 * examples with the documented success status and a body that validates against the spec's response schema.
 * The harness (test/helpers/prism.ts) is shared with the Tours proof, prism-serves-tours-spec.test.ts.
 */
import { describePrismServes } from '../helpers/prism.js';

describePrismServes({
  spec: 'openapi/organization.yaml',
  probePath: '/organization/users',
  // bearerAuth is http bearer: Prism checks only that a bearer credential is present.
  secrets: { bearerAuth: 'x' },
  /** The documented success status of each operation (docs/decisions/flashback.md, section 4). */
  expected: [
    { operationId: 'getOrganization', status: 200 },
    { operationId: 'updateOrganization', status: 200 },
    { operationId: 'listOrganizationUsers', status: 200 },
    { operationId: 'createOrganizationUser', status: 201 },
    { operationId: 'getOrganizationUser', status: 200 },
    { operationId: 'updateOrganizationUser', status: 200 },
    { operationId: 'deleteOrganizationUser', status: 200 },
    { operationId: 'activateOrganizationUser', status: 200 },
    { operationId: 'login', status: 200 },
    { operationId: 'refreshToken', status: 200 },
    { operationId: 'logout', status: 200 },
  ],
});
