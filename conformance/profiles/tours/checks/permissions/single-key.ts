/**
 * One-permission roles: for each key of the catalogue (TR1), Acme's owner creates a role holding that
 * key alone and gives it to acme-member, who then meets every gated organization operation, with a
 * session and with an API key both made before the change. Exactly the operations whose
 * `x-access.gate.permission` is that key open; every other answers its gate's 403 (a role gate too:
 * `Role: Admin` looks at the role's name, not at its permissions). The permission map says the same
 * (TR7). The role cannot be deleted while acme-member holds it (TR6). Then acme-member is `member`
 * again and the key's next request is refused again (TA4), and the role is deleted. Both undo steps are tracked, so a case that stops half-way leaves nothing behind.
 *
 * Which operations a key opens is read from the spec for each key, never listed here.
 */
import { byRule } from '../../../../kernel/expected.js';
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { ToursContext } from '../../context.js';
import { permissionsOf } from '../../expectations.js';
import {
  catalogue,
  checkPermissionMap,
  createRole,
  deleteRole,
  freshKey,
  freshSession,
  FreshSessions,
  gateProbes,
  memberIdOf,
  probeAll,
  runCase,
  trackMembership,
  updateMember,
  type Holder,
} from './shared.js';

/** The principal whose role the cases change for a while: a member with no permission of its own. */
const SUBJECT = 'acme-member';
const OWNER = 'acme-owner';

export async function runSingleKeyRoles(ctx: ToursContext): Promise<void> {
  const sessions = new FreshSessions(ctx);
  for (const key of catalogue(ctx)) {
    await runCase(
      ctx,
      `a role holding only ${key} opens exactly the operations ${key} gates, by session and by a key made before the change, and cannot be deleted while held (TR1, TR4, TR6, TR7, TA4)`,
      true,
      (scope) => singleKey(ctx, scope, sessions, key),
    );
  }
}

async function singleKey(ctx: ToursContext, scope: CaseScope, sessions: FreshSessions, key: string): Promise<void> {
  const subject = ctx.principal(SUBJECT) ?? scope.skip(ctx.missingReason(SUBJECT));
  const original = subject.spec.role ?? scope.skip(`${SUBJECT} has no role in the catalogue`);
  const owner = await sessions.get(scope, OWNER);
  // Made while acme-member is still `member`: they must act with the role of each request (TA4).
  const session = await freshSession(ctx, scope, SUBJECT);
  const apiKey = await freshKey(ctx, scope, session);
  const memberId = await memberIdOf(ctx, scope, SUBJECT, owner);

  const name = ctx.fixtures.name(key);
  const roleId = await createRole(ctx, scope, owner, { name, description: `Holds ${key} only`, permissions: [key] }, owner, 'TR4');
  if (!roleId) return;
  const restore = trackMembership(ctx, SUBJECT, memberId, owner, { role: original });
  if (!(await updateMember(ctx, scope, owner, memberId, { role: name }, 'TM2'))) return;

  const holder: Holder = { role: name, permissions: new Set([key]) };
  const probes = gateProbes(ctx);
  for (const actor of [session, apiKey]) {
    const who = `${SUBJECT} holding the role ${name} (only ${key}), ${actor.kind === 'apiKey' ? 'with a key made before the change (TA4)' : 'signed in before the change'}`;
    await checkPermissionMap(ctx, scope, actor, holder, 'TR7', who);
    await probeAll(ctx, scope, actor, probes, holder, 'TR4', who);
  }

  // TR6: an organization role a member holds cannot be deleted (this one shadows nothing).
  const held = await ctx.call(scope, owner, 'deleteRole', { params: { [ctx.op('deleteRole').pathParams[0] as string]: roleId } });
  ctx.expect(scope, held, byRule('business', 'TR6', `${SUBJECT} still holds ${name}`, 409, ctx.messages.example('deleteRole', 409, 'assigned')));

  if (!(await updateMember(ctx, scope, owner, memberId, { role: original }, 'TM2'))) return;
  restore.done();
  // The change back applies from the next request too (TA4): what the key opened is closed again.
  const back: Holder = { role: original, permissions: permissionsOf(ctx.model, subject.spec) };
  const opened = probes.filter((p) => p.op.access.gate?.kind === 'permission' && p.op.access.gate.permission === key);
  for (const actor of [session, apiKey]) {
    await probeAll(
      ctx,
      scope,
      actor,
      opened,
      back,
      'TA4',
      `${SUBJECT}, ${original} again, ${actor.kind === 'apiKey' ? 'with the same key' : 'in the same session'}`,
    );
  }
  if (held.response && held.response.status < 300) ctx.fixtures.forget('role', roleId);
  else await deleteRole(ctx, scope, owner, roleId, 'TR6');
}
