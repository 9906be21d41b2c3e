/**
 * better-auth's session routes (TA1, TA2): sign in with email and password, sign out, get the session.
 * Sign-out and get-session serve a request without a session too (`x-access.optional`).
 */
import { sessionCookie, signIn, signOut as endSession } from '../credentials.js';
import type { Schemas } from '../records.js';
import { SUCCESS, checkFields, fail, failed, objectBody, ok, type OperationContext, type Result } from './context.js';

/** TA2: 200 `{token, user}` with the session cookie, or one 401 for an unknown email and a wrong password alike. */
export function signInEmail(ctx: OperationContext): Result<Schemas['SignInResponse']> {
  const body = objectBody(ctx.body);
  if (failed(body)) return body;
  const shape = checkFields(body, { email: { type: 'string', required: true }, password: { type: 'string', required: true } });
  if (shape) return shape;
  const result = signIn(ctx.store, ctx.clock, body.email as string, body.password as string);
  if (!result.ok) return fail(401, result.error);
  const { user } = result;
  return {
    status: 200,
    body: { token: result.token, user: { id: user.id, email: user.email, name: user.name } },
    headers: { 'Set-Cookie': sessionCookie(result.token) },
  };
}

/** TA2: ends the caller's session; without one, nothing to end and the same 200. */
export function signOut(ctx: OperationContext): Result<Schemas['Success']> {
  const caller = ctx.caller;
  if (caller?.credential === 'session') endSession(ctx.store, caller.credentialId);
  return ok(SUCCESS);
}

/** TA2: `{session, user}`, or `null` without a session. */
export function getSession(ctx: OperationContext): Result<Schemas['GetSessionResponse']> {
  const caller = ctx.caller;
  if (caller?.credential !== 'session') return ok(null);
  const session = ctx.store.sessions.get(caller.credentialId);
  const user = ctx.store.users.get(caller.userId);
  if (!session || !user) return ok(null);
  return ok({ session: { id: session.id, userId: session.userId, expiresAt: session.expiresAt }, user: { id: user.id, email: user.email, name: user.name } });
}
