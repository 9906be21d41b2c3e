/** docs/decisions/flashback.md, section 5: the organization (O1, O2). */
import { beforeEach, describe, expect, it } from 'vitest';
import { createHarness, ORG_A, type Harness, type PrincipalName } from '../helpers/mock-harness.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});

describe('section 5: organization', () => {
  it.each(['owner', 'administrator', 'workspaces', 'billing', 'user'] as PrincipalName[])(
    'O1: GET is open to every member: %s reads organization A',
    async (name) => {
      const response = await h.call('getOrganization', { token: await h.login(name), params: { orgId: ORG_A } });
      expect(response.status).toBe(200);
      expect(response.body.success).toBe(true);
      expect(response.body.data.id).toBe(ORG_A);
      expect(response.body).not.toHaveProperty('message');
    },
  );

  it('O1: the outsider (OWNER of B) cannot read organization A', async () => {
    const response = await h.call('getOrganization', { token: await h.login('outsider'), params: { orgId: ORG_A } });
    expect(response.status).toBe(403);
  });

  describe('O2: PUT is a partial update of the writable fields', () => {
    async function put(body: unknown, name: PrincipalName = 'administrator') {
      return h.call('updateOrganization', { token: await h.login(name), params: { orgId: ORG_A }, body });
    }

    it('O2: only the fields present change; the rest keep their values', async () => {
      const before = (await h.call('getOrganization', { token: await h.login('owner'), params: { orgId: ORG_A } })).body.data;
      const response = await put({ city: 'San Francisco', state: 'CA', mfaEnforced: !before.mfaEnforced });
      expect(response.status).toBe(200);
      expect(response.body.message).toBe('Organization updated successfully');
      expect(response.body.data).toEqual({ ...before, city: 'San Francisco', state: 'CA', mfaEnforced: !before.mfaEnforced });
      const after = (await h.call('getOrganization', { token: await h.login('user'), params: { orgId: ORG_A } })).body.data;
      expect(after).toEqual(response.body.data);
      expect(response.mutated).toBe(true);
    });

    it('O2: every writable field can be written, and null clears the nullable ones', async () => {
      const body = {
        name: 'Acme Corporation Updated',
        address1: '456 New Business Ave',
        address2: null,
        city: 'Austin',
        zipcode: '73301',
        phone: '+1-555-0199',
        state: 'TX',
        country: 'US',
        website: null,
        is_business: false,
        mfaEnforced: true,
      };
      const response = await put(body, 'owner');
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject(body);
    });

    it('O2: id, domain, reposDisabled, deletedAt and unknown fields are ignored', async () => {
      const before = (await h.call('getOrganization', { token: await h.login('owner'), params: { orgId: ORG_A } })).body.data;
      const response = await put({
        name: 'Renamed',
        id: 'other',
        domain: 'evil.test',
        reposDisabled: true,
        deletedAt: '2026-01-01T00:00:00.000Z',
        color: 'red',
      });
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ ...before, name: 'Renamed' });
    });

    it.each([
      ['an empty body', {}],
      ['only ignored fields', { id: 'x', domain: 'y.test', reposDisabled: true }],
    ])('O2: %s is a 400 No valid fields to update', async (_label, body) => {
      const response = await put(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, data: null, message: 'No valid fields to update' });
    });

    it.each([
      ['mfaEnforced', 'yes', 'Invalid field: mfaEnforced must be a boolean'],
      ['is_business', 1, 'Invalid field: is_business must be a boolean'],
      ['name', 42, 'Invalid field: name must be a string'],
      ['name', '', 'Invalid field: name must be 1 to 255 characters'],
      ['name', null, 'Invalid field: name must be a string'],
      ['city', 5, 'Invalid field: city must be a string or null'],
      ['website', 'x'.repeat(256), 'Invalid field: website must be at most 255 characters'],
    ])('O2: %s = %j is a 400 naming the field', async (field, value, message) => {
      const response = await put({ [field]: value });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, data: null, message });
    });

    it('O2: a body that is not an object is a 400 Invalid JSON body', async () => {
      for (const body of [[], 'name', 7, null]) {
        const response = await put(body);
        expect(response.status).toBe(400);
        expect(response.body.message).toBe('Invalid JSON body');
      }
    });

    it.each(['   ', '\t\n', '\u00a0'])('O2: a blank name (%j) is a 400 and the organization is unchanged', async (name) => {
      const before = (await h.call('getOrganization', { token: await h.login('owner'), params: { orgId: ORG_A } })).body.data;
      const response = await put({ name, city: 'Blankville' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, data: null, message: 'Invalid field: name must not be blank' });
      expect(response.mutated).not.toBe(true);
      const after = (await h.call('getOrganization', { token: await h.login('owner'), params: { orgId: ORG_A } })).body.data;
      expect(after).toEqual(before);
    });

    it('O2: a name with surrounding blanks is not blank, and is stored as sent', async () => {
      const response = await put({ name: ' Acme ' });
      expect(response.status).toBe(200);
      expect(response.body.data.name).toBe(' Acme ');
    });
  });
});
