/** docs/decisions/flashback.md, section 6: organization users (U1 to U7). */
import { beforeEach, describe, expect, it } from 'vitest';
import { createHarness, manualClock, newUserBody, ORG_A, serialisedText, type Harness } from '../helpers/mock-harness.js';
import { loadSpec } from '../../src/contract/index.js';
import { serialiseBody } from '../../src/engine/json-body.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});

const A_PRINCIPALS = [
  'owner@acme.test',
  'administrator@acme.test',
  'workspaces@acme.test',
  'billing@acme.test',
  'user@acme.test',
  'deleted@acme.test',
  'unvalidated@acme.test',
];

describe('section 6: organization users', () => {
  describe('U1: the list', () => {
    it("U1: holds every user of the caller's organization, soft-deleted included, oldest first, total = length", async () => {
      const { body } = await h.call('listOrganizationUsers', { token: await h.login('workspaces') });
      expect(body.total).toBe(body.data.length);
      expect(body.total).toBe(A_PRINCIPALS.length + 20);
      expect(body.data.slice(0, A_PRINCIPALS.length).map((u: any) => u.email)).toEqual(A_PRINCIPALS);
      expect(body.data.every((u: any) => u.orgId === ORG_A)).toBe(true);
      expect(body.data.find((u: any) => u.email === 'deleted@acme.test').deletedAt).not.toBeNull();
      const emails = body.data.map((u: any) => u.email);
      expect(emails).not.toContain('outsider@globex.test');
      expect(emails).not.toContain('orgless@nowhere.test');
    });

    it('U1: a new user comes last; a change shows in the next list; an earlier list does not change', async () => {
      const token = await h.login('owner');
      const first = await h.call('listOrganizationUsers', { token });
      const created = await h.call('createOrganizationUser', { token, body: newUserBody() });
      await h.call('updateOrganizationUser', { token, params: { userId: h.userId('user') }, body: { lastName: 'Changed' } });
      const second = await h.call('listOrganizationUsers', { token });
      expect(second.body.total).toBe(first.body.total + 1);
      expect(second.body.data.at(-1).id).toBe(created.body.data.id);
      expect(second.body.data.find((u: any) => u.id === h.userId('user')).lastName).toBe('Changed');
      expect(first.body.data.find((u: any) => u.id === h.userId('user')).lastName).toBe('User');
    });

    it('U1: the cached list bytes are exactly the JSON of the list, multi-byte names included', async () => {
      const token = await h.login('owner');
      await h.call('createOrganizationUser', { token, body: newUserBody({ firstName: 'Zoë', lastName: 'Ōtsuka 山田 😀' }) });
      const { response: raw } = await h.api.handle({
        operation: loadSpec().byId.get('listOrganizationUsers')!,
        params: {},
        authorization: `Bearer ${token}`,
        body: undefined,
      });
      expect(typeof serialiseBody(raw.body)).not.toBe('string'); // the cached bytes, not JSON serialised now
      expect(serialisedText(raw.body)).toBe(JSON.stringify(raw.body));
    });

    it('U1: the cached list stays exactly the JSON of the list across creates, updates, deletes and activations in a list of many chunks', async () => {
      const big = createHarness({ extraUsers: 1500 });
      const token = await big.login('owner');
      const list = async () => {
        const { response: raw } = await big.api.handle({
          operation: loadSpec().byId.get('listOrganizationUsers')!,
          params: {},
          authorization: `Bearer ${token}`,
          body: undefined,
        });
        expect(Array.isArray(serialiseBody(raw.body))).toBe(true); // chunked: 1,500 users do not fit one chunk
        expect(serialisedText(raw.body)).toBe(JSON.stringify(raw.body));
        return raw.body as { data: { id: string; name: string }[]; total: number };
      };
      const before = await list();
      const middle = before.data[750]!.id;
      const last = before.data[before.total - 1]!.id;
      await big.call('updateOrganizationUser', { token, params: { userId: middle }, body: { name: 'Renamed Ünïcode 名前' } });
      await big.call('updateOrganizationUser', { token, params: { userId: last }, body: { lastName: 'Last' } });
      const changed = await list();
      expect(changed.data[750]!.name).toBe('Renamed Ünïcode 名前');
      for (let n = 0; n < 40; n++) await big.call('createOrganizationUser', { token, body: newUserBody({ email: `chunk${n}@acme.test`, sendInvite: false }) });
      await big.call('deleteOrganizationUser', { token, params: { userId: before.data[10]!.id } });
      const grown = await list();
      expect(grown.total).toBe(before.total + 40);
      await big.call('activateOrganizationUser', { token, params: { userId: before.data[10]!.id } });
      await list();
    });

    it('U1: the outsider sees only organization B', async () => {
      const { body } = await h.call('listOrganizationUsers', { token: await h.login('outsider') });
      expect(body.data.map((u: any) => u.email)).toEqual(['outsider@globex.test']);
    });
  });

  it('U2: a caller with no organization gets 403 on every organization-user endpoint', async () => {
    const token = await h.login('orgless');
    const cases = [
      ['listOrganizationUsers', {}, undefined],
      ['createOrganizationUser', {}, newUserBody()],
      ['getOrganizationUser', { userId: h.userId('user') }, undefined],
      ['updateOrganizationUser', { userId: h.userId('user') }, { name: 'X' }],
      ['deleteOrganizationUser', { userId: h.userId('user') }, undefined],
      ['activateOrganizationUser', { userId: h.userId('deleted') }, undefined],
    ] as const;
    for (const [operationId, params, body] of cases) {
      const response = await h.call(operationId, { token, params, body });
      expect(response.status, operationId).toBe(403);
    }
    expect((await h.call('listOrganizationUsers', { token })).body).toEqual({ success: false, data: [], total: 0 });
  });

  describe('U3: create', () => {
    it("U3: defaults orgRole 0 and sendInvite true; firstName comes back as name; validated false, deletedAt null, the caller's orgId", async () => {
      const response = await h.call('createOrganizationUser', {
        token: await h.login('workspaces'),
        body: { email: 'jane.smith@acme.test', password: 'SecurePassword123!', firstName: 'Jane', lastName: 'Smith', nickname: 'ignored' },
      });
      expect(response.status).toBe(201);
      expect(response.body.message).toBe('User created successfully. Verification email sent.');
      expect(response.body.data).toMatchObject({
        email: 'jane.smith@acme.test',
        name: 'Jane',
        lastName: 'Smith',
        orgId: ORG_A,
        orgRole: 0,
        validated: false,
        deletedAt: null,
        orgRoleDescription: 'USER',
        orgRoles: [0],
      });
      expect(response.body.data).not.toHaveProperty('nickname');
      const mail = h.api.outbox().at(-1);
      expect(mail).toMatchObject({ kind: 'verification', to: 'jane.smith@acme.test', userId: response.body.data.id });
    });

    it('U3: sendInvite false answers User created successfully. and sends no email', async () => {
      const before = h.api.outbox().length;
      const response = await h.call('createOrganizationUser', { token: await h.login('owner'), body: newUserBody({ sendInvite: false }) });
      expect(response.status).toBe(201);
      expect(response.body.message).toBe('User created successfully.');
      expect(h.api.outbox()).toHaveLength(before);
    });

    it.each(['email', 'password', 'firstName', 'lastName'])('U3: a missing %s is a 400 Missing required field', async (field) => {
      const body = newUserBody();
      delete body[field];
      const response = await h.call('createOrganizationUser', { token: await h.login('owner'), body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, data: null, message: `Missing required field: ${field}` });
    });

    it.each([
      ['no at sign', 'jane.acme.test'],
      ['spaces', 'jane smith@acme.test'],
      ['255 characters', `${'j'.repeat(245)}@acme.test`],
      ['empty', ''],
    ])('U3: an invalid email (%s) is a 400 Invalid email address', async (_label, email) => {
      const response = await h.call('createOrganizationUser', { token: await h.login('owner'), body: newUserBody({ email }) });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Invalid email address');
    });

    it('U3: an email of 254 characters is accepted', async () => {
      const email = `${'j'.repeat(244)}@acme.test`;
      expect(email).toHaveLength(254);
      const response = await h.call('createOrganizationUser', { token: await h.login('owner'), body: newUserBody({ email }) });
      expect(response.status).toBe(201);
    });

    it.each([
      ['another letter case', 'USER@ACME.TEST'],
      ["a soft-deleted user's", 'deleted@acme.test'],
      ["another organization's", 'outsider@globex.test'],
      ["an orgless user's", 'Orgless@Nowhere.test'],
    ])('U3: an email already in use (%s) is a 409 Email already in use', async (_label, email) => {
      const response = await h.call('createOrganizationUser', { token: await h.login('owner'), body: newUserBody({ email }) });
      expect(response.status).toBe(409);
      expect(response.body).toEqual({ success: false, data: null, message: 'Email already in use' });
    });

    it.each([
      ['7 characters', 'Abcdef1'],
      ['no upper-case letter', 'abcdefg1'],
      ['no lower-case letter', 'ABCDEFG1'],
      ['no digit', 'Abcdefgh'],
      ['129 characters', `Ab1${'x'.repeat(126)}`],
    ])('U3: a password with %s is a 400 Password does not meet security requirements', async (_label, password) => {
      const response = await h.call('createOrganizationUser', { token: await h.login('owner'), body: newUserBody({ password }) });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Password does not meet security requirements');
    });

    it('U3: a password of 8 and of 128 characters with the three classes is accepted', async () => {
      const token = await h.login('owner');
      expect((await h.call('createOrganizationUser', { token, body: newUserBody({ password: 'Abcdef12' }) })).status).toBe(201);
      expect((await h.call('createOrganizationUser', { token, body: newUserBody({ password: `Ab1${'x'.repeat(125)}` }) })).status).toBe(201);
    });

    it('U3: names are trimmed before the length check and before storing', async () => {
      const token = await h.login('owner');
      const padded = await h.call('createOrganizationUser', { token, body: newUserBody({ firstName: `  ${'J'.repeat(100)}  `, lastName: '\tSmith\n' }) });
      expect(padded.status).toBe(201);
      expect(padded.body.data.name).toBe('J'.repeat(100));
      expect(padded.body.data.lastName).toBe('Smith');
    });

    it.each([
      ['firstName', '   ', 'Invalid field: firstName must be 1 to 100 characters'],
      ['lastName', '', 'Invalid field: lastName must be 1 to 100 characters'],
      ['firstName', 'J'.repeat(101), 'Invalid field: firstName must be 1 to 100 characters'],
      ['lastName', 7, 'Invalid field: lastName must be a string'],
      ['sendInvite', 'yes', 'Invalid field: sendInvite must be a boolean'],
      ['email', 42, 'Invalid field: email must be a string'],
    ])('U3: %s = %j is a 400 naming the field', async (field, value, message) => {
      const response = await h.call('createOrganizationUser', { token: await h.login('owner'), body: newUserBody({ [field]: value }) });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(message);
    });

    it('U3: the new user cannot log in until validated (USER_INACTIVE), then can', async () => {
      const body = newUserBody();
      const created = await h.call('createOrganizationUser', { token: await h.login('owner'), body });
      const before = await h.call('login', { body: { email: body.email, password: body.password } });
      expect(before.status).toBe(401);
      expect(before.body.error_code).toBe('USER_INACTIVE');
      expect(h.api.validateUser(created.body.data.id)).toBe(true);
      const after = await h.call('login', { body: { email: body.email, password: body.password } });
      expect(after.status).toBe(200);
    });
  });

  it('U4: get one returns a soft-deleted user with deletedAt set', async () => {
    const response = await h.call('getOrganizationUser', { token: await h.login('workspaces'), params: { userId: h.userId('deleted') } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ email: 'deleted@acme.test', deletedAt: '2026-01-15T09:30:00.000Z' });
    expect(response.body).not.toHaveProperty('success');
  });

  describe('U5: update', () => {
    it("U5: name, lastName and orgRole are written (the docs' example: orgRole 1 gives BILLING, [0, 1])", async () => {
      const response = await h.call('updateOrganizationUser', {
        token: await h.login('owner'),
        params: { userId: h.userId('user') },
        body: { name: ' Ursula ', lastName: 'Updated', orgRole: 1 },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ success: true, message: 'User updated successfully' });
      expect(response.body.data).toMatchObject({ name: 'Ursula', lastName: 'Updated', orgRole: 1, orgRoleDescription: 'BILLING', orgRoles: [0, 1] });
    });

    it('U5: other fields (email, validated, deletedAt, orgId) are ignored', async () => {
      const token = await h.login('owner');
      const response = await h.call('updateOrganizationUser', {
        token,
        params: { userId: h.userId('user') },
        body: { name: 'U', email: 'new@acme.test', validated: false, deletedAt: '2026-01-01T00:00:00.000Z', orgId: 'x' },
      });
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ email: 'user@acme.test', validated: true, deletedAt: null, orgId: ORG_A });
    });

    it.each([{}, { email: 'x@acme.test' }])('U5: a body without name, lastName or orgRole (%j) is a 400 No valid fields to update', async (body) => {
      const response = await h.call('updateOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('user') }, body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, data: {}, message: 'No valid fields to update' });
    });

    it.each([
      ['name', '', 'Invalid field: name must be 1 to 100 characters'],
      ['name', '   ', 'Invalid field: name must be 1 to 100 characters'],
      ['lastName', 'L'.repeat(101), 'Invalid field: lastName must be 1 to 100 characters'],
      ['name', false, 'Invalid field: name must be a string'],
    ])('U5: %s = %j is a 400', async (field, value, message) => {
      const response = await h.call('updateOrganizationUser', {
        token: await h.login('owner'),
        params: { userId: h.userId('user') },
        body: { [field]: value },
      });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(message);
    });

    it('U5: updating a soft-deleted user is a 400 Cannot update a deleted user', async () => {
      const response = await h.call('updateOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('deleted') }, body: { name: 'D' } });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Cannot update a deleted user');
    });
  });

  describe("U6: delete is soft and ends the user's tokens", () => {
    it("U6: sets deletedAt (the clock's time), keeps the record in the list", async () => {
      const clock = manualClock(Date.parse('2026-03-04T05:06:07.089Z'));
      const timed = createHarness({ now: clock.now });
      const token = await timed.login('owner');
      const response = await timed.call('deleteOrganizationUser', { token, params: { userId: timed.userId('billing') } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ success: true, message: 'User deleted successfully' });
      const list = await timed.call('listOrganizationUsers', { token });
      expect(list.body.data.find((u: any) => u.id === timed.userId('billing')).deletedAt).toBe('2026-03-04T05:06:07.089Z');
    });

    it("U6: the deleted user's access token is a 401 and their refresh tokens are revoked", async () => {
      const billing = await h.loginBody('billing');
      await h.call('deleteOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('billing') } });
      expect((await h.call('getOrganization', { token: billing.accessToken, params: { orgId: ORG_A } })).status).toBe(401);
      const refresh = await h.call('refreshToken', { body: { refreshToken: billing.refreshToken } });
      expect(refresh.status).toBe(401);
      const state = h.api.exportState() as { refreshTokens: { userId: string; revoked: boolean }[] };
      expect(state.refreshTokens.filter((t) => t.userId === h.userId('billing')).every((t) => t.revoked)).toBe(true);
    });

    it('U6: deleting an already deleted user is a 400 User is already deleted', async () => {
      const response = await h.call('deleteOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('deleted') } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, message: 'User is already deleted' });
    });

    it('U6: a deleted user cannot log in (USER_INACTIVE)', async () => {
      await h.call('deleteOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('user') } });
      const response = await h.call('login', { body: { email: 'user@acme.test', password: 'User-Passw0rd' } });
      expect(response.body.error_code).toBe('USER_INACTIVE');
    });
  });

  describe('U7: activate', () => {
    it('U7: clears deletedAt and changes nothing else', async () => {
      const token = await h.login('owner');
      const before = (await h.call('getOrganizationUser', { token, params: { userId: h.userId('deleted') } })).body;
      const response = await h.call('activateOrganizationUser', { token, params: { userId: h.userId('deleted') } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ success: true, message: 'User activated successfully' });
      const after = (await h.call('getOrganizationUser', { token, params: { userId: h.userId('deleted') } })).body;
      expect(after).toEqual({ ...before, deletedAt: null });
    });

    it('U7: an activated user can log in again; tokens from before the deletion stay dead', async () => {
      const old = await h.login('user');
      const owner = await h.login('owner');
      await h.call('deleteOrganizationUser', { token: owner, params: { userId: h.userId('user') } });
      await h.call('activateOrganizationUser', { token: owner, params: { userId: h.userId('user') } });
      expect((await h.call('getOrganization', { token: old, params: { orgId: ORG_A } })).status).toBe(401);
      const fresh = await h.login('user');
      expect((await h.call('getOrganization', { token: fresh, params: { orgId: ORG_A } })).status).toBe(200);
    });

    it('U7: activating a user who is not deleted is a 400 User is not deleted', async () => {
      const response = await h.call('activateOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('user') } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, message: 'User is not deleted' });
    });
  });
});
