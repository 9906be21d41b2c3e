/** docs/decisions/flashback.md, section 3: every endpoint answers with the first rule that fails, in order. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createHarness, newUserBody, ORG_A, ORG_B, type Harness } from '../helpers/mock-harness.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});

const UNKNOWN_USER = '00000000-0000-4000-8000-000000000000';

describe('section 3: the order of checks', () => {
  it('section 3 (1 before 2, 3): without a token, a malformed body is still a 401', async () => {
    const response = await h.call('createOrganizationUser', { body: { orgRole: 3 } });
    expect(response.status).toBe(401);
  });

  it('section 3 (1 before 2): without a token, another organization is still a 401', async () => {
    expect((await h.call('updateOrganization', { params: { orgId: ORG_B }, body: {} })).status).toBe(401);
  });

  it('section 3 (2 before 3): a BILLING caller with a malformed body gets the role 403, not a 400', async () => {
    const response = await h.call('createOrganizationUser', { token: await h.login('billing'), body: { orgRole: 3 } });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ success: false, data: null, message: 'Insufficient permissions to create users' });
  });

  it('section 3 (2 before body problems): a BILLING caller sending 413/415/bad JSON gets the role 403', async () => {
    const token = await h.login('billing');
    for (const bodyProblem of ['too-large', 'unsupported-media-type', 'invalid-json'] as const) {
      const response = await h.call('createOrganizationUser', { token, bodyProblem });
      expect(response.status, bodyProblem).toBe(403);
    }
  });

  it('section 3 (2 before 4): a BILLING caller asking for an unknown user gets the 403, not a 404', async () => {
    const response = await h.call('getOrganizationUser', { token: await h.login('billing'), params: { userId: UNKNOWN_USER } });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ success: false, message: 'Insufficient permissions to view users' });
  });

  it('section 3 (3): body problems after the role: 413 Request body too large, 415, 400 Invalid JSON body', async () => {
    const token = await h.login('workspaces');
    const cases = [
      ['too-large', 413, 'Request body too large'],
      ['unsupported-media-type', 415, 'Unsupported content type: send application/json'],
      ['invalid-json', 400, 'Invalid JSON body'],
    ] as const;
    for (const [bodyProblem, status, message] of cases) {
      const response = await h.call('createOrganizationUser', { token, bodyProblem });
      expect(response.status, bodyProblem).toBe(status);
      expect(response.body, bodyProblem).toEqual({ success: false, data: null, message });
    }
  });

  it('section 3 (3 before 4): an invalid orgRole for an unknown user is a 400, not a 404', async () => {
    const response = await h.call('updateOrganizationUser', { token: await h.login('owner'), params: { userId: UNKNOWN_USER }, body: { orgRole: 3 } });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('Invalid role combination');
  });

  it('section 3 (3 before 4): a body with no writable field for an unknown user is a 400, not a 404', async () => {
    const response = await h.call('updateOrganizationUser', { token: await h.login('owner'), params: { userId: UNKNOWN_USER }, body: { email: 'x@y.z' } });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('No valid fields to update');
  });

  it('section 3 (4): an unknown user, a malformed id included, is a 404 User not found', async () => {
    const token = await h.login('owner');
    for (const userId of [UNKNOWN_USER, 'not-a-uuid']) {
      const response = await h.call('deleteOrganizationUser', { token, params: { userId } });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ success: false, message: 'User not found' });
    }
  });

  it('section 3 (4 before 5, 6): an OWNER acting on a user of another organization gets the 403 of the endpoint', async () => {
    const token = await h.login('owner');
    const outsider = h.userId('outsider');
    const cases = [
      ['getOrganizationUser', undefined, { success: false, message: 'Insufficient permissions to view users' }],
      ['updateOrganizationUser', { orgRole: 0 }, { success: false, data: {}, message: 'Insufficient permissions to update users' }],
      ['deleteOrganizationUser', undefined, { success: false, message: 'Insufficient permissions to delete users' }],
      ['activateOrganizationUser', undefined, { success: false, message: 'Insufficient permissions to activate users' }],
    ] as const;
    for (const [operationId, body, expected] of cases) {
      const response = await h.call(operationId, { token, params: { userId: outsider }, body });
      expect(response.status, operationId).toBe(403);
      expect(response.body, operationId).toEqual(expected);
    }
  });

  it('section 3 (5 before 6): deleting a user of another organization who is already deleted is the tenant 403, not a 400', async () => {
    const outsiderToken = await h.login('outsider');
    const created = await h.call('createOrganizationUser', { token: outsiderToken, body: newUserBody({ email: 'temp@globex.test' }) });
    await h.call('deleteOrganizationUser', { token: outsiderToken, params: { userId: created.body.data.id } });
    const response = await h.call('deleteOrganizationUser', { token: await h.login('owner'), params: { userId: created.body.data.id } });
    expect(response.status).toBe(403);
  });

  it('section 3 (6: self before rank): an ADMINISTRATOR making themself OWNER gets the 400 self rule, not the 403 grant rule', async () => {
    const response = await h.call('updateOrganizationUser', {
      token: await h.login('administrator'),
      params: { userId: h.userId('administrator') },
      body: { orgRole: 255 },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('Cannot change your own role');
  });

  it('section 3 (6: R6 before R5): a WORKSPACES user changing an ADMINISTRATOR to OWNER gets the R6 message', async () => {
    const response = await h.call('updateOrganizationUser', {
      token: await h.login('workspaces'),
      params: { userId: h.userId('administrator') },
      body: { orgRole: 255 },
    });
    expect(response.status).toBe(403);
    expect(response.body.message).toBe('Insufficient permissions to update users');
  });

  it('section 3 (6: rank before state): a WORKSPACES user updating a deleted ADMINISTRATOR gets the 403, not the 400', async () => {
    await h.call('deleteOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('administrator') } });
    const response = await h.call('updateOrganizationUser', {
      token: await h.login('workspaces'),
      params: { userId: h.userId('administrator') },
      body: { name: 'A' },
    });
    expect(response.status).toBe(403);
  });

  it('section 3 (6: state rules): updating a deleted user the caller outranks is the 400 Cannot update a deleted user', async () => {
    const response = await h.call('updateOrganizationUser', {
      token: await h.login('workspaces'),
      params: { userId: h.userId('deleted') },
      body: { name: 'D' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, data: {}, message: 'Cannot update a deleted user' });
  });

  it('section 3 (3 before 7): a duplicate email with a weak password is the 400, not the 409', async () => {
    const response = await h.call('createOrganizationUser', {
      token: await h.login('owner'),
      body: newUserBody({ email: 'user@acme.test', password: 'weak' }),
    });
    expect(response.status).toBe(400);
  });

  it('section 3 (6 before 7): a duplicate email granting too high a role is the 403, not the 409', async () => {
    const response = await h.call('createOrganizationUser', {
      token: await h.login('workspaces'),
      body: newUserBody({ email: 'user@acme.test', orgRole: 254 }),
    });
    expect(response.status).toBe(403);
  });

  it('section 3 (7): a duplicate email on an otherwise valid create is the 409 Email already in use', async () => {
    const response = await h.call('createOrganizationUser', { token: await h.login('workspaces'), body: newUserBody({ email: 'user@acme.test' }) });
    expect(response.status).toBe(409);
    expect(response.body).toEqual({ success: false, data: null, message: 'Email already in use' });
  });

  describe('section 3 for /organization/{orgId}: 404 and the tenant 403 come before the role', () => {
    it.each([
      ['an unknown id', '00000000-0000-4000-8000-000000000000'],
      ['a malformed id', 'not-a-uuid'],
    ])('section 3: %s is a 404 Organization not found, even for a USER or a caller with no organization', async (_label, orgId) => {
      for (const name of ['user', 'orgless'] as const) {
        for (const operationId of ['getOrganization', 'updateOrganization']) {
          const response = await h.call(operationId, { token: await h.login(name), params: { orgId }, body: { name: 'X' } });
          expect(response.status, `${name} ${operationId}`).toBe(404);
          expect(response.body).toEqual({ success: false, data: null, message: 'Organization not found' });
        }
      }
    });

    it("section 3: another organization's id is a 403 tenant message, before the role (a USER gets it too)", async () => {
      const token = await h.login('user');
      const get = await h.call('getOrganization', { token, params: { orgId: ORG_B } });
      expect(get.body).toEqual({ success: false, data: null, message: 'Access denied: you can only view your own organization' });
      const put = await h.call('updateOrganization', { token, params: { orgId: ORG_B }, body: { name: 'X' } });
      expect(put.status).toBe(403);
      expect(put.body).toEqual({ success: false, data: null, message: 'Access denied: you can only modify your own organization' });
    });

    it('section 3: a caller with no organization gets the tenant 403 for an existing organization', async () => {
      const token = await h.login('orgless');
      const get = await h.call('getOrganization', { token, params: { orgId: ORG_A } });
      expect(get.status).toBe(403);
      expect(get.body.message).toBe('Access denied: you can only view your own organization');
    });

    it('section 3: then the role: a WORKSPACES PUT on its own organization is the 403 of the docs, even with a bad body', async () => {
      const token = await h.login('workspaces');
      for (const options of [{ body: { mfaEnforced: 'yes' } }, { bodyProblem: 'too-large' as const }]) {
        const response = await h.call('updateOrganization', { token, params: { orgId: ORG_A }, ...options });
        expect(response.status).toBe(403);
        expect(response.body.message).toBe('Insufficient permissions: only OWNER and ADMINISTRATOR roles can modify organization');
      }
    });

    it('section 3: then the body: an ADMINISTRATOR PUT with a too large body is a 413, a bad type a 400', async () => {
      const token = await h.login('administrator');
      const tooLarge = await h.call('updateOrganization', { token, params: { orgId: ORG_A }, bodyProblem: 'too-large' });
      expect(tooLarge.status).toBe(413);
      const badType = await h.call('updateOrganization', { token, params: { orgId: ORG_A }, body: { mfaEnforced: 'yes' } });
      expect(badType.status).toBe(400);
    });
  });
});
