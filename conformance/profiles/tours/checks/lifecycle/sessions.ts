/**
 * A session from sign-in to sign-out (TA2): sign-in answers the token and the user, get-session
 * shows the session for 7 days, sign-out ends it, and the ended cookie is refused while no cookie
 * at all reads `null`. The cookie's attributes and the refusals of other credentials are the
 * credentials group's; this is the lifecycle of one session.
 */
import { credentialActor } from '../../actors.js';
import type { ToursContext } from '../../context.js';
import { PRINCIPAL_NAMES, type ResolvedPrincipal } from '../../principals.js';
import { trackSession } from '../records.js';
import {
  because,
  expectEqual,
  expectSpan,
  expectThat,
  expectTime,
  lifecycleCase,
  need,
  refused,
  send,
  serverTime,
  SEVEN_DAYS_MS,
  succeeds,
  type Json,
} from './shared.js';

/** A principal the run can sign in with: acme-member first (its sessions matter least), else any with a password. */
function withPassword(ctx: ToursContext): ResolvedPrincipal | null {
  for (const name of ['acme-member', ...PRINCIPAL_NAMES]) {
    const p = ctx.principal(name);
    if (p?.email && p.password) return p;
  }
  return null;
}

export async function sessionLifecycle(ctx: ToursContext): Promise<void> {
  await lifecycleCase(ctx, 'a session lives from sign-in, 7 days, until sign-out; the ended cookie is refused (TA2)', async (scope) => {
    const p = need(scope, withPassword(ctx), 'needs a principal given with its email and password');
    const email = p.email as string;
    const signIn = await send(
      ctx,
      scope,
      null,
      'signInEmail',
      { json: { email, password: p.password } },
      succeeds(ctx, 'signInEmail', 'TA2', 'the right email and password sign in'),
    );
    const token = signIn.body.token;
    if (typeof token === 'string') trackSession(ctx, token, p);
    if (!signIn.ok || typeof token !== 'string' || token === '') return;
    const signedIn = because('business', 'TA2', 'sign-in answers {token, user: {id, email, name}} for the user who signed in');
    const user = (signIn.body.user ?? {}) as Json;
    expectEqual(scope, signIn.exchange, 'user.email', typeof user.email === 'string' ? user.email.toLowerCase() : user.email, email.toLowerCase(), signedIn);
    if (p.userId) expectEqual(scope, signIn.exchange, 'user.id', user.id, p.userId, signedIn);
    expectThat(scope, signIn.exchange, typeof user.name === 'string', {
      ...signedIn,
      expected: 'user.name a string',
      received: `user.name ${typeof user.name}`,
    });

    const session = credentialActor(`${p.spec.name} (new session)`, `${p.spec.description}, signed in afresh`, null, { session: token }, p);
    const got = await send(ctx, scope, session, 'getSession', {}, succeeds(ctx, 'getSession', 'TA2', 'a live session reads as itself'));
    if (got.ok) {
      const shows = because('business', 'TA2', 'get-session answers {session: {id, userId, expiresAt}, user} for the live session, which lasts 7 days');
      const s = (got.body.session ?? {}) as Json;
      expectEqual(scope, got.exchange, 'session.userId', s.userId, user.id, shows);
      expectEqual(scope, got.exchange, 'user', got.body.user, user, shows);
      expectThat(scope, got.exchange, typeof s.id === 'string' && s.id !== '', {
        ...shows,
        expected: 'session.id a string',
        received: `session.id ${JSON.stringify(s.id)}`,
      });
      const expiresAt = expectTime(scope, got.exchange, 'session.expiresAt', s.expiresAt, shows);
      // The backend's own clock at sign-in (its Date header), so that a clock set apart does not count.
      const at = serverTime(signIn.exchange) ?? Date.now();
      if (expiresAt !== null)
        expectSpan(scope, got.exchange, 'session.expiresAt - sign-in', at, expiresAt, SEVEN_DAYS_MS, {
          ...shows,
          reason: `${shows.reason} (Date header of the sign-in, to the second)`,
        });
    }

    const out = await send(ctx, scope, session, 'signOut', {}, succeeds(ctx, 'signOut', 'TA2', 'sign-out ends the session'));
    if (!out.ok) return;
    expectEqual(scope, out.exchange, 'the body', out.body, { success: true }, because('business', 'TA2', 'sign-out answers {success: true}'));
    await send(
      ctx,
      scope,
      session,
      'getSession',
      {},
      refused('auth', 'TA2', 'an ended session is no session: its cookie is refused (TA3)', 401, ctx.messages.component('Unauthorized', 'invalidSession')),
    );
    const none = await send(ctx, scope, null, 'getSession', {}, succeeds(ctx, 'getSession', 'TA2', 'get-session without a session answers'));
    if (none.ok)
      expectEqual(
        scope,
        none.exchange,
        'the body',
        none.exchange.response?.json,
        null,
        because('business', 'TA2', 'get-session answers 200 null when there is no session'),
      );
  });
}
