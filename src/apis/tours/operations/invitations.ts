/**
 * Invitations, the organization's side (TI1, TI2): list, invite, resend, revoke. The token goes only
 * into the email (the outbox), never into an answer; it is stored as its SHA-256.
 */
import { randomUUID } from 'node:crypto';
import { effectiveRole, mayAssignRole } from '../caller.js';
import { fitSubject } from '../../../engine/state-limits.js';
import { DAY } from '../clock.js';
import { newToken, sha256Hex } from '../credentials.js';
import { MESSAGES, REFUSALS, TEMPLATES } from '../messages.js';
import { emailKey, type ToursStore } from '../store.js';
import { isoAt, type InvitationRecord, type Schemas } from '../records.js';
import {
  SUCCESS,
  byCreatedAt,
  checkFields,
  created,
  fail,
  failed,
  invitationStatus,
  invitationView,
  needMember,
  objectBody,
  ok,
  pageOf,
  pageRequest,
  refuse,
  type ErrorResult,
  type Member,
  type OperationContext,
  type Result,
} from './context.js';

/** TI1: an invitation expires 7 days after it was sent (or last resent, TI2). */
export const INVITATION_TTL_MS = 7 * DAY;

/** The `format: email` of the spec, as ajv-formats checks it (so that every stored email is one the schema accepts). */
const EMAIL_PATTERN =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

export const isEmail = (value: string): boolean => value.length <= 254 && EMAIL_PATTERN.test(value);

/** The recipient's link in the email: the mock's own lookup route (TI3). */
export const acceptUrl = (token: string): string => `/api/invitations/${encodeURIComponent(token)}`;

/** Puts the invitation email with its token into the outbox (TI1). */
export function sendInvitationEmail(store: ToursStore, invitation: InvitationRecord, token: string, sentAt: string): void {
  const org = store.organizations.get(invitation.organizationId);
  store.sendEmail({
    id: randomUUID(),
    kind: 'invitation',
    to: invitation.email,
    subject: fitSubject(`You are invited to join ${org?.name ?? 'an organization'}`),
    invitationId: invitation.id,
    token,
    acceptUrl: acceptUrl(token),
    sentAt,
  });
}

/** The invitation of the caller's organization with this id; another organization's is as missing (docs, TE4). */
function findInvitation(ctx: OperationContext, caller: Member): InvitationRecord | ErrorResult {
  const invitation = ctx.store.invitations.get(ctx.params.id ?? '');
  return invitation && invitation.organizationId === caller.tenantId ? invitation : fail(404, MESSAGES.invitationNotFound);
}

/** TE2, TI1: every invitation whatever its status, oldest first, paged; an overdue pending one reads `expired`. */
export function listInvitations(ctx: OperationContext): Result<Schemas['InvitationPage']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const paging = pageRequest(ctx.query);
  if (failed(paging)) return paging;
  const now = ctx.clock.now();
  return ok(
    pageOf(
      ctx.store
        .invitationsOf(caller.tenantId)
        .sort(byCreatedAt)
        .map((inv) => invitationView(inv, now)),
      paging,
    ),
  );
}

/** TI1: `{email, role}`. Order: 400, 403 TR5, 422 (email, unknown role), 409 member or pending invitation. */
export function createInvitation(ctx: OperationContext): Result<Schemas['Invitation'], 201> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const body = objectBody(ctx.body);
  if (failed(body)) return body;
  const shape = checkFields(body, { email: { type: 'string', required: true }, role: { type: 'string', required: true } });
  if (shape) return shape;
  const email = body.email as string;
  const role = body.role as string;
  const { store } = ctx;
  if (!mayAssignRole(caller, role, ctx)) return refuse(403, REFUSALS.escalation);
  if (!isEmail(email)) return fail(422, MESSAGES.invalidEmail);
  if (effectiveRole(store, ctx.model, caller.tenantId, role) === null) return fail(422, TEMPLATES.unknownRole(role));
  const now = ctx.clock.now();
  const user = store.userByEmail(email);
  const isMember = user !== undefined && store.memberOfUser(user.id)?.organizationId === caller.tenantId;
  const isInvited = store.invitationsOf(caller.tenantId).some((inv) => emailKey(inv.email) === emailKey(email) && invitationStatus(inv, now) === 'pending');
  if (isMember || isInvited) return fail(409, MESSAGES.invitationDuplicate);
  const token = newToken();
  const invitation: InvitationRecord = {
    id: randomUUID(),
    organizationId: caller.tenantId,
    email,
    role,
    status: 'pending',
    inviterId: caller.userId,
    tokenHash: sha256Hex(token),
    expiresAt: isoAt(now + INVITATION_TTL_MS),
    createdAt: isoAt(now),
    acceptedAt: null,
    revokedAt: null,
  };
  store.write(() => {
    store.invitations.insert(invitation);
    sendInvitationEmail(store, invitation, token, invitation.createdAt);
  });
  return created(invitationView(invitation, now));
}

/** TI2: the organization's invitation of the path, still pending now; else its 404, or the 409 `Invitation is not pending`. */
function pendingInvitation(ctx: OperationContext): { readonly invitation: InvitationRecord; readonly now: number } | ErrorResult {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const invitation = findInvitation(ctx, caller);
  if (failed(invitation)) return invitation;
  const now = ctx.clock.now();
  return invitationStatus(invitation, now) === 'pending' ? { invitation, now } : fail(409, MESSAGES.invitationNotPending);
}

/** TI2: a new token (the old one stops working), `expiresAt` 7 days from now, a new email; 409 when not pending. */
export function resendInvitation(ctx: OperationContext): Result<Schemas['Invitation']> {
  const pending = pendingInvitation(ctx);
  if (failed(pending)) return pending;
  const { invitation, now } = pending;
  const token = newToken();
  const next: InvitationRecord = { ...invitation, tokenHash: sha256Hex(token), expiresAt: isoAt(now + INVITATION_TTL_MS) };
  ctx.store.write(() => {
    ctx.store.invitations.replace(next);
    sendInvitationEmail(ctx.store, next, token, isoAt(now));
  });
  return ok(invitationView(next, now));
}

/** TI2: revokes a pending invitation (its token stops working, TI3); 409 when not pending. */
export function revokeInvitation(ctx: OperationContext): Result<Schemas['Success']> {
  const pending = pendingInvitation(ctx);
  if (failed(pending)) return pending;
  const { invitation, now } = pending;
  ctx.store.write(() => ctx.store.invitations.replace({ ...invitation, status: 'revoked', revokedAt: isoAt(now) }));
  return ok(SUCCESS);
}
