/** Success responses, with the log fields every ApiResponse carries (`principal`, `mutated`). */
import type { ApiResponse } from './api.js';

/** A success answer; `principal` is the caller's email or `-`, `mutated` whether the state changed. */
export function success<Body>(status: 200 | 201, body: Body, principal: string, mutated: boolean): ApiResponse {
  return { status, body, principal, mutated };
}

/**
 * The JSON text of a response body built from one stored record, kept as long as that record lives.
 * Records and views are frozen and replaced on every change (store.ts), so the record's identity is
 * the cache key and no invalidation is needed; a read then costs no JSON.stringify.
 */
const serialised = new WeakMap<object, string>();

export function cachedJson(record: object, body: () => unknown): string {
  let text = serialised.get(record);
  if (text === undefined) {
    text = JSON.stringify(body());
    serialised.set(record, text);
  }
  return text;
}
