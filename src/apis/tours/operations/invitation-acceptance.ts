/**
 * Invitations, the recipient's side (TI3, TI4), by the token of the email. A token that is unknown,
 * expired, used or revoked is the same 404 in all four cases.
 */
import { randomUUID } from 'node:crypto';
import { sha256Hex } from '../credentials.js';
import { MESSAGES, REFUSALS } from '../messages.js';
import { emailKey } from '../store.js';
import { isoAt, type InvitationRecord, type MemberRecord, type Schemas } from '../records.js';
import { fail, failed, invitationStatus, needCaller, ok, refuse, type ErrorResult, type OperationContext, type Result } from './context.js';

/** The pending invitation of a token, or the 404 of TI3. */
export function pendingInvitationByToken(ctx: OperationContext, token: string): InvitationRecord | ErrorResult {
  const invitation = ctx.store.invitationByTokenHash(sha256Hex(token));
  return invitation && invitationStatus(invitation, ctx.clock.now()) === 'pending' ? invitation : fail(404, MESSAGES.invitationNotFound);
}

/** TI3 (public): `{organizationName, inviterName, email, role, expiresAt}`. */
export function getInvitationByToken(ctx: OperationContext): Result<Schemas['InvitationPublicView']> {
  const invitation = pendingInvitationByToken(ctx, ctx.params.token ?? '');
  if (failed(invitation)) return invitation;
  const org = ctx.store.organizations.get(invitation.organizationId);
  const inviter = ctx.store.users.get(invitation.inviterId);
  return ok({
    organizationName: org?.name ?? '',
    inviterName: inviter?.name ?? '',
    email: invitation.email,
    role: invitation.role,
    expiresAt: invitation.expiresAt,
  });
}

/** TI4: 404 (as TI3), 403 email mismatch, 409 already a member of any organization; then the membership, and the token is used up. */
export function acceptInvitation(ctx: OperationContext): Result<Schemas['AcceptInvitationResult']> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const invitation = pendingInvitationByToken(ctx, ctx.params.token ?? '');
  if (failed(invitation)) return invitation;
  if (emailKey(caller.email) !== emailKey(invitation.email)) return refuse(403, REFUSALS.emailMismatch);
  if (ctx.store.memberOfUser(caller.userId)) return fail(409, MESSAGES.alreadyMember);
  const now = isoAt(ctx.clock.now());
  const member: MemberRecord = {
    id: randomUUID(),
    userId: caller.userId,
    organizationId: invitation.organizationId,
    role: invitation.role,
    status: 'active',
    createdAt: now,
  };
  ctx.store.write(() => {
    ctx.store.members.insert(member);
    ctx.store.invitations.replace({ ...invitation, status: 'accepted', acceptedAt: now });
  });
  const body: Schemas['AcceptInvitationResult'] = { success: true, organizationId: invitation.organizationId };
  return ok(body);
}
