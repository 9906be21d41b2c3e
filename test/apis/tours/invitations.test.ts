/** docs/decisions/tours.md, section 7: invitations (TI1 to TI4), on the domain directly. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createTours, NOW, type Tours } from './harness.js';

let t: Tours;
beforeEach(() => {
  t = createTours();
});

const DAY_S = 24 * 3600;
const notFound = { status: 404, body: { error: 'Invitation not found' } };
const lookup = (token: string) => t.call('getInvitationByToken', null, { params: { token } });
const lastEmail = () => t.domain.outbox().at(-1);

describe('TI1: inviting', () => {
  it('TI1: an invitation is created pending for 7 days; its token goes to the outbox only', () => {
    const { status, body } = t.call('createInvitation', 'acme-coordinator', { body: { email: 'nora@example.com', role: 'member' } });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      email: 'nora@example.com',
      role: 'member',
      status: 'pending',
      inviterId: t.principal('acme-coordinator').userId,
      createdAt: new Date(NOW).toISOString(),
      expiresAt: new Date(NOW + 7 * DAY_S * 1000).toISOString(),
    });
    const email = lastEmail();
    expect(email).toMatchObject({ kind: 'invitation', to: 'nora@example.com', invitationId: body.id, subject: 'You are invited to join Acme Tours' });
    expect(email?.acceptUrl).toBe(`/api/invitations/${email?.token}`);
    expect(Buffer.from(email?.token ?? '', 'base64url')).toHaveLength(32);
    expect(JSON.stringify(body)).not.toContain(email?.token);
    expect(JSON.stringify(t.call('listInvitations', 'acme-owner').body)).not.toContain(email?.token);
    expect(lookup(email?.token ?? '').status).toBe(200);
  });

  it.each([
    ['a pending invitation, in another case', 'NewHire@Example.com'],
    ['a member of this organization', 'sam@acme-tours.example'],
    ['a suspended member of this organization', 'sofia@acme-tours.example'],
  ])('TI1: the email of %s is a 409', (_case, email) => {
    expect(t.call('createInvitation', 'acme-owner', { body: { email, role: 'member' } })).toEqual({
      status: 409,
      body: { error: 'A member or pending invitation already exists for this email' },
    });
  });

  it.each([
    ['a member of another organization', 'carlos@globex-events.example'],
    ['a user with no organization', 'nora@example.com'],
    ['nobody yet', 'fresh@example.com'],
  ])('TI1: the email of %s is invited (201)', (_case, email) => {
    expect(t.call('createInvitation', 'acme-owner', { body: { email, role: 'member' } }).status).toBe(201);
  });

  it.each([
    [{ email: 'not-an-email', role: 'member' }, 422, 'Invalid field: email must be a valid email address'],
    [{ email: 'a@b', role: 'member' }, 422, 'Invalid field: email must be a valid email address'],
    [{ email: 'x@example.com', role: 'driver' }, 422, 'Unknown role: driver'],
    [{ email: 'x@example.com' }, 400, "Invalid request body: 'role' is required"],
  ])('TI1: %j is a %i', (body, status, error) => {
    expect(t.call('createInvitation', 'acme-owner', { body })).toEqual({ status, body: { error } });
  });

  it('TI1: the status reads expired from the moment expiresAt has passed, and the email may be invited again', () => {
    // Sessions also end at 7 days (TA2): the key acts for the owner past them.
    const owner = t.as('acme-owner', 'apiKey');
    const status = () => t.call('listInvitations', owner).body.data[0].status;
    t.advance(7 * DAY_S - 1);
    expect(status()).toBe('pending');
    t.advance(1);
    expect(status()).toBe('expired');
    expect(t.call('createInvitation', owner, { body: { email: 'newhire@example.com', role: 'coordinator' } }).status).toBe(201);
  });
});

describe('TI2: resending and revoking', () => {
  it('TI2: a resend issues a new token (the old one stops working) and pushes expiresAt to 7 days from now', () => {
    const { id, token: old } = t.domain.principals().invitation;
    t.advance(3 * DAY_S);
    const { status, body } = t.call('resendInvitation', 'acme-owner', { params: { id } });
    expect(status).toBe(200);
    expect(body.expiresAt).toBe(new Date(NOW + 10 * DAY_S * 1000).toISOString());
    expect(lookup(old)).toEqual(notFound);
    const fresh = lastEmail();
    expect(fresh?.invitationId).toBe(id);
    expect(fresh?.token).not.toBe(old);
    expect(lookup(fresh?.token ?? '').status).toBe(200);
  });

  it('TI2: revoke answers {success: true} and the token stops working', () => {
    const { id, token } = t.domain.principals().invitation;
    expect(t.call('revokeInvitation', 'acme-coordinator', { params: { id } })).toEqual({ status: 200, body: { success: true } });
    expect(lookup(token)).toEqual(notFound);
  });

  it.each([
    ['revoked', (t: Tours) => t.call('revokeInvitation', 'acme-owner', { params: { id: t.domain.principals().invitation.id } })],
    ['expired', (t: Tours) => t.advance(7 * DAY_S)],
  ])('TI2: an invitation that is %s can be neither resent nor revoked (409)', (_case, make) => {
    const owner = t.as('acme-owner', 'apiKey');
    make(t);
    const id = t.domain.principals().invitation.id;
    for (const op of ['resendInvitation', 'revokeInvitation']) {
      expect(t.call(op, owner, { params: { id } })).toEqual({ status: 409, body: { error: 'Invitation is not pending' } });
    }
  });
});

describe('TI3: looking up an invitation', () => {
  it('TI3: a live token shows {organizationName, inviterName, email, role, expiresAt}', () => {
    expect(lookup(t.domain.principals().invitation.token)).toEqual({
      status: 200,
      body: {
        organizationName: 'Acme Tours',
        inviterName: 'Olivia Park',
        email: 'newhire@example.com',
        role: 'coordinator',
        expiresAt: new Date(NOW + 7 * DAY_S * 1000).toISOString(),
      },
    });
  });

  it.each([
    ['unknown', (t: Tours) => `${t.domain.principals().invitation.token}x`],
    ['expired', (t: Tours) => (t.advance(7 * DAY_S), t.domain.principals().invitation.token)],
    [
      'revoked',
      (t: Tours) => {
        t.call('revokeInvitation', 'acme-owner', { params: { id: t.domain.principals().invitation.id } });
        return t.domain.principals().invitation.token;
      },
    ],
    [
      'used',
      (t: Tours) => {
        t.call('createInvitation', 'acme-owner', { body: { email: 'nora@example.com', role: 'member' } });
        const token = lastEmail()?.token ?? '';
        t.call('acceptInvitation', 'orgless', { params: { token } });
        return token;
      },
    ],
  ])('TI3: a token that is %s is the same 404 Invitation not found', (_case, token) => {
    const value = token(t);
    expect(lookup(value)).toEqual(notFound);
    // A fresh sign-in: the seeded session may have ended with the clock moved 7 days.
    const session = t.call('signInEmail', null, { body: { email: 'nora@example.com', password: 'Orgless-Passw0rd' } }).body.token;
    const auth = t.domain.authenticate(undefined, `better-auth.session_token=${session}`);
    const caller = auth.kind === 'ok' ? t.domain.callerOf(auth) : null;
    expect(t.call('acceptInvitation', caller, { params: { token: value } })).toEqual(notFound);
  });
});

describe('TI4: accepting an invitation', () => {
  it('TI4: the invited user becomes a member with the invited role, and the token is used up', () => {
    t.call('createInvitation', 'acme-owner', { body: { email: 'Nora@Example.com', role: 'guide-lead' } });
    const token = lastEmail()?.token ?? '';
    const acme = t.principal('acme-owner').orgId;
    expect(t.call('acceptInvitation', 'orgless', { params: { token } })).toEqual({ status: 200, body: { success: true, organizationId: acme } });
    const nora = t.as('orgless');
    expect(nora).toMatchObject({ tenantId: acme, membership: 'active', role: { name: 'guide-lead' } });
    expect(t.call('listInvitations', 'acme-owner').body.data.find((i: any) => i.email === 'Nora@Example.com').status).toBe('accepted');
    expect(t.call('acceptInvitation', nora, { params: { token } })).toEqual(notFound);
  });

  it('TI4: a user with another email gets a 403 email_mismatch', () => {
    expect(t.call('acceptInvitation', 'orgless', { params: { token: t.domain.principals().invitation.token } })).toEqual({
      status: 403,
      body: { error: 'This invitation was sent to another email', reason: 'email_mismatch' },
    });
  });

  it('TI4: a user who already belongs to an organization gets a 409', () => {
    t.call('createInvitation', 'acme-owner', { body: { email: 'carlos@globex-events.example', role: 'member' } });
    expect(t.call('acceptInvitation', 'globex-coordinator', { params: { token: lastEmail()?.token ?? '' } })).toEqual({
      status: 409,
      body: { error: 'You are already a member of an organization' },
    });
  });
});
