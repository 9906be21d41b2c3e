/** The Flashback Organization API's mock (no HTTP), handed to the engine as `flashbackApi`. */
import type { ApiDefinition } from '../../engine/api-definition.js';
import { createMockApi } from './create-mock-api.js';

export const flashbackApi: ApiDefinition = Object.freeze({
  name: 'flashback',
  title: 'Flashback Organization API',
  specFile: 'openapi/organization.yaml',
  // W4: bearer tokens, no cookie, so `*` is right for any origin.
  corsCredentials: false,
  create: createMockApi,
});

export { createMockApi } from './create-mock-api.js';
export { EXTRA_USER_PASSWORD } from './seed.js';
