/**
 * CORS (W4): any origin by default, or a fixed list; `Authorization`, `Content-Type` (and `Prefer`)
 * allowed; preflight answered with 204. Headers go only to requests that carry `Origin`, and every
 * header object is built once.
 */
import type { HeaderMap } from './json-response.js';

/** Request headers a browser may send. `Prefer` is the mock's own (section 8). */
const ALLOWED_HEADERS = 'Authorization, Content-Type, Prefer';
/** Response headers a browser script may read. */
const EXPOSED_HEADERS = 'WWW-Authenticate, Allow, Preference-Applied, X-Mock-Prefer-Error';
const MAX_AGE = '600';

export interface CorsPolicy {
  /** Headers for an actual request, or null when the request has no `Origin`. */
  forRequest(origin: string | undefined): HeaderMap | null;
  /** Headers of a preflight answer for a path serving `allow`. */
  forPreflight(origin: string | undefined, allow: string): HeaderMap;
}

/** `'*'` for any origin, or the exact origins allowed (`https://app.example.com`). */
export type CorsOrigins = '*' | readonly string[];

export function createCorsPolicy(origins: CorsOrigins): CorsPolicy {
  const anyOrigin = origins === '*';
  const byOrigin = new Map<string, HeaderMap>();
  const make = (origin: string): HeaderMap =>
    Object.freeze({
      'access-control-allow-origin': origin,
      'access-control-expose-headers': EXPOSED_HEADERS,
      ...(anyOrigin ? {} : { vary: 'Origin' }),
    });
  const any = make('*');
  if (!anyOrigin) for (const origin of origins) byOrigin.set(origin, make(origin));
  // An origin not on the list gets no allow header, so the browser blocks the answer.
  const refused: HeaderMap = Object.freeze({ vary: 'Origin' });

  const forRequest = (origin: string | undefined): HeaderMap | null => {
    if (origin === undefined) return null;
    return anyOrigin ? any : (byOrigin.get(origin) ?? refused);
  };
  return {
    forRequest,
    forPreflight(origin, allow) {
      return {
        ...forRequest(origin),
        allow,
        'access-control-allow-methods': allow,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': MAX_AGE,
      };
    },
  };
}
