/** Every operation's handler, by operationId. The pipeline refuses to start when the spec has an operation missing here. */
import { authHandlers } from './auth-handlers.js';
import type { HandlerTable } from '../../engine/operation-handler.js';
import type { MockContext } from './context.js';
import { organizationHandlers } from './organization-handlers.js';
import { userHandlers } from './user-handlers.js';

export function createHandlers(context: MockContext): HandlerTable {
  return {
    ...organizationHandlers(context),
    ...userHandlers(context),
    ...authHandlers(context),
  };
}
