/**
 * The Prism proof for Tours & Events' API: Stoplight Prism, an independent OpenAPI mock, serves
 * openapi/tours-organizations.yaml, and for each of the 28 operations answers a request built from the spec's
 * own examples and credentials with its documented lowest 2xx and a body that validates against the spec's
 * response schema. Same harness as the Flashback proof (test/helpers/prism.ts).
 *
 * Credentials follow each operation's first security requirement: `apiKey` (http bearer) on the operations
 * that take a key or a session, `sessionCookie` on the session-only ones and on getSession and signOut (whose
 * session is optional), none on getInvitationByToken and signInEmail. Prism checks only that the credential
 * is present.
 */
import { describePrismServes } from '../helpers/prism.js';

describePrismServes({
  spec: 'openapi/tours-organizations.yaml',
  probePath: '/api/auth/get-session',
  secrets: {
    apiKey: 'tke_test_AbCdEfGhIjKlMnOpQrStUvWxYz012345',
    sessionCookie: 'x',
  },
  /** The lowest documented 2xx of each operation (docs/decisions/tours.md). */
  expected: [
    { operationId: 'getCurrentOrganization', status: 200 },
    { operationId: 'updateCurrentOrganization', status: 200 },
    { operationId: 'getMyPermissions', status: 200 },
    { operationId: 'listOrganizations', status: 200 },
    { operationId: 'getOrganizationById', status: 200 },
    { operationId: 'updateOrganizationById', status: 200 },
    { operationId: 'deleteOrganizationById', status: 200 },
    { operationId: 'listMembers', status: 200 },
    { operationId: 'updateMember', status: 200 },
    { operationId: 'removeMember', status: 200 },
    { operationId: 'listRoles', status: 200 },
    { operationId: 'createRole', status: 201 },
    { operationId: 'updateRole', status: 200 },
    { operationId: 'deleteRole', status: 200 },
    { operationId: 'listInvitations', status: 200 },
    { operationId: 'createInvitation', status: 201 },
    { operationId: 'resendInvitation', status: 200 },
    { operationId: 'revokeInvitation', status: 200 },
    { operationId: 'getInvitationByToken', status: 200 },
    { operationId: 'acceptInvitation', status: 200 },
    { operationId: 'listApiKeys', status: 200 },
    { operationId: 'createApiKey', status: 201 },
    { operationId: 'getApiKey', status: 200 },
    { operationId: 'updateApiKey', status: 200 },
    { operationId: 'deleteApiKey', status: 200 },
    { operationId: 'signInEmail', status: 200 },
    { operationId: 'signOut', status: 200 },
    { operationId: 'getSession', status: 200 },
  ],
});
