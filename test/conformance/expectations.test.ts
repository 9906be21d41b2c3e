/**
 * The expectations are the spec's, not guesses: one row per rule of the order of checks, each with
 * the status, message, kind and rule the pure `expectedOutcome` must give.
 */
import { describe, expect, it } from 'vitest';
import { ROLES, loadSpec, type RoleValue } from '../../src/contract/index.js';
import { expectedOutcome, type CallFacts, type Expected } from '../../conformance/profiles/flashback/expectations.js';
import type { Actor } from '../../conformance/profiles/flashback/principals/actors.js';

const spec = loadSpec();
const A = 'org-a';
const B = 'org-b';

function member(role: RoleValue | null, orgId: string | null = A, userId = `u-${String(role)}`): Actor {
  return { name: `role-${String(role)}`, description: 'x', authorization: undefined, member: { role, orgId, userId } };
}
const anonymous: Actor = { name: 'no-token', description: 'a request with no Authorization header', authorization: undefined, member: null };
const target = (role: RoleValue, opts: { orgId?: string; deleted?: boolean; id?: string } = {}): CallFacts['user'] => ({
  id: opts.id ?? `t-${role}`,
  orgId: opts.orgId ?? A,
  role,
  deleted: opts.deleted ?? false,
});
const { USER, BILLING, WORKSPACES, ADMINISTRATOR, OWNER } = ROLES;

type Want = Partial<Pick<Expected, 'status' | 'message' | 'kind' | 'rule'>>;
const rows: [string, string, Actor, CallFacts, Want][] = [
  ['no token is a 401', 'listOrganizationUsers', anonymous, {}, { status: 401, kind: 'auth', rule: 'A2', message: 'Authentication required' }],
  ['BILLING may not list users; the list 403 has no message', 'listOrganizationUsers', member(BILLING), {}, { status: 403, kind: 'role', message: null }],
  ['WORKSPACES lists users', 'listOrganizationUsers', member(WORKSPACES), {}, { status: 200 }],
  [
    'no organization: 403 (U2)',
    'createOrganizationUser',
    member(null, null),
    { grant: USER },
    { status: 403, rule: 'U2', message: 'Insufficient permissions to create users' },
  ],
  ['USER reads its own organization (O1)', 'getOrganization', member(USER), { pathOrgId: A }, { status: 200 }],
  [
    "another organization's id is a tenant 403",
    'getOrganization',
    member(OWNER, B),
    { pathOrgId: A },
    { status: 403, kind: 'tenant', message: 'Access denied: you can only view your own organization' },
  ],
  [
    'the organization PUT checks the tenant before the role',
    'updateOrganization',
    member(USER, B),
    { pathOrgId: A },
    { status: 403, kind: 'tenant', message: 'Access denied: you can only modify your own organization' },
  ],
  [
    'WORKSPACES may not modify the organization',
    'updateOrganization',
    member(WORKSPACES),
    { pathOrgId: A },
    { status: 403, kind: 'role', message: 'Insufficient permissions: only OWNER and ADMINISTRATOR roles can modify organization' },
  ],
  ['ADMINISTRATOR modifies the organization', 'updateOrganization', member(ADMINISTRATOR), { pathOrgId: A }, { status: 200 }],
  [
    'R5: WORKSPACES may not grant WORKSPACES',
    'createOrganizationUser',
    member(WORKSPACES),
    { grant: WORKSPACES },
    { status: 403, rule: 'R5', kind: 'business', message: 'Insufficient permissions to assign this role' },
  ],
  ['R5: WORKSPACES grants BILLING', 'createOrganizationUser', member(WORKSPACES), { grant: BILLING }, { status: 201 }],
  ['R5: an OWNER grants OWNER', 'createOrganizationUser', member(OWNER), { grant: OWNER }, { status: 201 }],
  [
    'R7: deleting yourself',
    'deleteOrganizationUser',
    member(OWNER, A, 'me'),
    { user: target(OWNER, { id: 'me' }) },
    { status: 400, rule: 'R7', message: 'Cannot delete yourself' },
  ],
  [
    'R7: your own role, even unchanged',
    'updateOrganizationUser',
    member(ADMINISTRATOR, A, 'me'),
    { user: target(ADMINISTRATOR, { id: 'me' }), grant: ADMINISTRATOR },
    { status: 400, rule: 'R7', message: 'Cannot change your own role' },
  ],
  ['R7: your own name is fine', 'updateOrganizationUser', member(WORKSPACES, A, 'me'), { user: target(WORKSPACES, { id: 'me' }) }, { status: 200 }],
  [
    'R6: WORKSPACES may not manage an equal',
    'updateOrganizationUser',
    member(WORKSPACES),
    { user: target(WORKSPACES) },
    { status: 403, rule: 'R6', message: 'Insufficient permissions to update users' },
  ],
  [
    'R6: ADMINISTRATOR may not delete an OWNER',
    'deleteOrganizationUser',
    member(ADMINISTRATOR),
    { user: target(OWNER) },
    { status: 403, rule: 'R6', message: 'Insufficient permissions to delete users' },
  ],
  ['R6: an OWNER manages an OWNER', 'deleteOrganizationUser', member(OWNER), { user: target(OWNER) }, { status: 200 }],
  ['R6 before R5 on update', 'updateOrganizationUser', member(WORKSPACES), { user: target(ADMINISTRATOR), grant: USER }, { status: 403, rule: 'R6' }],
  [
    'R5 after R6 on update',
    'updateOrganizationUser',
    member(WORKSPACES),
    { user: target(USER), grant: WORKSPACES },
    { status: 403, rule: 'R5', message: 'Insufficient permissions to assign this role' },
  ],
  ['U7: activate a deleted user', 'activateOrganizationUser', member(ADMINISTRATOR), { user: target(USER, { deleted: true }) }, { status: 200 }],
  [
    'U7: activate an active user',
    'activateOrganizationUser',
    member(ADMINISTRATOR),
    { user: target(USER) },
    { status: 400, rule: 'U7', message: 'User is not deleted' },
  ],
  [
    'U6: delete a deleted user',
    'deleteOrganizationUser',
    member(ADMINISTRATOR),
    { user: target(USER, { deleted: true }) },
    { status: 400, rule: 'U6', message: 'User is already deleted' },
  ],
  [
    'U5: update a deleted user',
    'updateOrganizationUser',
    member(ADMINISTRATOR),
    { user: target(USER, { deleted: true }) },
    { status: 400, rule: 'U5', message: 'Cannot update a deleted user' },
  ],
  ['R6 before the state rule', 'activateOrganizationUser', member(WORKSPACES), { user: target(WORKSPACES, { deleted: true }) }, { status: 403, rule: 'R6' }],
  [
    "another organization's user is a tenant 403",
    'updateOrganizationUser',
    member(OWNER),
    { user: target(USER, { orgId: B }) },
    { status: 403, kind: 'tenant', message: 'Insufficient permissions to update users' },
  ],
  ['the role comes before the tenant', 'getOrganizationUser', member(BILLING), { user: target(USER, { orgId: B }) }, { status: 403, kind: 'role' }],
];

describe('expectedOutcome follows the access rules and the order of checks', () => {
  it.each(rows)('%s', (_name, operationId, actor, facts, want) => {
    const op = spec.byId.get(operationId);
    if (!op) throw new Error(operationId);
    const got = expectedOutcome(spec, op, actor, facts);
    expect(got).toMatchObject(want);
  });

  it('an allowed call names the rank rules that let it through, so that a refusal reads against them', () => {
    const create = spec.byId.get('createOrganizationUser');
    const update = spec.byId.get('updateOrganizationUser');
    if (!create || !update) throw new Error('spec');
    expect(expectedOutcome(spec, create, member(OWNER), { grant: OWNER })).toMatchObject({
      status: 201,
      kind: 'role',
      reason: expect.stringMatching(/and may grant OWNER \(R5\)$/),
    });
    expect(expectedOutcome(spec, update, member(OWNER), { user: target(OWNER) })).toMatchObject({
      status: 200,
      reason: expect.stringMatching(/and may manage a OWNER user \(R6\)$/),
    });
    expect(expectedOutcome(spec, update, member(WORKSPACES, A, 'me'), { user: target(WORKSPACES, { id: 'me' }) })).toMatchObject({
      status: 200,
      reason: expect.not.stringMatching(/R6/),
    });
  });

  it('does not guess where the rules give no single answer', () => {
    const activate = spec.byId.get('activateOrganizationUser');
    const list = spec.byId.get('listOrganizationUsers');
    if (!activate || !list) throw new Error('spec');
    expect(expectedOutcome(spec, activate, member(OWNER, A, 'me'), { user: target(OWNER, { id: 'me' }) }).status).toBeNull();
    expect(expectedOutcome(spec, list, { ...member(USER), member: { role: undefined, orgId: A, userId: 'x' } }, {}).status).toBeNull();
  });
});
