/** docs/decisions/tours.md, section 6: members (TM1 to TM3), on the domain directly. */
import { beforeEach, describe, expect, it } from 'vitest';
import { ToursStateError } from '../../../src/apis/tours/index.js';
import { createTours, type PrincipalName, type Tours } from './harness.js';

let t: Tours;
beforeEach(() => {
  t = createTours();
});

const memberId = (name: PrincipalName): string => t.principal(name).memberId as string;
const lastOwner = { status: 409, body: { error: 'An organization must keep an active owner', reason: 'last_owner' } };
const own = { status: 422, body: { error: 'You cannot change your own membership' } };

describe('TM1: members and membership', () => {
  it('TM1: a member is {id, userId, organizationId, role, status, user, createdAt}, suspended ones listed too', () => {
    const { body } = t.call('listMembers', 'acme-owner', { query: { limit: 100 } });
    expect(body.total).toBe(6);
    const sofia = body.data.find((m: any) => m.id === memberId('acme-suspended'));
    expect(sofia).toEqual({
      id: memberId('acme-suspended'),
      userId: t.principal('acme-suspended').userId,
      organizationId: t.principal('acme-owner').orgId,
      role: 'member',
      status: 'suspended',
      user: { id: t.principal('acme-suspended').userId, name: 'Sofia Novak', email: 'sofia@acme-tours.example' },
      createdAt: '2026-01-11T09:00:00.000Z',
    });
  });

  it.each([
    ['orgless', { error: 'You are not a member of an organization', reason: 'no_organization' }],
    ['superadmin', { error: 'You are not a member of an organization', reason: 'no_organization' }],
    ['acme-suspended', { error: 'Your membership is suspended', reason: 'member_suspended' }],
  ] as const)('TM1: %s gets a 403 on organization operations', (name, body) => {
    for (const op of ['getCurrentOrganization', 'getMyPermissions', 'listMembers', 'listRoles', 'listInvitations']) {
      expect(t.call(op, name)).toEqual({ status: 403, body });
    }
    expect(t.call('getCurrentOrganization', 'acme-member').status).toBe(200);
  });

  it('TM1: a user is a member of one organization at most: the store refuses a second membership', () => {
    const store = t.domain.store;
    const second = {
      id: 'm-2',
      userId: t.principal('acme-owner').userId,
      organizationId: t.principal('globex-owner').orgId as string,
      role: 'member',
      status: 'active' as const,
      createdAt: '2026-02-01T09:00:00.000Z',
    };
    expect(() => store.write(() => store.members.insert(second))).toThrow(ToursStateError);
    expect(store.members.get('m-2')).toBeUndefined();
    expect(() => store.write(() => store.members.insert({ ...second, userId: t.principal('orgless').userId }))).not.toThrow();
  });
});

describe('TM2: updating a member', () => {
  it('TM2: the role is changed to a role of the organization (its own too) and the status to active or suspended', () => {
    expect(t.call('updateMember', 'acme-owner', { params: { memberId: memberId('acme-member') }, body: { role: 'coordinator' } })).toMatchObject({
      status: 200,
      body: { role: 'coordinator', status: 'active' },
    });
    expect(
      t.call('updateMember', 'acme-admin', { params: { memberId: memberId('acme-member') }, body: { role: 'guide-lead', status: 'suspended' } }).body,
    ).toMatchObject({ role: 'guide-lead', status: 'suspended' });
  });

  it.each([
    [{ role: 'driver' }, 'Unknown role: driver'],
    [{ role: 'guide_lead' }, 'Unknown role: guide_lead'],
    [{ status: 'paused' }, 'Invalid field: status must be one of active, suspended'],
  ])('TM2: %j is a 422', (body, error) => {
    expect(t.call('updateMember', 'acme-owner', { params: { memberId: memberId('acme-member') }, body })).toEqual({ status: 422, body: { error } });
  });

  it('TM2: a role of another organization is unknown here', () => {
    t.call('createRole', 'globex-owner', { body: { name: 'driver', permissions: [] } });
    expect(t.call('updateMember', 'acme-owner', { params: { memberId: memberId('acme-member') }, body: { role: 'driver' } }).status).toBe(422);
    expect(t.call('updateMember', 'globex-owner', { params: { memberId: memberId('globex-coordinator') }, body: { role: 'driver' } }).status).toBe(200);
  });

  it.each([{ role: 'member' }, { status: 'suspended' }, { status: 'active' }])('TM2: nobody changes their own membership: %j is a 422', (body) => {
    expect(t.call('updateMember', 'acme-admin', { params: { memberId: memberId('acme-admin') }, body })).toEqual(own);
  });

  it('TM2: an escalation is answered before the own-membership 422 (section 4, step 8)', () => {
    expect(t.call('updateMember', 'acme-admin', { params: { memberId: memberId('acme-admin') }, body: { role: 'owner' } }).body.reason).toBe(
      'permission_escalation',
    );
  });

  it('TM2: the last active owner can be neither demoted nor suspended (409 last_owner)', () => {
    expect(t.call('updateMember', 'acme-admin', { params: { memberId: memberId('acme-owner') }, body: { role: 'admin' } })).toEqual(lastOwner);
    expect(t.call('updateMember', 'acme-admin', { params: { memberId: memberId('acme-owner') }, body: { status: 'suspended' } })).toEqual(lastOwner);
    expect(t.call('updateMember', 'acme-admin', { params: { memberId: memberId('acme-owner') }, body: { status: 'active' } }).status).toBe(200);
  });

  it('TM2: with a second active owner, one owner may be demoted', () => {
    t.call('updateMember', 'acme-owner', { params: { memberId: memberId('acme-admin') }, body: { role: 'owner' } });
    expect(t.call('updateMember', 'acme-admin', { params: { memberId: memberId('acme-owner') }, body: { role: 'admin' } })).toMatchObject({
      status: 200,
      body: { role: 'admin' },
    });
    // Now acme-admin is the only active owner again.
    expect(t.call('updateMember', 'acme-owner', { params: { memberId: memberId('acme-admin') }, body: { role: 'admin' } })).toEqual(lastOwner);
  });

  it('TM2: a suspended owner does not count as the active owner', () => {
    t.call('updateMember', 'acme-owner', { params: { memberId: memberId('acme-admin') }, body: { role: 'owner' } });
    t.call('updateMember', 'acme-owner', { params: { memberId: memberId('acme-admin') }, body: { status: 'suspended' } });
    expect(t.call('updateMember', 'acme-admin', { params: { memberId: memberId('acme-owner') }, body: { role: 'admin' } }).status).toBe(403);
    expect(t.call('removeMember', 'acme-coordinator', { params: { memberId: memberId('acme-owner') } })).toEqual(lastOwner);
  });

  it.each([
    [{}, 400, 'Invalid request body: no fields to update'],
    [{ role: 3 }, 400, "Invalid request body: 'role' must be a string"],
    ['role', 400, 'Invalid request body: expected a JSON object'],
  ])('TM2: the body %j is a %i', (body, status, error) => {
    expect(t.call('updateMember', 'acme-owner', { params: { memberId: memberId('acme-member') }, body })).toEqual({ status, body: { error } });
  });
});

describe('TM3: removing a member', () => {
  it('TM3: removal ends the membership, revokes the member’s keys and leaves the user with no organization', () => {
    const key = t.principal('acme-member').apiKey;
    const extra = t.call('createApiKey', 'acme-member', { body: { name: 'Second' } }).body.key;
    expect(t.call('removeMember', 'acme-admin', { params: { memberId: memberId('acme-member') } })).toEqual({ status: 200, body: { success: true } });
    for (const k of [key, extra]) expect(t.domain.authenticate(`Bearer ${k}`, undefined)).toEqual({ kind: 'refused', error: 'API key has been revoked' });
    const caller = t.as('acme-member');
    expect(caller.tenantId).toBeNull();
    expect(t.call('getCurrentOrganization', caller).body.reason).toBe('no_organization');
    expect(t.call('listApiKeys', caller).body.data.every((k: any) => k.status === 'revoked')).toBe(true);
    expect(t.call('listMembers', 'acme-owner').body.total).toBe(5);
  });

  it('TM3: nobody removes themselves (422), the last active owner stays (409), another organization’s member is a 404', () => {
    expect(t.call('removeMember', 'acme-admin', { params: { memberId: memberId('acme-admin') } })).toEqual(own);
    expect(t.call('removeMember', 'acme-admin', { params: { memberId: memberId('acme-owner') } })).toEqual(lastOwner);
    expect(t.call('removeMember', 'acme-admin', { params: { memberId: memberId('globex-owner') } })).toEqual({
      status: 404,
      body: { error: 'Member not found' },
    });
    expect(t.call('removeMember', 'globex-owner', { params: { memberId: memberId('globex-coordinator') } }).status).toBe(200);
  });
});
