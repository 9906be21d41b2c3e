/**
 * A1, A2, R8: from an `Authorization` header to the calling user, or null (a 401).
 *
 * The token only says who the caller is. Whether they still exist, are not deleted, and hold the
 * token epoch the token was issued in is read from the store on every request, as are their role
 * and organization (the handlers read the returned record, never the token).
 */
import type { MockStore } from './store.js';
import type { AccessClaims, TokenService } from './tokens.js';
import type { UserRecord } from './records.js';

/** Three base64url segments; the signature may not be empty (an unsigned token is never accepted). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A1: `Bearer <token>`, the scheme word in any letter case, the token as sent. Null for anything else. */
export function bearerToken(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  const match = /^\s*bearer +(\S+)\s*$/i.exec(authorization);
  const token = match?.[1];
  return token !== undefined && JWT_SHAPE.test(token) ? token : null;
}

export type Caller = UserRecord | null;

/** The caller, or null; synchronous when the token was verified before (see TokenService). */
export function authenticateCaller(authorization: string | undefined, tokens: TokenService, store: () => MockStore): Caller | Promise<Caller> {
  const token = bearerToken(authorization);
  if (token === null) return null;
  const claims = tokens.verifyAccess(token);
  if (claims instanceof Promise) return claims.then((c) => currentUser(c, store()));
  return currentUser(claims, store());
}

function currentUser(claims: AccessClaims | null, store: MockStore): Caller {
  if (!claims) return null;
  const user = store.user(claims.userId);
  if (!user || user.deletedAt !== null || user.tokenEpoch !== claims.epoch) return null;
  return user;
}
