/** docs/decisions/flashback.md, section 1: roles (R1 to R8), through the in-process harness. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createHarness, newUserBody, type Harness, type PrincipalName } from '../helpers/mock-harness.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});

const ROLE_OF: Record<string, number> = { user: 0, billing: 1, workspaces: 2, administrator: 254, owner: 255 };

describe('section 1: roles', () => {
  it.each([
    ['owner', 200],
    ['administrator', 200],
    ['workspaces', 200],
    ['billing', 403],
    ['user', 403],
  ] as const)('R1: "WORKSPACES or higher" means orgRole >= 2: %s lists users with %i', async (name, status) => {
    const response = await h.call('listOrganizationUsers', { token: await h.login(name) });
    expect(response.status).toBe(status);
  });

  it('R2: orgRoleDescription is the role name, 254 is ADMINISTRATOR', async () => {
    const { body } = await h.call('listOrganizationUsers', { token: await h.login('owner') });
    const byEmail = new Map(body.data.map((u: any) => [u.email, u.orgRoleDescription]));
    expect(byEmail.get('owner@acme.test')).toBe('OWNER');
    expect(byEmail.get('administrator@acme.test')).toBe('ADMINISTRATOR');
    expect(byEmail.get('workspaces@acme.test')).toBe('WORKSPACES');
    expect(byEmail.get('billing@acme.test')).toBe('BILLING');
    expect(byEmail.get('user@acme.test')).toBe('USER');
  });

  it.each([
    ['user', [0]],
    ['billing', [0, 1]],
    ['workspaces', [0, 1, 2]],
    ['administrator', [0, 1, 2, 254]],
    ['owner', [0, 1, 2, 254, 255]],
  ] as const)('R3: orgRoles of %s lists every defined role up to its own, ascending', async (name, roles) => {
    const { body } = await h.call('getOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId(name) } });
    expect(body.orgRole).toBe(ROLE_OF[name]);
    expect(body.orgRoles).toEqual(roles);
  });

  describe('R4: only the five role values are valid (400 Invalid role combination)', () => {
    const invalid: [string, unknown][] = [
      ['3', 3],
      ['253', 253],
      ['-1', -1],
      ['the string "2"', '2'],
      ['2.5', 2.5],
      ['null', null],
      ['256', 256],
    ];
    it.each(invalid)('R4: create with orgRole %s is a 400 Invalid role combination', async (_label, orgRole) => {
      const response = await h.call('createOrganizationUser', { token: await h.login('owner'), body: newUserBody({ orgRole }) });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, data: null, message: 'Invalid role combination' });
    });
    it.each(invalid)('R4: update with orgRole %s is a 400 Invalid role combination', async (_label, orgRole) => {
      const response = await h.call('updateOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('user') }, body: { orgRole } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, data: {}, message: 'Invalid role combination' });
    });
  });

  describe('R5: a caller grants only roles strictly below their own; an OWNER grants any', () => {
    const cases: [PrincipalName, number, number][] = [
      ['workspaces', 0, 201],
      ['workspaces', 1, 201],
      ['workspaces', 2, 403],
      ['workspaces', 254, 403],
      ['workspaces', 255, 403],
      ['administrator', 2, 201],
      ['administrator', 254, 403],
      ['administrator', 255, 403],
      ['owner', 254, 201],
      ['owner', 255, 201],
    ];
    it.each(cases)('R5: %s creating a user with orgRole %i answers %i', async (caller, orgRole, status) => {
      const response = await h.call('createOrganizationUser', { token: await h.login(caller), body: newUserBody({ orgRole }) });
      expect(response.status).toBe(status);
      if (status === 403) expect(response.body.message).toBe('Insufficient permissions to assign this role');
    });

    it('R5: a WORKSPACES user cannot create an ADMINISTRATOR (403 Insufficient permissions to assign this role)', async () => {
      const response = await h.call('createOrganizationUser', { token: await h.login('workspaces'), body: newUserBody({ orgRole: 254 }) });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ success: false, data: null, message: 'Insufficient permissions to assign this role' });
    });

    it('R5: an ADMINISTRATOR cannot raise a USER to ADMINISTRATOR (403 Insufficient permissions to assign this role)', async () => {
      const response = await h.call('updateOrganizationUser', {
        token: await h.login('administrator'),
        params: { userId: h.userId('user') },
        body: { orgRole: 254 },
      });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ success: false, data: {}, message: 'Insufficient permissions to assign this role' });
    });

    it('R5: an OWNER may make another user OWNER', async () => {
      const response = await h.call('updateOrganizationUser', {
        token: await h.login('owner'),
        params: { userId: h.userId('administrator') },
        body: { orgRole: 255 },
      });
      expect(response.status).toBe(200);
      expect(response.body.data.orgRoleDescription).toBe('OWNER');
    });
  });

  describe('R6: managing another user needs a strictly higher role; an OWNER manages anyone; viewing has no limit', () => {
    it('R6: a WORKSPACES user cannot update an ADMINISTRATOR (403 Insufficient permissions to update users)', async () => {
      const response = await h.call('updateOrganizationUser', {
        token: await h.login('workspaces'),
        params: { userId: h.userId('administrator') },
        body: { name: 'Adam' },
      });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ success: false, data: {}, message: 'Insufficient permissions to update users' });
    });

    it('R6: a WORKSPACES user cannot delete another WORKSPACES user (403 Insufficient permissions to delete users)', async () => {
      const owner = await h.login('owner');
      const peer = await h.call('createOrganizationUser', { token: owner, body: newUserBody({ orgRole: 2 }) });
      const response = await h.call('deleteOrganizationUser', { token: await h.login('workspaces'), params: { userId: peer.body.data.id } });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ success: false, message: 'Insufficient permissions to delete users' });
    });

    it('R6: a WORKSPACES user cannot activate a deleted ADMINISTRATOR (403 Insufficient permissions to activate users), the OWNER can', async () => {
      const owner = await h.login('owner');
      const workspaces = await h.login('workspaces');
      expect((await h.call('deleteOrganizationUser', { token: owner, params: { userId: h.userId('administrator') } })).status).toBe(200);
      const denied = await h.call('activateOrganizationUser', { token: workspaces, params: { userId: h.userId('administrator') } });
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ success: false, message: 'Insufficient permissions to activate users' });
      expect((await h.call('activateOrganizationUser', { token: owner, params: { userId: h.userId('administrator') } })).status).toBe(200);
    });

    it('R6: an ADMINISTRATOR may delete a WORKSPACES user but not the OWNER', async () => {
      const admin = await h.login('administrator');
      expect((await h.call('deleteOrganizationUser', { token: admin, params: { userId: h.userId('owner') } })).status).toBe(403);
      expect((await h.call('deleteOrganizationUser', { token: admin, params: { userId: h.userId('workspaces') } })).status).toBe(200);
    });

    it('R6: an OWNER may manage another OWNER', async () => {
      const owner = await h.login('owner');
      const second = await h.call('createOrganizationUser', { token: owner, body: newUserBody({ orgRole: 255 }) });
      const response = await h.call('updateOrganizationUser', { token: owner, params: { userId: second.body.data.id }, body: { orgRole: 254 } });
      expect(response.status).toBe(200);
    });

    it('R6: viewing has no rank limit: a WORKSPACES user reads the OWNER', async () => {
      const response = await h.call('getOrganizationUser', { token: await h.login('workspaces'), params: { userId: h.userId('owner') } });
      expect(response.status).toBe(200);
      expect(response.body.orgRole).toBe(255);
    });
  });

  describe('R7: nobody changes their own role or deletes themself', () => {
    it.each(['owner', 'administrator', 'workspaces'] as const)(
      'R7: %s carrying orgRole on themself is a 400 Cannot change your own role, even unchanged',
      async (name) => {
        const response = await h.call('updateOrganizationUser', {
          token: await h.login(name),
          params: { userId: h.userId(name) },
          body: { orgRole: ROLE_OF[name] },
        });
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ success: false, data: {}, message: 'Cannot change your own role' });
      },
    );

    it('R7: editing your own name and lastName is allowed', async () => {
      const response = await h.call('updateOrganizationUser', {
        token: await h.login('workspaces'),
        params: { userId: h.userId('workspaces') },
        body: { name: 'Wendy', lastName: 'Works' },
      });
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ name: 'Wendy', lastName: 'Works', orgRole: 2 });
    });

    it('R7: deleting yourself is a 400 Cannot delete yourself, the OWNER included', async () => {
      const response = await h.call('deleteOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('owner') } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, message: 'Cannot delete yourself' });
    });
  });

  describe('R8: role, organization and deleted state are read on every request', () => {
    it('R8: a demotion takes effect on the next request with the same token', async () => {
      const workspaces = await h.login('workspaces');
      expect((await h.call('listOrganizationUsers', { token: workspaces })).status).toBe(200);
      await h.call('updateOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('workspaces') }, body: { orgRole: 1 } });
      const response = await h.call('listOrganizationUsers', { token: workspaces });
      expect(response.status).toBe(403);
    });

    it('R8: a promotion takes effect on the next request with the same token', async () => {
      const user = await h.login('user');
      expect((await h.call('listOrganizationUsers', { token: user })).status).toBe(403);
      await h.call('updateOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('user') }, body: { orgRole: 2 } });
      expect((await h.call('listOrganizationUsers', { token: user })).status).toBe(200);
    });

    it('R8: a deletion takes effect on the next request with the same token (401)', async () => {
      const user = await h.login('user');
      expect((await h.call('getOrganization', { token: user, params: { orgId: (await h.loginBody('user')).user.orgId } })).status).toBe(200);
      await h.call('deleteOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('user') } });
      expect((await h.call('getOrganization', { token: user, params: { orgId: 'x' } })).status).toBe(401);
    });

    it('R8: the access token carries no role', async () => {
      const token = await h.login('owner');
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
      expect(payload).not.toHaveProperty('orgRole');
      expect(payload).not.toHaveProperty('role');
    });
  });
});
