/** Success responses, with the log fields every ApiResponse carries (`principal`, `mutated`). */
import type { ApiResponse } from './api.js';

/** A success answer; `principal` is the caller's email or `-`, `mutated` whether the state changed. */
export function success<Body>(status: 200 | 201, body: Body, principal: string, mutated: boolean): ApiResponse {
  return { status, body, principal, mutated };
}
