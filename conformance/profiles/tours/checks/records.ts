/**
 * Records the checks make for themselves, and how each is removed at the end of the run: a role or
 * an invitation by its organization's owner, an API key by the session that made it, a session by
 * signing it out.
 */
import type { OperationSpec } from '../../../../src/contract/index.js';
import { bodyField, type Exchange } from '../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { credentialActor, type Actor } from '../actors.js';
import type { ToursContext } from '../context.js';
import { answer } from '../fixtures.js';
import type { ResolvedPrincipal } from '../principals.js';

/** Signs a principal in afresh (a session the run may end); the session is signed out at the end. Skips the case without a password. */
export async function signIn(ctx: ToursContext, scope: CaseScope, principal: ResolvedPrincipal): Promise<string> {
  if (!principal.email || !principal.password) return scope.skip(`needs ${principal.spec.name}'s email and password to sign in afresh`);
  const exchange = await ctx.call(scope, null, 'signInEmail', { json: { email: principal.email, password: principal.password } });
  const token = bodyField(exchange, 'token');
  if (exchange.response?.status !== 200 || typeof token !== 'string') return scope.skip(`could not sign ${principal.spec.name} in: ${answer(exchange)}`);
  trackSession(ctx, token, principal);
  return token;
}

/** A session the run opened: signed out at the end (a second sign-out of an ended session is harmless). */
export function trackSession(ctx: ToursContext, token: string, principal: ResolvedPrincipal | null): void {
  ctx.secrets.add(token, `a session the run opened${principal ? ` for ${principal.spec.name}` : ''}`);
  ctx.fixtures.track('session', token.slice(0, 8), async (scope) => {
    const exchange = await ctx.call(scope, credentialActor('cleanup', 'a session the run opened', null, { session: token }, principal), 'signOut');
    const status = exchange.response?.status;
    return status === 200 || status === 401 ? null : answer(exchange);
  });
}

/** The owner who removes what was made in an organization: the org's owner principal, by session. */
function ownerOf(ctx: ToursContext, actor: Actor): Actor | undefined {
  const org = actor.principal?.spec.org;
  return org ? ctx.actor(`${org}-owner`) : undefined;
}

/** Tracks what a successful create made, so that the end of the run removes it. */
export async function trackCreated(ctx: ToursContext, op: OperationSpec, actor: Actor, exchange: Exchange): Promise<void> {
  const id = bodyField(exchange, 'id');
  switch (op.operationId) {
    case 'createRole':
      if (typeof id === 'string') trackRemoval(ctx, 'role', id, ownerOf(ctx, actor), 'deleteRole');
      return;
    case 'createInvitation':
      if (typeof id === 'string') trackRemoval(ctx, 'invitation', id, ownerOf(ctx, actor), 'revokeInvitation', [409]);
      return;
    case 'createApiKey':
      if (typeof id === 'string') trackRemoval(ctx, 'API key', id, actor.kind === 'session' ? actor : undefined, 'deleteApiKey');
      return;
    case 'signInEmail': {
      const token = bodyField(exchange, 'token');
      if (typeof token === 'string') trackSession(ctx, token, actor.principal);
      return;
    }
    default:
      return;
  }
}

/** Tracks a record removed by `operationId` as `remover`; a 404 (gone already) and the `alsoFine` statuses count as removed. */
export function trackRemoval(
  ctx: ToursContext,
  kind: 'role' | 'invitation' | 'API key',
  id: string,
  remover: Actor | undefined,
  operationId: string,
  alsoFine: readonly number[] = [],
): void {
  ctx.fixtures.track(kind, id, async (scope) => {
    if (!remover) return 'no principal of its organization may remove it';
    const param = ctx.op(operationId).pathParams[0] as string;
    const exchange = await ctx.call(scope, remover, operationId, { params: { [param]: id } });
    const status = exchange.response?.status ?? 0;
    return status === 200 || status === 404 || alsoFine.includes(status) ? null : answer(exchange);
  });
}
