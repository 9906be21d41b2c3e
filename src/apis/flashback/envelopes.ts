/**
 * A2: the one 401 of every authenticated Flashback operation, read from the spec's shared
 * `Unauthorized` response (its example body and its `WWW-Authenticate: Bearer` header). Every other
 * error body is built by the engine from each operation's documented examples (src/engine/error-bodies.ts).
 */
import type { LoadedSpec } from '../../contract/index.js';
import type { ApiResponse } from '../../engine/api.js';

/** RFC 9110: a 401 names the scheme that would work (A2). */
export const CHALLENGE = Object.freeze({ 'WWW-Authenticate': 'Bearer' });

export function unauthorizedAnswer(spec: LoadedSpec): () => ApiResponse {
  const body = Object.freeze(spec.componentResponse('Unauthorized').examples.values().next().value as object);
  return () => ({ status: 401, body, headers: CHALLENGE });
}
