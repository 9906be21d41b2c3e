/**
 * A membership from invitation to removal, with the principal `orgless` as the recipient (TI4, TM1–TM3,
 * TA4): acme-owner invites orgless's email; another user's session is refused (email_mismatch);
 * orgless accepts and is an Acme member with the invited role; a key it makes acts as it; a role
 * change and a suspension apply from its next request, by session and by key; the roles' lifecycle
 * (roles.ts) runs with orgless holding the role; finally acme-owner removes the membership, which
 * leaves orgless with no organization and revokes its keys.
 *
 * The token comes from the invitation's email, the mock's outbox, or on a real backend from the
 * `invitation` given in --config when it was sent to orgless's email (it is used up). Without one,
 * the roles' lifecycle runs with acme-member holding the role instead, restored to `member`.
 *
 * The removal revokes every API key orgless has (TM3), the one it was given with included: on the
 * mock that lasts until its next reset; on a real backend orgless needs a new key for the next run.
 * Lifecycles run last but for the rate limits, which use sessions of their own, so no later group
 * of this run reads that key. A membership the run made is removed at the end of the run should a
 * case stop before its own removal, so that orgless is back with no organization.
 */
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { Actor } from '../../actors.js';
import type { ToursContext } from '../../context.js';
import { trackCreated } from '../records.js';
import { createKey } from './api-keys.js';
import type { SpentTokens } from './invitations.js';
import { expectDeadToken } from './invitations.js';
import { roleLifecycle, type Holder } from './roles.js';
import {
  because,
  expectEqual,
  expectFields,
  expectPermissions,
  expectReason,
  expectThat,
  expectTime,
  findListed,
  patchMember,
  lifecycleCase,
  memberOf,
  need,
  needOutbox,
  outboxToken,
  refused,
  sameEmail,
  send,
  succeeds,
  systemPermissions,
  trackMembership,
  type Json,
} from './shared.js';

const OWNER = 'acme-owner';
const RECIPIENT = 'orgless';
/** The role orgless is invited with. */
const INVITED_ROLE = 'member';
/** A user with no organization and another email: the mismatch is its only fault (TI4). */
const STRANGER = 'superadmin';

interface Invitation {
  readonly token: string;
  /** Null for a token given in --config. */
  readonly id: string | null;
}

interface Joined {
  readonly memberId: string;
  readonly userId: string | null;
  readonly email: string;
  readonly session: Actor;
  /** A key orgless made as a member, to see the changes reach it (TA4) and its revocation (TM3). */
  key: { readonly id: string; readonly actor: Actor } | null;
}

export async function memberLifecycle(ctx: ToursContext, spent: SpentTokens): Promise<void> {
  let invitation: Invitation | null = null;
  let joined: Joined | null = null;
  // Read through a function: the cases assign it, which the compiler's narrowing does not follow.
  const current = (): Joined | null => joined;
  const invited = (name: string, body: (scope: CaseScope, i: Invitation) => Promise<void>): Promise<unknown> =>
    lifecycleCase(ctx, name, async (scope) => body(scope, need(scope, invitation, `no invitation of ${RECIPIENT}'s email with a token to accept`)));
  const member = (name: string, body: (scope: CaseScope, owner: Actor, j: Joined) => Promise<void>): Promise<unknown> =>
    lifecycleCase(ctx, name, async (scope) => body(scope, ctx.need(scope, OWNER), need(scope, joined, `${RECIPIENT} did not become an Acme member`)));

  await lifecycleCase(ctx, `${RECIPIENT}, a user with no organization, is invited (TI1)`, async (scope) => {
    invitation = await inviteRecipient(ctx, scope);
  });
  await invited('an invitation cannot be accepted with the session of another email: email_mismatch (TI4)', async (scope, i) => {
    const stranger = ctx.need(scope, STRANGER);
    const expected = refused(
      'business',
      'TI4',
      'only the user with the invited email may accept',
      403,
      ctx.messages.example('acceptInvitation', 403, 'emailMismatch'),
    );
    const sent = await send(ctx, scope, stranger, 'acceptInvitation', { params: { token: i.token } }, expected);
    expectReason(scope, sent.exchange, ctx.messages.field('acceptInvitation', 403, 'emailMismatch', 'reason') as string, expected);
    if (sent.exchange.response?.status === 200) {
      // A target that let it through: the membership it made goes at the end of the run.
      const owner = ctx.actor(OWNER);
      const made = owner ? await memberOf(ctx, scope, owner, { userId: stranger.principal?.userId ?? null, email: stranger.principal?.email ?? null }) : null;
      if (typeof made?.item?.id === 'string') trackMembership(ctx, owner, made.item.id);
    }
  });
  await invited(`the invited user accepts and becomes a member; the token is used up (TI4)`, async (scope, i) => {
    joined = await accept(ctx, scope, i);
    if (joined) spent.used = i.token;
  });
  await member('the new member is listed with its user, active, in the invited role (TM1, TI4)', async (scope, owner, j) => {
    const listed = await memberOf(ctx, scope, owner, { userId: j.userId, email: j.email });
    if (!listed) return;
    const context = because(
      'business',
      'TM1',
      'a member is {id, userId, organizationId, role, status, user: {id, name, email}, createdAt}; one who accepted holds the invited role, active',
    );
    const acme = ctx.orgId('acme');
    const exchange = listed.exchange;
    if (!expectThat(scope, exchange, listed.item !== null, { ...context, expected: `a member for ${j.email}`, received: 'none' })) return;
    const m = listed.item as Json;
    const user = (m.user ?? {}) as Json;
    expectFields(
      scope,
      exchange,
      m,
      { id: j.memberId, status: 'active', role: INVITED_ROLE, ...(acme ? { organizationId: acme } : {}), ...(j.userId ? { userId: j.userId } : {}) },
      context,
    );
    expectEqual(scope, exchange, 'user.id', user.id, m.userId, context);
    expectThat(scope, exchange, sameEmail(user.email, j.email), {
      ...context,
      expected: `user.email ${j.email}`,
      received: `user.email ${JSON.stringify(user.email)}`,
    });
    expectThat(scope, exchange, typeof user.name === 'string', { ...context, expected: 'user.name a string', received: `user.name ${typeof user.name}` });
    expectTime(scope, exchange, 'createdAt', m.createdAt, context);
    const me = await send(
      ctx,
      scope,
      j.session,
      'getCurrentOrganization',
      {},
      succeeds(ctx, 'getCurrentOrganization', 'TI4', 'the new member reads its organization'),
    );
    if (me.ok && acme)
      expectEqual(scope, me.exchange, 'id', me.body.id, acme, because('business', 'TI4', 'the member belongs to the organization that invited it'));
    await expectPermissions(ctx, scope, j.session, INVITED_ROLE, systemPermissions(ctx, INVITED_ROLE), 'TI4', 'the member holds the invited role');
  });
  await member('a key the member makes acts as the member (TA4)', async (scope, _owner, j) => {
    const made = await createKey(ctx, scope, j.session, 'member-key');
    if (!made) return;
    j.key = { id: made.id, actor: made.actor };
    await expectPermissions(
      ctx,
      scope,
      made.actor,
      INVITED_ROLE,
      systemPermissions(ctx, INVITED_ROLE),
      'TA4',
      "the key acts with its user's membership and role",
    );
  });
  await member("a role change applies from the member's next request, by session and by key (TM2, TA4)", async (scope, owner, j) => {
    const changed = await patchMember(ctx, scope, owner, j.memberId, { role: 'coordinator' }, 'TM2', 'a member is given another role');
    if (!changed) return;
    const held = systemPermissions(ctx, 'coordinator');
    await expectPermissions(ctx, scope, j.session, 'coordinator', held, 'TM2', 'the new role holds from the next request');
    if (j.key) await expectPermissions(ctx, scope, j.key.actor, 'coordinator', held, 'TA4', "a key acts with its user's role as it is at each request");
    await patchMember(ctx, scope, owner, j.memberId, { role: INVITED_ROLE }, 'TM2', 'the member gets its invited role back');
  });
  await member('a suspended member is refused on organization routes until reactivated (TM2, TM1, TA4)', async (scope, owner, j) => {
    const suspended = await patchMember(ctx, scope, owner, j.memberId, { status: 'suspended' }, 'TM2', 'a member is suspended');
    if (!suspended) return;
    const refusal = need(scope, ctx.model.membership?.suspended, 'the spec gives no answer for a suspended member');
    const expected = refused('role', 'TM1', 'a suspended member gets nothing of its organization', 403, refusal.message);
    for (const actor of [j.session, j.key?.actor].filter((a): a is Actor => a !== undefined)) {
      const sent = await send(ctx, scope, actor, 'getCurrentOrganization', {}, expected);
      expectReason(scope, sent.exchange, refusal.reason, expected);
    }
    const back = await patchMember(ctx, scope, owner, j.memberId, { status: 'active' }, 'TM2', 'a suspended member is made active again');
    if (back)
      await send(ctx, scope, j.session, 'getCurrentOrganization', {}, succeeds(ctx, 'getCurrentOrganization', 'TM2', 'a member made active again is let in'));
  });

  const now = current();
  const holder: Holder | null = now ? holderOf(now, INVITED_ROLE) : null;
  await roleLifecycle(ctx, holder ?? (await fallbackHolder(ctx)));

  await member('removing a member leaves the user with no organization and revokes their keys (TM3)', async (scope, owner, j) => {
    const removed = await send(
      ctx,
      scope,
      owner,
      'removeMember',
      { params: { memberId: j.memberId } },
      succeeds(ctx, 'removeMember', 'TM3', 'a member is removed'),
    );
    if (!removed.ok) return;
    ctx.fixtures.forget('membership', j.memberId);
    joined = null;
    expectEqual(scope, removed.exchange, 'the body', removed.body, { success: true }, because('business', 'TM3', 'removal answers {success: true}'));
    const none = need(scope, ctx.model.membership?.none, 'the spec gives no answer for a user with no organization');
    const orgless = refused('role', 'TM3', 'a removed member has no organization (TM1)', 403, none.message);
    expectReason(scope, (await send(ctx, scope, j.session, 'getCurrentOrganization', {}, orgless)).exchange, none.reason, orgless);
    const revoked = ctx.messages.component('Unauthorized', 'revokedKey');
    if (j.key) {
      await send(ctx, scope, j.key.actor, 'getCurrentOrganization', {}, refused('auth', 'TM3', "a removed member's keys are revoked (TA3)", 401, revoked));
      const read = await send(
        ctx,
        scope,
        j.session,
        'getApiKey',
        { params: { id: j.key.id } },
        succeeds(ctx, 'getApiKey', 'TM3', 'the user keeps its keys, revoked'),
      );
      if (read.ok)
        expectEqual(scope, read.exchange, 'status', read.body.status, 'revoked', because('business', 'TM3', "a removed member's keys read revoked (TA6)"));
    }
    const given = ctx.actor(RECIPIENT, 'apiKey');
    if (given)
      await send(
        ctx,
        scope,
        given,
        'getCurrentOrganization',
        {},
        refused('auth', 'TM3', 'every key of a removed member is revoked, one made before the membership too (TA6)', 401, revoked),
      );
    const session = await send(ctx, scope, j.session, 'getSession', {}, succeeds(ctx, 'getSession', 'TM3', 'the user stays, signed in'));
    if (session.ok && j.userId)
      expectEqual(
        scope,
        session.exchange,
        'user.id',
        (session.body.user as Json | undefined)?.id,
        j.userId,
        because('business', 'TM3', 'removal ends the membership and leaves the user in place'),
      );
    await send(
      ctx,
      scope,
      owner,
      'removeMember',
      { params: { memberId: j.memberId } },
      refused('business', 'TM3', 'a removed member is no member: a second removal is a 404', 404, ctx.messages.component('MemberNotFound')),
    );
  });
}

/** The invitation orgless will accept: made now and read from the mock's outbox, or the one given in --config for orgless's email. */
async function inviteRecipient(ctx: ToursContext, scope: CaseScope): Promise<Invitation | null> {
  const recipient = ctx.principal(RECIPIENT);
  const email = need(scope, recipient?.email, `needs ${RECIPIENT}'s email`);
  ctx.need(scope, RECIPIENT);
  const given = ctx.principals.extras.invitation;
  if (!ctx.principals.mockControlPlane && given && sameEmail(given.email, email)) return { token: given.token, id: null };
  needOutbox(ctx, scope, `; or give a pending invitation of ${RECIPIENT}'s email as "invitation" in --config`);
  const owner = ctx.need(scope, OWNER);
  const created = await send(
    ctx,
    scope,
    owner,
    'createInvitation',
    { json: { email, role: INVITED_ROLE } },
    succeeds(ctx, 'createInvitation', 'TI1', 'a user with no organization may be invited'),
  );
  if (created.exchange.response && created.exchange.response.status < 300) await trackCreated(ctx, ctx.op('createInvitation'), owner, created.exchange);
  const id = created.body.id;
  if (!created.ok || typeof id !== 'string') return null;
  const mail = await outboxToken(ctx, scope, id);
  return mail ? { token: mail.token, id } : null;
}

async function accept(ctx: ToursContext, scope: CaseScope, i: Invitation): Promise<Joined | null> {
  const session = ctx.need(scope, RECIPIENT);
  const recipient = session.principal;
  const email = need(scope, recipient?.email, `needs ${RECIPIENT}'s email`);
  const accepted = await send(
    ctx,
    scope,
    session,
    'acceptInvitation',
    { params: { token: i.token } },
    succeeds(ctx, 'acceptInvitation', 'TI4', 'the invited user accepts with their session'),
  );
  if (!accepted.ok) return null;
  const acme = ctx.orgId('acme');
  expectEqual(
    scope,
    accepted.exchange,
    'the body',
    accepted.body,
    { success: true, organizationId: acme ?? accepted.body.organizationId },
    because('business', 'TI4', "accepting answers {success: true, organizationId} with the inviting organization's id"),
  );
  const owner = ctx.need(scope, OWNER);
  const m = (await memberOf(ctx, scope, owner, { userId: recipient?.userId ?? null, email }))?.item;
  const memberId = m?.id;
  if (typeof memberId === 'string') trackMembership(ctx, owner, memberId);
  const notFound = ctx.messages.example('acceptInvitation', 404, 'notFound');
  await send(
    ctx,
    scope,
    session,
    'acceptInvitation',
    { params: { token: i.token } },
    refused('business', 'TI4', 'an accepted token is used up: a 404, before any other rule', 404, notFound),
  );
  await expectDeadToken(ctx, scope, i.token, 'TI4', 'a used token no longer shows the invitation (TI3)');
  if (i.id) {
    const listed = await findListed(
      ctx,
      scope,
      owner,
      'listInvitations',
      (x) => x.id === i.id,
      succeeds(ctx, 'listInvitations', 'TI4', `${OWNER} lists the invitations`),
    );
    if (listed)
      expectEqual(
        scope,
        listed.exchange,
        `status of invitation ${i.id}`,
        listed.item?.status,
        'accepted',
        because('business', 'TI4', 'an accepted invitation reads accepted (TI1)'),
      );
  }
  if (typeof memberId !== 'string') {
    scope.fail({
      type: 'state',
      kind: 'business',
      reason: 'TI4: the user who accepts becomes a member of the organization',
      expected: `a member for ${email} in ${OWNER}'s list`,
      received: 'none',
      operation: 'listMembers',
      principal: owner.name,
      request: null,
      exchangeId: null,
    });
    return null;
  }
  return { memberId, userId: recipient?.userId ?? (typeof m?.userId === 'string' ? m.userId : null), email, session, key: null };
}

function holderOf(j: Joined, role: string): Holder {
  return { name: `${RECIPIENT} (an Acme member now)`, memberId: j.memberId, userId: j.userId, email: j.email, session: j.session, role, mayRemoveSelf: true };
}

/** Without orgless as a member, acme-member holds the role for a while; it gets `member` back. */
async function fallbackHolder(ctx: ToursContext): Promise<Holder | null> {
  const session = ctx.actor('acme-member');
  const p = session?.principal;
  if (!session || !p) return null;
  let memberId = p.memberId;
  if (!memberId) {
    const owner = ctx.actor(OWNER);
    if (!owner) return null;
    let found = false;
    await lifecycleCase(
      ctx,
      "acme-member's membership is found for the roles' lifecycle (TM1)",
      async (scope) => {
        const m = (await memberOf(ctx, scope, owner, { userId: p.userId, email: p.email }))?.item;
        if (typeof m?.id === 'string') memberId = m.id;
        found = memberId !== null;
      },
      false,
    );
    if (!found) return null;
  }
  if (!memberId) return null;
  return { name: 'acme-member', memberId, userId: p.userId, email: p.email ?? '', session, role: 'member', mayRemoveSelf: false };
}
