/**
 * CORS: any origin by default, or a fixed list; preflight answered with 204. An API whose browser
 * apps send a session cookie (`credentials: 'include'`, Tours & Events section 9) gets the request's
 * own origin back with `Access-Control-Allow-Credentials: true`, since `*` cannot carry credentials;
 * so does any origin on a configured list (`--cors-origin`), for every API; otherwise (Flashback W4)
 * any origin is `*`. The request headers a preflight asks for are allowed
 * beside the usual ones (a tracing header, `X-Request-Id`, ...). Headers go only to requests that
 * carry `Origin`, and every header object that can be is built once.
 */
import type { HeaderMap } from './json-response.js';

/** Request headers always allowed. `Prefer` is the mock's own (`docs/decisions/flashback.md`, section 8). */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Prefer'];
/** Response headers a browser script may read. */
const EXPOSED_HEADERS =
  'WWW-Authenticate, Allow, Preference-Applied, X-Mock-Prefer-Error, X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset';
const MAX_AGE = '600';
/** A header name (RFC 9110 token characters); a preflight asking for anything else gets only the usual list. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

export interface CorsPolicy {
  /** Headers for an actual request, or null when the request has no `Origin`. */
  forRequest(origin: string | undefined): HeaderMap | null;
  /** Headers of a preflight answer for a path serving `allow`; `requested` is its `Access-Control-Request-Headers`. */
  forPreflight(origin: string | undefined, allow: string, requested?: string): HeaderMap;
  /** Whether a request from this origin is allowed (no `Origin` counts as allowed: not a browser's cross-origin call). */
  allows(origin: string | undefined): boolean;
}

/** `'*'` for any origin, or the exact origins allowed (`https://app.example.com`). */
export type CorsOrigins = '*' | readonly string[];

/** The allowed request headers: the usual ones, and those the preflight asks for. */
function allowedHeaders(requested: string | undefined): string {
  if (!requested) return ALLOWED_HEADERS.join(', ');
  const names = requested
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (names.length > 32 || !names.every((h) => HEADER_NAME.test(h))) return ALLOWED_HEADERS.join(', ');
  const known = new Set(ALLOWED_HEADERS.map((h) => h.toLowerCase()));
  return [...ALLOWED_HEADERS, ...names.filter((h) => !known.has(h.toLowerCase()))].join(', ');
}

export function createCorsPolicy(origins: CorsOrigins, apiCredentials = false): CorsPolicy {
  const anyOrigin = origins === '*';
  // Configured origins are trusted ones: they get credentials (axios `withCredentials`) for every API.
  const credentials = apiCredentials || !anyOrigin;
  const listed = new Set(anyOrigin ? [] : origins);
  const byOrigin = new Map<string, HeaderMap>();
  const make = (origin: string): HeaderMap =>
    Object.freeze({
      'access-control-allow-origin': origin,
      'access-control-expose-headers': EXPOSED_HEADERS,
      ...(credentials ? { 'access-control-allow-credentials': 'true' } : {}),
      ...(anyOrigin && !credentials ? {} : { vary: 'Origin' }),
    });
  const any = make('*');
  // An origin not on the list gets no allow header, so the browser blocks the answer.
  const refused: HeaderMap = Object.freeze({ vary: 'Origin' });
  const allows = (origin: string | undefined): boolean => origin === undefined || anyOrigin || listed.has(origin);

  const forRequest = (origin: string | undefined): HeaderMap | null => {
    if (origin === undefined) return null;
    if (!allows(origin)) return refused;
    if (anyOrigin && !credentials) return any;
    let headers = byOrigin.get(origin);
    // Any origin with credentials echoes each one; the cache is bounded by the listed origins, or kept small.
    if (!headers) {
      headers = make(origin);
      if (!anyOrigin || byOrigin.size < 256) byOrigin.set(origin, headers);
    }
    return headers;
  };
  return {
    forRequest,
    allows,
    forPreflight(origin, allow, requested) {
      return {
        ...forRequest(origin),
        allow,
        'access-control-allow-methods': allow,
        'access-control-allow-headers': allowedHeaders(requested),
        'access-control-max-age': MAX_AGE,
      };
    },
  };
}
