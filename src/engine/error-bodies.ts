/**
 * Error answers in the body each operation's spec documents for that status, built from the spec
 * itself: the first example of the documented response is the template, and its message field
 * (`message`, or `error`) and `reason` are set to what the pipeline or the handler says. An API's
 * envelopes (Flashback's `{success, data: null, message}`, Tours & Events' `{error, reason?}`) are
 * thereby read, never written in code. A status the operation does not document takes its 500's
 * body (else its 403's, else its 400's).
 */
import type { JsonObject, LoadedSpec, OperationSpec } from '../contract/index.js';
import type { ApiResponse } from './api.js';

/** The field of an error body that carries its message, in the order they are looked for. */
const MESSAGE_FIELDS = ['message', 'error'] as const;

export type ErrorAnswer = (op: OperationSpec, status: number, message: string, reason: string | null, extra?: Readonly<Record<string, unknown>>) => ApiResponse;

/** The template of each documented error status of one operation. */
function templatesOf(op: OperationSpec): { byStatus: Map<number, JsonObject>; fallback: JsonObject } {
  const byStatus = new Map<number, JsonObject>();
  for (const [status, response] of op.responses) {
    if (status < 400) continue;
    const example: unknown = response.examples.values().next().value;
    if (typeof example === 'object' && example !== null && !Array.isArray(example)) byStatus.set(status, example as JsonObject);
  }
  const fallback = byStatus.get(500) ?? byStatus.get(403) ?? byStatus.get(400);
  if (!fallback) throw new Error(`Operation ${op.operationId} documents no error response with an example; add a 500 with one to the spec.`);
  return { byStatus, fallback };
}

/** Reads every operation's error templates once; the answer builder fills them in. */
export function readErrorBodies(spec: LoadedSpec): ErrorAnswer {
  const templates = new Map(spec.operations.map((op) => [op.operationId, templatesOf(op)]));
  return (op, status, message, reason, extra) => {
    const entry = templates.get(op.operationId);
    if (!entry) throw new Error(`No operation ${op.operationId} in the spec`);
    const body: JsonObject = { ...(entry.byStatus.get(status) ?? entry.fallback) };
    const field = MESSAGE_FIELDS.find((name) => name in body);
    if (field) body[field] = message;
    if (reason !== null) body.reason = reason;
    else delete body.reason;
    delete body.retryAfter;
    if (extra) Object.assign(body, extra);
    return { status, body };
  };
}
