/** docs/decisions/tours.md, section 3: roles and permissions (TR1 to TR8), on the domain directly. */
import { beforeEach, describe, expect, it } from 'vitest';
import { effectiveRole, mayAssignRole, mayGrantPermissions, type Caller } from '../../../src/apis/tours/index.js';
import { createTours, model, specExample, type PrincipalName, type Tours } from './harness.js';

let t: Tours;
beforeEach(() => {
  t = createTours();
});

const GUIDE_LEAD_ID = 'f4c2e8a6-1b3d-4f5e-9a7c-6d8b0e2f4a13';
const GLOBEX_SHADOW_ID = '0d6f8b2c-4e1a-4c3e-b5d7-9f2a4c6e8b10';
const ALL = model.permissions.map((p) => p.key);
const acmeId = (): string => t.principal('acme-owner').orgId as string;

/** Makes acme-member hold a new Acme role with these permissions, and returns its caller. */
function memberWith(permissions: string[]): Caller {
  t.call('createRole', 'acme-owner', { body: { name: 'custom', permissions } });
  t.call('updateMember', 'acme-owner', { params: { memberId: t.principal('acme-member').memberId as string }, body: { role: 'custom' } });
  return t.as('acme-member');
}

describe('TR1: the permission catalogue', () => {
  it('TR1: the catalogue is the eight keys of the spec, read from x-access-model', () => {
    expect(ALL).toEqual(['users.read', 'users.update', 'users.delete', 'users.invite', 'roles.read', 'roles.create', 'roles.update', 'roles.delete']);
  });

  it.each([
    [['events.read'], 422, 'Unknown permission: events.read'],
    [['users.read', 'users.admin'], 422, 'Unknown permission: users.admin'],
  ])('TR1: a role naming %j is a 422', (permissions, status, error) => {
    expect(t.call('createRole', 'acme-owner', { body: { name: 'tester', permissions } })).toEqual({ status, body: { error } });
    expect(t.call('updateRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID }, body: { permissions } })).toEqual({ status, body: { error } });
  });

  it('TR1: a role with every catalogue key, or none, is created', () => {
    expect(t.call('createRole', 'acme-owner', { body: { name: 'everything', permissions: ALL } }).body.permissions).toEqual(ALL);
    expect(t.call('createRole', 'acme-owner', { body: { name: 'nothing', permissions: [] } }).body.permissions).toEqual([]);
  });
});

describe('TR2: system roles', () => {
  it.each(['owner', 'admin', 'coordinator', 'member'])('TR2: %s has the id and permissions of x-access-model in every organization', (name) => {
    const system = model.roles.kind === 'system' ? model.roles.system.find((r) => r.name === name) : undefined;
    const inAcme = effectiveRole(t.domain.store, model, acmeId(), name);
    expect(inAcme).toMatchObject({ id: system?.id, scope: 'system' });
    expect([...(inAcme?.permissions ?? [])]).toEqual(system?.permissions);
  });

  it.each([
    ['acme-owner', ALL],
    ['acme-admin', ALL],
    ['acme-coordinator', ['users.read', 'users.invite', 'roles.read']],
    ['acme-member', []],
  ] as const)('TR2: %s holds %j', (name, permissions) => {
    expect([...(t.as(name).role?.permissions ?? [])]).toEqual(permissions);
  });

  it('TR2: an unknown role name has no role', () => {
    expect(effectiveRole(t.domain.store, model, acmeId(), 'driver')).toBeNull();
  });
});

describe('TR3: "Role: Admin" and "Role: Super Admin"', () => {
  it.each([
    ['superadmin', true],
    ['acme-owner', false],
    ['orgless', false],
  ] as const)('TR3: %s carries the isSuperAdmin flag: %s', (name, flagged) => {
    expect(t.as(name).flags.has('isSuperAdmin')).toBe(flagged);
  });

  it('TR3: owner holds every permission admin holds', () => {
    const admin = t.as('acme-admin').role?.permissions ?? new Set<string>();
    const owner = t.as('acme-owner').role?.permissions ?? new Set<string>();
    expect([...admin].every((key) => owner.has(key))).toBe(true);
  });

  it('TR3: the flag is the user’s, whatever the credential (the engine lets it pass with a session only)', () => {
    expect(t.as('superadmin', 'apiKey').flags.has('isSuperAdmin')).toBe(true);
  });
});

describe('TR4: organization roles and shadowing', () => {
  it('TR4: an organization role named coordinator shadows the system role for its members', () => {
    expect([...(t.as('globex-coordinator').role?.permissions ?? [])]).toEqual(['users.read']);
    expect([...(t.as('acme-coordinator').role?.permissions ?? [])]).toEqual(['users.read', 'users.invite', 'roles.read']);
  });

  it('TR4: once the shadowing role is deleted, the system role applies again', () => {
    expect(t.call('deleteRole', 'globex-owner', { params: { id: GLOBEX_SHADOW_ID } }).status).toBe(200);
    expect([...(t.as('globex-coordinator').role?.permissions ?? [])]).toEqual(['users.read', 'users.invite', 'roles.read']);
  });

  it.each(['owner', 'admin'])('TR4: %s cannot be shadowed (422 Role name "%s" is reserved)', (name) => {
    expect(t.call('createRole', 'acme-owner', { body: { name, permissions: [] } })).toEqual({
      status: 422,
      body: { error: `Role name "${name}" is reserved` },
    });
    expect(t.call('updateRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID }, body: { name } })).toEqual({
      status: 422,
      body: { error: `Role name "${name}" is reserved` },
    });
  });

  it('TR4: a shadow of member in Acme changes what every member holds', () => {
    expect(t.call('createRole', 'acme-owner', { body: { name: 'member', permissions: ['users.read'] } }).status).toBe(201);
    expect([...(t.as('acme-member').role?.permissions ?? [])]).toEqual(['users.read']);
    expect(t.as('acme-member').role?.name).toBe('member');
  });

  it('TR4: a duplicate name is a 409 A role with this name already exists', () => {
    expect(t.call('createRole', 'acme-owner', { body: { name: 'guide-lead', permissions: [] } })).toEqual({
      status: 409,
      body: { error: 'A role with this name already exists' },
    });
    expect(t.call('createRole', 'globex-owner', { body: { name: 'coordinator', permissions: [] } }).status).toBe(409);
    expect(t.call('createRole', 'globex-owner', { body: { name: 'guide-lead', permissions: [] } }).status).toBe(201);
  });

  const slug = 'Invalid field: name must be a slug of 2 to 32 characters (a-z, 0-9, -) starting with a letter';
  it.each([
    ['Guide', 422],
    ['g', 422],
    ['1guide', 422],
    ['guide_lead', 422],
    ['-guide', 422],
    ['g'.repeat(33), 422],
    ['gl', 201],
    ['g'.repeat(32), 201],
    ['tour-guide-2', 201],
  ])('TR4: the role name %j answers %i', (name, status) => {
    const answer = t.call('createRole', 'acme-owner', { body: { name, permissions: [] } });
    expect(answer.status).toBe(status);
    if (status === 422) expect(answer.body).toEqual({ error: slug });
  });

  it('TR4: a description over 200 characters is a 422; 200 is fine; none reads null', () => {
    expect(t.call('createRole', 'acme-owner', { body: { name: 'long', permissions: [], description: 'd'.repeat(201) } })).toEqual({
      status: 422,
      body: { error: 'Invalid field: description must be at most 200 characters' },
    });
    expect(t.call('createRole', 'acme-owner', { body: { name: 'long', permissions: [], description: 'd'.repeat(200) } }).status).toBe(201);
    expect(t.call('createRole', 'acme-owner', { body: { name: 'plain', permissions: [] } }).body.description).toBeNull();
  });
});

describe('TR5: no escalation', () => {
  it.each([
    [['roles.create'], ['roles.create'], true],
    [['roles.create'], [], true],
    [['roles.create'], ['users.delete'], false],
    [['roles.create'], ['roles.create', 'users.read'], false],
    [['roles.create'], ['events.read'], true],
  ])('TR5: mayGrantPermissions for a holder of %j granting %j is %s', (held, keys, allowed) => {
    const caller = memberWith(held);
    expect(mayGrantPermissions(caller, keys, model)).toBe(allowed);
  });

  it('TR5: a role created or updated with a permission the caller lacks is a 403 permission_escalation; unknown keys are left to the 422', () => {
    const caller = memberWith(['roles.create', 'roles.update', 'roles.read']);
    const escalation = { status: 403, body: { error: 'You cannot grant permissions you do not hold', reason: 'permission_escalation' } };
    expect(t.call('createRole', caller, { body: { name: 'sneaky', permissions: ['users.delete'] } })).toEqual(escalation);
    expect(t.call('updateRole', caller, { params: { id: GUIDE_LEAD_ID }, body: { permissions: ['users.read', 'users.delete'] } })).toEqual(escalation);
    expect(t.call('createRole', caller, { body: { name: 'sneaky', permissions: ['events.read'] } }).status).toBe(422);
    expect(t.call('createRole', caller, { body: { name: 'fine', permissions: ['roles.read'] } }).status).toBe(201);
  });

  it.each([
    ['acme-owner', 'owner', true],
    ['acme-admin', 'owner', false],
    ['acme-admin', 'admin', true],
    ['acme-coordinator', 'admin', false],
    ['acme-coordinator', 'coordinator', true],
    ['acme-coordinator', 'guide-lead', true],
    ['acme-guide-lead', 'coordinator', false],
    ['globex-coordinator', 'coordinator', true],
    ['acme-coordinator', 'driver', true],
  ] as const)('TR5: %s may assign %s: %s (owner by an owner only; an unknown role is the 422)', (name, role, allowed) => {
    expect(mayAssignRole(t.as(name as PrincipalName), role, { store: t.domain.store, model })).toBe(allowed);
  });

  it('TR5: assigning a role with more than the caller holds is a 403, when updating a member and when inviting', () => {
    const escalation = { status: 403, body: { error: 'You cannot grant permissions you do not hold', reason: 'permission_escalation' } };
    expect(t.call('updateMember', 'acme-admin', { params: { memberId: t.principal('acme-member').memberId as string }, body: { role: 'owner' } })).toEqual(
      escalation,
    );
    expect(t.call('createInvitation', 'acme-coordinator', { body: { email: 'x@example.com', role: 'admin' } })).toEqual(escalation);
    expect(t.call('createInvitation', 'acme-coordinator', { body: { email: 'x@example.com', role: 'member' } }).status).toBe(201);
    expect(t.call('updateMember', 'acme-owner', { params: { memberId: t.principal('acme-member').memberId as string }, body: { role: 'owner' } }).status).toBe(
      200,
    );
  });
});

describe('TR6: changing and deleting roles', () => {
  const systemRole = { status: 403, body: { error: 'System roles cannot be changed', reason: 'system_role' } };

  it.each(['role_owner', 'role_admin', 'role_coordinator', 'role_member'])('TR6: PATCH and DELETE of the system role %s are 403 system_role', (id) => {
    expect(t.call('updateRole', 'acme-owner', { params: { id }, body: { description: 'mine now' } })).toEqual(systemRole);
    expect(t.call('deleteRole', 'acme-owner', { params: { id } })).toEqual(systemRole);
  });

  it('TR6: an escalation is answered before the system role (section 4, step 8.1)', () => {
    const caller = memberWith(['roles.update', 'roles.read']);
    expect(t.call('updateRole', caller, { params: { id: 'role_admin' }, body: { permissions: ['users.delete'] } }).body.reason).toBe('permission_escalation');
    expect(t.call('updateRole', caller, { params: { id: 'role_admin' }, body: { permissions: ['roles.read'] } }).body.reason).toBe('system_role');
  });

  it('TR6: a renamed role keeps its holders under its new name', () => {
    const renamed = t.call('updateRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID }, body: { name: 'senior-guide' } });
    expect(renamed).toMatchObject({ status: 200, body: { id: GUIDE_LEAD_ID, name: 'senior-guide', permissions: ['users.read'] } });
    expect(t.as('acme-guide-lead').role).toEqual({ name: 'senior-guide', permissions: new Set(['users.read']) });
  });

  it('TR6: a rename onto another role’s name is a 409; onto its own name is fine', () => {
    t.call('createRole', 'acme-owner', { body: { name: 'driver', permissions: [] } });
    expect(t.call('updateRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID }, body: { name: 'driver' } })).toEqual({
      status: 409,
      body: { error: 'A role with this name already exists' },
    });
    expect(t.call('updateRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID }, body: { name: 'guide-lead', description: null } }).body.description).toBeNull();
  });

  it('TR6: a held organization role cannot be deleted (409); once nobody holds it, it can', () => {
    expect(t.call('deleteRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID } })).toEqual({ status: 409, body: { error: 'Role is assigned to members' } });
    t.call('updateMember', 'acme-owner', { params: { memberId: t.principal('acme-guide-lead').memberId as string }, body: { role: 'member' } });
    expect(t.call('deleteRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID } })).toEqual({ status: 200, body: { success: true } });
    expect(t.call('updateRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID }, body: { name: 'again' } })).toEqual({
      status: 404,
      body: { error: 'Role not found' },
    });
  });

  it('TR6: a shadow role may be deleted while held', () => {
    expect(t.call('deleteRole', 'globex-owner', { params: { id: GLOBEX_SHADOW_ID } })).toEqual({ status: 200, body: { success: true } });
  });

  it('TR6: another organization’s role is a 404 exactly like a missing one; a PATCH without a known field is a 400', () => {
    const missing = t.call('updateRole', 'acme-owner', { params: { id: 'no-such-role' }, body: { name: 'x-role' } });
    expect(missing).toEqual({ status: 404, body: { error: 'Role not found' } });
    expect(t.call('updateRole', 'acme-owner', { params: { id: GLOBEX_SHADOW_ID }, body: { name: 'x-role' } })).toEqual(missing);
    expect(t.call('deleteRole', 'acme-owner', { params: { id: GLOBEX_SHADOW_ID } })).toEqual(missing);
    expect(t.call('updateRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID }, body: { scope: 'system' } })).toEqual({
      status: 400,
      body: { error: 'Invalid request body: no fields to update' },
    });
  });
});

describe('TR7: the caller’s permission map', () => {
  it.each([
    ['acme-coordinator', 'coordinator'],
    ['globex-coordinator', 'shadowedCoordinator'],
    ['acme-owner', 'owner'],
  ] as const)('TR7: %s gets the spec’s example %s', (name, example) => {
    expect(t.call('getMyPermissions', name)).toEqual({ status: 200, body: specExample('getMyPermissions', 200, example) });
  });

  it('TR7: the map has every catalogue key, true for the guide lead’s users.read only', () => {
    const { body } = t.call('getMyPermissions', 'acme-guide-lead');
    expect(body.role).toBe('guide-lead');
    expect(Object.keys(body.permissions)).toEqual(ALL);
    expect(Object.entries(body.permissions).filter(([, held]) => held)).toEqual([['users.read', true]]);
  });

  it('TR7: a caller with no organization gets the 403 no_organization of x-access-model', () => {
    expect(t.call('getMyPermissions', 'orgless')).toEqual({
      status: 403,
      body: { error: 'You are not a member of an organization', reason: 'no_organization' },
    });
  });
});

describe('TR8: listing roles', () => {
  it.each([
    ['acme-owner', 'acme'],
    ['globex-owner', 'globexShadow'],
  ] as const)('TR8: %s lists the roles of the spec’s example %s (system roles first, shadowed flag, then its own)', (name, example) => {
    expect(t.call('listRoles', name)).toEqual({ status: 200, body: specExample('listRoles', 200, example) });
  });

  it('TR8: organization roles follow, oldest first, and the list is paged', () => {
    t.call('createRole', 'acme-owner', { body: { name: 'alpha', permissions: [] } });
    t.advance(1);
    t.call('createRole', 'acme-owner', { body: { name: 'beta', permissions: [] } });
    const page = t.call('listRoles', 'acme-owner', { query: { page: 2, limit: 3 } }).body;
    expect(page).toMatchObject({ total: 7, page: 2, limit: 3, totalPages: 3 });
    expect(page.data.map((r: any) => r.name)).toEqual(['member', 'guide-lead', 'alpha']);
    expect(t.call('listRoles', 'acme-owner', { query: { page: 3, limit: 3 } }).body.data.map((r: any) => r.name)).toEqual(['beta']);
  });

  it('TR8: a shadowed system role reads shadowed: true only in the organization that shadows it', () => {
    const shadowed = (name: PrincipalName) =>
      t
        .call('listRoles', name)
        .body.data.filter((r: any) => r.shadowed)
        .map((r: any) => r.id);
    expect(shadowed('globex-owner')).toEqual(['role_coordinator']);
    expect(shadowed('acme-owner')).toEqual([]);
  });
});

describe('TR6 and TI1: invitations follow a role', () => {
  it('TR6: a rename carries the pending invitations naming the role; deleting an unheld role revokes them', () => {
    const invited = t.call('createInvitation', 'acme-owner', { body: { email: 'lead@example.com', role: 'guide-lead' } }).body;
    t.call('updateRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID }, body: { name: 'senior-guide' } });
    const list = () => t.call('listInvitations', 'acme-owner').body.data.find((i: any) => i.id === invited.id);
    expect(list().role).toBe('senior-guide');
    t.call('updateMember', 'acme-owner', { params: { memberId: t.principal('acme-guide-lead').memberId as string }, body: { role: 'member' } });
    t.call('deleteRole', 'acme-owner', { params: { id: GUIDE_LEAD_ID } });
    expect(list().status).toBe('revoked');
  });
});
