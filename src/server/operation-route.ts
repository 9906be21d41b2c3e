/**
 * What the server knows ahead of time about one Organization API operation: whether it reads a body,
 * its documented 500 (for `--error-rate` and for faults of the mock itself), its `Prefer` answers,
 * and its error envelope (for a `Prefer` that cannot be honoured).
 */
import type { LoadedSpec, OperationSpec, ResponseSpec } from '../contract/index.js';
import { prepareJson, type PreparedResponse } from './json-response.js';
import { buildPreferTable, type PreferTable } from './prefer.js';

export interface OperationRoute {
  readonly kind: 'operation';
  readonly operation: OperationSpec;
  readonly readsBody: boolean;
  readonly authenticated: boolean;
  /** The operation's documented 500 (first example). */
  readonly internalError: PreparedResponse;
  readonly prefer: PreferTable;
  /** The 400 answering a `Prefer` the operation does not document, in the operation's error envelope. */
  refusePreference(reason: string): { readonly body: unknown; readonly headers: Readonly<Record<string, string>> };
}

/** Envelope messages are at most 512 characters (the spec's error schemas). */
const MAX_MESSAGE = 512;
const FALLBACK_INTERNAL_ERROR = { success: false, message: 'Internal server error' };

/** The first example of a documented response (the one `Prefer: code=N` answers), if any. */
export function firstExample(response: ResponseSpec | undefined): unknown {
  return response?.examples.values().next().value;
}

/** A header value carries printable ASCII only; a request's own text may carry anything. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 1024);
}

export function buildOperationRoute(op: OperationSpec): OperationRoute {
  const internal = firstExample(op.responses.get(500)) ?? FALLBACK_INTERNAL_ERROR;
  // The 400's envelope where the operation documents one (its error_code fits a bad request), else the 500's.
  const envelope = (firstExample(op.responses.get(400)) ?? internal) as Record<string, unknown>;
  const carriesMessage = typeof envelope === 'object' && envelope !== null && 'message' in envelope;
  return Object.freeze({
    kind: 'operation',
    operation: op,
    readsBody: op.requestBody !== null,
    authenticated: op.access.authenticated,
    internalError: prepareJson(500, internal),
    prefer: buildPreferTable(op),
    refusePreference(reason: string) {
      const message = reason.slice(0, MAX_MESSAGE);
      return {
        body: carriesMessage ? { ...envelope, message } : envelope,
        headers: { 'x-mock-prefer-error': headerSafe(reason) },
      };
    },
  });
}

/** `template → method → route` for every operation of the spec. */
export function operationRoutes(spec: LoadedSpec): Map<string, Map<string, OperationRoute>> {
  const routes = new Map<string, Map<string, OperationRoute>>();
  for (const op of spec.operations) {
    let byMethod = routes.get(op.path);
    if (!byMethod) routes.set(op.path, (byMethod = new Map<string, OperationRoute>()));
    byMethod.set(op.method, buildOperationRoute(op));
  }
  return routes;
}
