/** Success responses. */
import type { ApiResponse } from './api.js';

/** A success answer. */
export function success<Body>(status: 200 | 201, body: Body): ApiResponse {
  return { status, body };
}
