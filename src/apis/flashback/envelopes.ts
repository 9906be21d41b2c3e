/**
 * Error bodies in each operation's own envelope (docs/decisions/flashback.md, section 4).
 *
 * Which envelope an operation uses is read from the spec: the `$ref` name of the schema of each of
 * its documented error responses (NullDataError, MessageError, ...). Nothing here lists operations.
 */
import type { LoadedSpec, OperationSpec, JsonObject } from '../../contract/index.js';
import type { components } from '../../generated/organization.js';
import type { ApiResponse } from '../../engine/api.js';
import { MESSAGES } from './messages.js';

type Schemas = components['schemas'];

/** The envelope builders, by the name of the spec schema they produce. */
const BUILDERS = {
  NullDataError: (message: string): Schemas['NullDataError'] => ({ success: false, data: null, message }),
  UserListError: (): Schemas['UserListError'] => ({ success: false, data: [], total: 0 }),
  MessageError: (message: string): Schemas['MessageError'] => ({ success: false, message }),
  EmptyDataError: (message: string): Schemas['EmptyDataError'] => ({ success: false, data: {}, message }),
  AuthRequestError: (message: string, status: number): Schemas['AuthRequestError'] => ({
    success: false,
    error_code: status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_REQUEST',
    message,
  }),
} satisfies Record<string, (message: string, status: number) => unknown>;

type EnvelopeName = keyof typeof BUILDERS;
type Builder = (message: string, status: number) => unknown;

const UNAUTHORIZED_BODY: Schemas['AuthRequiredError'] = Object.freeze({
  success: false,
  error_code: 'NO_AUTH_USER',
  message: MESSAGES.authenticationRequired,
});

/** A2: the one 401 of every authenticated operation, with `WWW-Authenticate: Bearer`. */
export function unauthorized(): ApiResponse {
  return { status: 401, body: UNAUTHORIZED_BODY, headers: { 'WWW-Authenticate': 'Bearer' }, principal: '-', mutated: false };
}

export interface ErrorEnvelopes {
  /** An error response of the operation, in the envelope its spec documents for that status. */
  error(operationId: string, status: number, message: string, principal?: string): ApiResponse;
}

/** Reads, for every operation of the spec, the envelope of each documented error status. */
export function readErrorEnvelopes(spec: LoadedSpec): ErrorEnvelopes {
  const byOperation = new Map<string, { byStatus: Map<number, Builder>; fallback: Builder }>();
  for (const op of spec.operations) byOperation.set(op.operationId, readOperation(op));
  return {
    error(operationId, status, message, principal = '-') {
      const entry = byOperation.get(operationId);
      if (!entry) throw new Error(`No operation ${operationId} in the spec`);
      const build = entry.byStatus.get(status) ?? entry.fallback;
      return { status, body: build(message, status), principal, mutated: false };
    },
  };
}

/** The envelope name an error response's schema refers to, e.g. `NullDataError`. */
function envelopeName(schema: JsonObject | null): string | null {
  const ref = schema?.$ref;
  return typeof ref === 'string' ? (ref.split('/').pop() ?? null) : null;
}

function readOperation(op: OperationSpec): { byStatus: Map<number, Builder>; fallback: Builder } {
  const byStatus = new Map<number, Builder>();
  for (const [status, response] of op.responses) {
    if (status < 400 || status === 401) continue;
    const name = envelopeName(response.schema);
    if (name !== null && name in BUILDERS) byStatus.set(status, BUILDERS[name as EnvelopeName]);
  }
  // The operation's general error envelope: its 500's, else its 403's, else its 400's.
  const fallback = byStatus.get(500) ?? byStatus.get(403) ?? byStatus.get(400);
  if (!fallback) {
    throw new Error(
      `Operation ${op.operationId} documents no error response whose schema is one of ${Object.keys(BUILDERS).join(', ')}; ` +
        'add a 500 response with one of them to the spec.',
    );
  }
  return { byStatus, fallback };
}
