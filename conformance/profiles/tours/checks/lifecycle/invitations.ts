/**
 * One invitation from the organization's side (TI1–TI3), sent by acme-admin to a fresh email of the
 * run: created pending for 7 days with no token in the answer, listed, refused twice (the same email
 * again, a member's email), its token read from the email (the mock's outbox) and shown by the
 * public lookup, resent with a new token and a later expiry while the old token stops working, then
 * revoked for good. Then the recipient's refusal for a user who already has an organization (TI4),
 * and, once the members' lifecycle has used a token up, one identical 404 for every dead token (TI3).
 *
 * The token travels only by email (TI1), so the steps that need it run where the target has the
 * mock's outbox and are skipped, saying so, elsewhere.
 */
import { randomBytes } from 'node:crypto';
import type { Exchange } from '../../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { Actor } from '../../actors.js';
import type { ToursContext } from '../../context.js';
import { trackCreated } from '../records.js';
import {
  because,
  expectEqual,
  expectFields,
  expectNoToken,
  expectSpan,
  expectThat,
  expectTime,
  findListed,
  lifecycleCase,
  memberOf,
  need,
  needOutbox,
  outboxToken,
  refused,
  send,
  serverTime,
  SEVEN_DAYS_MS,
  succeeds,
  trackMembership,
  type Json,
} from './shared.js';

/** The tokens that no longer open an invitation, as the lifecycles spend them (TI3). */
export interface SpentTokens {
  /** Replaced by a resend (TI2). */
  replaced: string | null;
  /** Of a revoked invitation (TI2). */
  revoked: string | null;
  /** Used up by an accept (TI4). */
  used: string | null;
}

const INVITER = 'acme-admin';

interface Invited {
  readonly id: string;
  readonly email: string;
  record: Json;
  created: Exchange;
  token: string | null;
}

export async function invitationLifecycle(ctx: ToursContext, spent: SpentTokens): Promise<void> {
  let invited: Invited | null = null;
  const step = (name: string, body: (scope: CaseScope, inviter: Actor, i: Invited) => Promise<void>): Promise<unknown> =>
    lifecycleCase(ctx, name, async (scope) =>
      body(scope, ctx.need(scope, INVITER), need(scope, invited, 'the invitation of this lifecycle could not be created')),
    );
  const withToken = (name: string, body: (scope: CaseScope, inviter: Actor, i: Invited, token: string) => Promise<void>): Promise<unknown> =>
    step(name, async (scope, inviter, i) => {
      needOutbox(ctx, scope);
      await body(scope, inviter, i, need(scope, i.token, "the invitation's token could not be read from its email"));
    });

  await lifecycleCase(ctx, 'an invitation is created pending for 7 days, with no token in the answer (TI1)', async (scope) => {
    const inviter = ctx.need(scope, INVITER);
    const email = ctx.fixtures.email('x');
    const created = await send(
      ctx,
      scope,
      inviter,
      'createInvitation',
      { json: { email, role: 'member' } },
      succeeds(ctx, 'createInvitation', 'TI1', `${INVITER} invites a new email`),
    );
    if (created.exchange.response && created.exchange.response.status < 300) await trackCreated(ctx, ctx.op('createInvitation'), inviter, created.exchange);
    const id = created.body.id;
    if (!created.ok || typeof id !== 'string') return;
    expectInvitation(scope, created.exchange, created.body, { email, role: 'member', status: 'pending', inviterId: inviter.principal?.userId ?? undefined });
    expectNoToken(scope, created.exchange, created.body, null);
    invited = { id, email, record: created.body, created: created.exchange, token: null };
  });
  await step('the new invitation is listed as created (TI1)', async (scope, inviter, i) => {
    const listed = await findListed(
      ctx,
      scope,
      inviter,
      'listInvitations',
      (x) => x.id === i.id,
      succeeds(ctx, 'listInvitations', 'TI1', `${INVITER} lists the invitations`),
    );
    if (!listed) return;
    const context = because('business', 'TI1', 'the list holds every invitation of the organization, the new one as the create answered it');
    if (
      !expectThat(scope, listed.exchange, listed.item !== null, {
        ...context,
        expected: `invitation ${i.id} in the list`,
        received: `${listed.items.length} invitations without it`,
      })
    )
      return;
    expectEqual(scope, listed.exchange, 'the invitation', listed.item, i.record, context);
  });
  await step('an email with a pending invitation, or of a member, cannot be invited again (TI1)', async (scope, inviter, i) => {
    const duplicate = ctx.messages.example('createInvitation', 409, 'duplicate');
    const member = need(scope, ctx.principal('acme-member')?.email, "needs acme-member's email");
    for (const [email, says] of [
      [i.email, 'the email already has a pending invitation here'],
      [member, 'the email is already a member of this organization'],
    ] as const) {
      const again = await send(
        ctx,
        scope,
        inviter,
        'createInvitation',
        { json: { email, role: 'member' } },
        refused('business', 'TI1', `${says}: a 409`, 409, duplicate),
      );
      if (again.exchange.response && again.exchange.response.status < 300) await trackCreated(ctx, ctx.op('createInvitation'), inviter, again.exchange);
    }
  });
  await step('the email carries a token whose public lookup shows the invitation (TI1, TI3)', async (scope, inviter, i) => {
    const mail = await outboxToken(ctx, scope, i.id);
    if (!mail) return;
    i.token = mail.token;
    expectNoToken(scope, i.created, i.record, mail.token);
    await expectPublicView(ctx, scope, inviter, mail.token, i.record);
  });
  await withToken('resend gives a new token and a later expiry; the old token stops working (TI2)', async (scope, inviter, i, old) => {
    const resent = await send(
      ctx,
      scope,
      inviter,
      'resendInvitation',
      { params: { id: i.id } },
      succeeds(ctx, 'resendInvitation', 'TI2', 'a pending invitation is resent'),
    );
    if (!resent.ok) return;
    const context = because('business', 'TI2', 'resend answers the invitation, still pending, expiring 7 days from the resend');
    expectFields(scope, resent.exchange, resent.body, { ...pickKeys(i.record, ['id', 'email', 'role', 'inviterId', 'createdAt']), status: 'pending' }, context);
    expectNoToken(scope, resent.exchange, resent.body, old);
    const before = Date.parse(String(i.record.expiresAt));
    const after = expectTime(scope, resent.exchange, 'expiresAt', resent.body.expiresAt, context);
    if (after !== null) {
      expectThat(scope, resent.exchange, after > before, {
        ...context,
        expected: `expiresAt after ${String(i.record.expiresAt)}`,
        received: `expiresAt ${String(resent.body.expiresAt)}`,
      });
      const at = serverTime(resent.exchange);
      if (at !== null) expectSpan(scope, resent.exchange, 'expiresAt - the resend (its Date header)', at, after, SEVEN_DAYS_MS, context);
    }
    i.record = resent.body;
    const mail = await outboxToken(ctx, scope, i.id);
    if (!mail) return;
    const fresh = because('business', 'TI2', 'a resend sends a new token, which replaces the old one');
    if (!expectThat(scope, mail.exchange, mail.token !== old, { ...fresh, expected: 'a new token in the latest email', received: 'the old token again' }))
      return;
    i.token = mail.token;
    spent.replaced = old;
    await expectDeadToken(ctx, scope, old, 'TI2', 'the token a resend replaced stops working');
    await expectPublicView(ctx, scope, inviter, mail.token, i.record);
  });
  await step('a revoked invitation is no longer pending: revoke and resend are 409s (TI2)', async (scope, inviter, i) => {
    const revoked = await send(
      ctx,
      scope,
      inviter,
      'revokeInvitation',
      { params: { id: i.id } },
      succeeds(ctx, 'revokeInvitation', 'TI2', 'a pending invitation is revoked'),
    );
    if (!revoked.ok) return;
    expectEqual(scope, revoked.exchange, 'the body', revoked.body, { success: true }, because('business', 'TI2', 'revoke answers {success: true}'));
    const listed = await findListed(
      ctx,
      scope,
      inviter,
      'listInvitations',
      (x) => x.id === i.id,
      succeeds(ctx, 'listInvitations', 'TI2', `${INVITER} lists the invitations`),
    );
    if (listed)
      expectEqual(
        scope,
        listed.exchange,
        `status of invitation ${i.id}`,
        listed.item?.status,
        'revoked',
        because('business', 'TI2', 'a revoked invitation stays listed, with status revoked (TI1)'),
      );
    const notPending = ctx.messages.component('InvitationNotPending');
    await send(
      ctx,
      scope,
      inviter,
      'revokeInvitation',
      { params: { id: i.id } },
      refused('business', 'TI2', 'a revoked invitation cannot be revoked again', 409, notPending),
    );
    await send(
      ctx,
      scope,
      inviter,
      'resendInvitation',
      { params: { id: i.id } },
      refused('business', 'TI2', 'a revoked invitation cannot be resent', 409, notPending),
    );
    if (i.token) {
      spent.revoked = i.token;
      await expectDeadToken(ctx, scope, i.token, 'TI2', "a revoked invitation's token stops working");
    }
  });
  await lifecycleCase(ctx, 'a user who already belongs to an organization cannot accept an invitation (TI4)', (scope) => alreadyMember(ctx, scope));
}

/** `status`, `email`, `role` and `inviterId` as given; ids and times present; expiresAt 7 days after createdAt (TI1). */
function expectInvitation(scope: CaseScope, exchange: Exchange, body: Json, expected: Json): void {
  const context = because(
    'business',
    'TI1',
    'a new invitation is pending, for the email and role asked, sent by the caller, and expires 7 days after it was created',
  );
  expectFields(scope, exchange, body, Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined)), context);
  expectThat(scope, exchange, typeof body.id === 'string' && body.id !== '', { ...context, expected: 'an id', received: `id ${JSON.stringify(body.id)}` });
  const created = expectTime(scope, exchange, 'createdAt', body.createdAt, context);
  const expires = expectTime(scope, exchange, 'expiresAt', body.expiresAt, context);
  if (created !== null && expires !== null) expectSpan(scope, exchange, 'expiresAt - createdAt', created, expires, SEVEN_DAYS_MS, context);
}

/** The public view of a pending invitation (TI3): its organization's and inviter's names, its email, role and expiry. */
async function expectPublicView(ctx: ToursContext, scope: CaseScope, inviter: Actor, token: string, invitation: Json): Promise<void> {
  const names = await namesOf(ctx, scope, inviter);
  const view = await send(
    ctx,
    scope,
    null,
    'getInvitationByToken',
    { params: { token } },
    succeeds(ctx, 'getInvitationByToken', 'TI3', 'a pending invitation is shown to anyone with its token'),
  );
  if (!view.ok) return;
  const context = because('business', 'TI3', 'the lookup shows {organizationName, inviterName, email, role, expiresAt} of the invitation');
  const expected: Json = { email: invitation.email, role: invitation.role };
  if (names.organization !== null) expected.organizationName = names.organization;
  if (names.inviter !== null) expected.inviterName = names.inviter;
  expectFields(scope, view.exchange, view.body, expected, context);
  const at = expectTime(scope, view.exchange, 'expiresAt', view.body.expiresAt, context);
  if (at !== null)
    expectEqual(scope, view.exchange, 'expiresAt', new Date(at).toISOString(), new Date(Date.parse(String(invitation.expiresAt))).toISOString(), context);
  expectNoToken(scope, view.exchange, view.body, token);
}

/** The organization's name and the inviter's, as the inviter reads them now. */
async function namesOf(ctx: ToursContext, scope: CaseScope, inviter: Actor): Promise<{ organization: string | null; inviter: string | null }> {
  const org = await send(
    ctx,
    scope,
    inviter,
    'getCurrentOrganization',
    {},
    succeeds(ctx, 'getCurrentOrganization', 'TO1', `${inviter.name} reads its organization`),
  );
  const me = await memberOf(ctx, scope, inviter, { userId: inviter.principal?.userId ?? null, email: inviter.principal?.email ?? null });
  const name = (me?.item?.user as Json | undefined)?.name;
  return { organization: typeof org.body.name === 'string' ? org.body.name : null, inviter: typeof name === 'string' ? name : null };
}

/** A token that opens nothing: the lookup's 404 (TI3). */
export async function expectDeadToken(ctx: ToursContext, scope: CaseScope, token: string, rule: string, says: string): Promise<Exchange> {
  return (
    await send(
      ctx,
      scope,
      null,
      'getInvitationByToken',
      { params: { token } },
      refused('business', rule, says, 404, ctx.messages.example('getInvitationByToken', 404, 'notFound')),
    )
  ).exchange;
}

/** acme-admin invites globex-coordinator's email; globex-coordinator, already in Globex, cannot accept (TI4). */
async function alreadyMember(ctx: ToursContext, scope: CaseScope): Promise<void> {
  const inviter = ctx.need(scope, INVITER);
  const recipient = ctx.need(scope, 'globex-coordinator');
  const email = need(scope, recipient.principal?.email, "needs globex-coordinator's email");
  needOutbox(ctx, scope);
  const created = await send(
    ctx,
    scope,
    inviter,
    'createInvitation',
    { json: { email, role: 'member' } },
    succeeds(ctx, 'createInvitation', 'TI1', 'a member of another organization may be invited'),
  );
  if (created.exchange.response && created.exchange.response.status < 300) await trackCreated(ctx, ctx.op('createInvitation'), inviter, created.exchange);
  const id = created.body.id;
  if (!created.ok || typeof id !== 'string') return;
  const mail = await outboxToken(ctx, scope, id);
  if (!mail) return;
  const accepted = await send(
    ctx,
    scope,
    recipient,
    'acceptInvitation',
    { params: { token: mail.token } },
    refused(
      'business',
      'TI4',
      'a user belongs to one organization at most: one who has one cannot accept',
      409,
      ctx.messages.example('acceptInvitation', 409, 'alreadyMember'),
    ),
  );
  if (accepted.exchange.response?.status === 200) {
    // A target that let it through: the membership it made goes at the end of the run.
    const owner = ctx.actor('acme-owner');
    const joined = owner ? await memberOf(ctx, scope, owner, { userId: recipient.principal?.userId ?? null, email }) : null;
    if (typeof joined?.item?.id === 'string') trackMembership(ctx, owner, joined.item.id);
    return;
  }
  const revoked = await send(
    ctx,
    scope,
    inviter,
    'revokeInvitation',
    { params: { id } },
    succeeds(ctx, 'revokeInvitation', 'TI2', 'the invitation is revoked'),
  );
  if (revoked.ok) ctx.fixtures.forget('invitation', id);
}

/** Every token that opens nothing, unknown, replaced, revoked or used, gets the same 404, to look up or to accept (TI3, TI4). */
export async function deadTokensAlike(ctx: ToursContext, spent: SpentTokens): Promise<void> {
  await lifecycleCase(ctx, 'unknown, replaced, revoked and used tokens get one identical 404 (TI3, TI4)', async (scope) => {
    const tokens: [string, string][] = [['an unknown token', randomBytes(32).toString('base64url')]];
    if (spent.replaced) tokens.push(['a token a resend replaced', spent.replaced]);
    if (spent.revoked) tokens.push(["a revoked invitation's token", spent.revoked]);
    if (spent.used) tokens.push(['a used token', spent.used]);
    if (tokens.length === 1)
      scope.skip(
        "no token was spent: the invitation lifecycles could not run (they need the mock's outbox, or an invitation of orgless's email given in --config)",
      );
    const first = await expectDeadToken(ctx, scope, tokens[0]![1], 'TI3', `${tokens[0]![0]} is not found`);
    const same = because('business', 'TI3', 'an unknown, expired, used or revoked token gets the same 404, so that nobody learns which');
    for (const [what, token] of tokens.slice(1)) {
      const exchange = await expectDeadToken(ctx, scope, token, 'TI3', `${what} is not found`);
      expectEqual(scope, exchange, `the 404 body for ${what}`, exchange.response?.json, first.response?.json, same);
    }
    const accepter = ctx.actor('orgless') ?? ctx.actor('superadmin');
    if (!accepter) return;
    const notFound = ctx.messages.example('acceptInvitation', 404, 'notFound');
    for (const [what, token] of tokens)
      await send(
        ctx,
        scope,
        accepter,
        'acceptInvitation',
        { params: { token } },
        refused('business', 'TI4', `${what} cannot be accepted: a 404 before any other rule`, 404, notFound),
      );
  });
}

function pickKeys(record: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.map((k) => [k, record[k]]));
}
