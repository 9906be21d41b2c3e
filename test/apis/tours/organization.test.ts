/** docs/decisions/tours.md, sections 5 and 6: TE1–TE4, TO1, TO2, on the domain directly. */
import { beforeEach, describe, expect, it } from 'vitest';
import { resolvePointer } from '../../../src/contract/index.js';
import { serialiseBody } from '../../../src/engine/json-body.js';
import { PAGE_LIMIT_CAP } from '../../../src/apis/tours/operations/index.js';
import { createTours, NOW, spec, specExample, type Tours } from './harness.js';

/** The bytes the engine sends for a body, as text, when it keeps them (the same Buffer each time); undefined when it serialises the body anew. */
function keptBytes(body: unknown): string | undefined {
  const bytes = serialiseBody(body);
  return Buffer.isBuffer(bytes) && serialiseBody(body) === bytes ? bytes.toString('utf8') : undefined;
}

let t: Tours;
beforeEach(() => {
  t = createTours();
});

const acmeId = (): string => t.principal('acme-owner').orgId as string;
const globexId = (): string => t.principal('globex-owner').orgId as string;

describe('TO1: the organization', () => {
  it('TO1: GET /me answers the caller’s organization as a bare object (the spec’s example acme)', () => {
    const answer = t.call('getCurrentOrganization', 'acme-member');
    expect(answer).toMatchObject({ status: 200, body: specExample('getCurrentOrganization', 200, 'acme') });
    // The cached serialisation the server sends is exactly the body's.
    expect(keptBytes(answer.body)).toBe(JSON.stringify(answer.body));
    expect(t.call('getCurrentOrganization', 'globex-coordinator').body.name).toBe('Globex Events');
  });

  it.each([
    [{ name: '' }, 'Invalid field: name must be 1 to 100 characters'],
    [{ name: 'n'.repeat(101) }, 'Invalid field: name must be 1 to 100 characters'],
    [{ logo: 'ftp://cdn.example/logo.png' }, 'Invalid field: logo must be an absolute http(s) URL'],
    [{ logo: '/logo.png' }, 'Invalid field: logo must be an absolute http(s) URL'],
    [{ logo: 'https://' }, 'Invalid field: logo must be an absolute http(s) URL'],
    [{ logo: 'https://cdn.example/a logo.png' }, 'Invalid field: logo must be an absolute http(s) URL'],
    [{ timezone: 'Mars/Olympus_Mons' }, 'Invalid field: timezone must be an IANA time zone name'],
    [{ timezone: 'america/los_angeles' }, 'Invalid field: timezone must be an IANA time zone name'],
    [{ name: 'Fine', timezone: 'PST' }, 'Invalid field: timezone must be an IANA time zone name'],
  ])('TO1: PATCH /me with %j is a 422 naming the field', (body, error) => {
    expect(t.call('updateCurrentOrganization', 'acme-admin', { body })).toEqual({ status: 422, body: { error } });
  });

  it.each([
    [{ name: 'Acme Tours & Travel', timezone: 'America/New_York' }],
    [{ name: 'n'.repeat(100) }],
    [{ logo: null }],
    [{ logo: 'http://cdn.acme-tours.example/new-logo.png?v=2' }],
    [{ timezone: 'UTC' }],
  ])('TO1: PATCH /me with %j is applied and updatedAt moves to now', (body) => {
    t.advance(60);
    const { status, body: org } = t.call('updateCurrentOrganization', 'acme-owner', { body });
    expect(status).toBe(200);
    expect(org).toMatchObject({ ...body, slug: 'acme-tours', updatedAt: new Date(NOW + 60_000).toISOString() });
    expect(t.call('getCurrentOrganization', 'acme-member').body).toEqual(org);
  });

  it.each([
    [{}, 'Invalid request body: no fields to update'],
    [{ slug: 'new-slug', id: 'x' }, 'Invalid request body: no fields to update'],
    [{ name: 7 }, "Invalid request body: 'name' must be a string"],
    [['name'], 'Invalid request body: expected a JSON object'],
  ])('TO1: PATCH /me with %j is a 400', (body, error) => {
    expect(t.call('updateCurrentOrganization', 'acme-owner', { body })).toEqual({ status: 400, body: { error } });
  });
});

describe('TO2: platform operations', () => {
  it('TO2: GET /api/organizations lists every organization, oldest first, paged (the spec’s example)', () => {
    const twoOrganizations = specExample('listOrganizations', 200, 'twoOrganizations');
    expect(t.call('listOrganizations', 'superadmin')).toEqual({ status: 200, body: twoOrganizations });
    expect(t.call('listOrganizations', 'superadmin', { query: { page: 3 } })).toEqual({
      status: 200,
      body: specExample('listOrganizations', 200, 'pastTheEnd'),
    });
  });

  it('TO2: GET and PATCH /{id} reach any organization; an unknown id is a 404 Organization not found', () => {
    expect(t.call('getOrganizationById', 'superadmin', { params: { id: globexId() } })).toEqual({
      status: 200,
      body: specExample('getOrganizationById', 200, 'globex'),
    });
    expect(t.call('updateOrganizationById', 'superadmin', { params: { id: globexId() }, body: { name: 'Globex Live Events' } }).body.name).toBe(
      'Globex Live Events',
    );
    expect(t.call('updateOrganizationById', 'superadmin', { params: { id: globexId() }, body: { timezone: 'Nowhere' } }).status).toBe(422);
    for (const op of ['getOrganizationById', 'deleteOrganizationById']) {
      expect(t.call(op, 'superadmin', { params: { id: 'no-such-org' } })).toEqual({ status: 404, body: { error: 'Organization not found' } });
    }
  });

  it('TO2: PATCH /{id} answers a malformed body (400) before a missing organization (404)', () => {
    expect(t.call('updateOrganizationById', 'superadmin', { params: { id: 'no-such-org' }, body: {} }).status).toBe(400);
    expect(t.call('updateOrganizationById', 'superadmin', { params: { id: 'no-such-org' }, body: { name: 'x' } }).status).toBe(404);
  });

  it('TO2: DELETE /{id} removes the organization with its memberships, roles, invitations and keys', () => {
    const store = t.domain.store;
    const acmeKey = t.principal('acme-member').apiKey;
    const ownerUserId = t.principal('acme-owner').userId;
    expect(t.call('deleteOrganizationById', 'superadmin', { params: { id: acmeId() } })).toEqual({ status: 200, body: { success: true } });
    expect(store.organizations.get(acmeId())).toBeUndefined();
    expect(store.membersOf(acmeId())).toEqual([]);
    expect(store.rolesOf(acmeId())).toEqual([]);
    expect(store.invitationsOf(acmeId())).toEqual([]);
    expect(store.apiKeysOf(ownerUserId)).toEqual([]);
    expect(t.domain.authenticate(`Bearer ${acmeKey}`, undefined)).toEqual({ kind: 'refused', error: 'Invalid API key' });
    // Former members stay as users with no organization.
    expect(store.users.get(ownerUserId)?.email).toBe('olivia@acme-tours.example');
    expect(t.call('getCurrentOrganization', 'acme-owner')).toEqual({
      status: 403,
      body: { error: 'You are not a member of an organization', reason: 'no_organization' },
    });
    expect(t.call('getInvitationByToken', null, { params: { token: t.domain.principals().invitation.token } }).status).toBe(404);
    // Globex is untouched.
    expect(t.call('listMembers', 'globex-owner').body.total).toBe(2);
  });
});

describe('TE1: bodies', () => {
  it('TE1: a success is the resource itself; a void operation answers {success: true}; an error is {error, reason?}', () => {
    expect(t.call('getCurrentOrganization', 'acme-owner').body).not.toHaveProperty('data');
    expect(t.call('revokeInvitation', 'acme-owner', { params: { id: t.domain.principals().invitation.id } }).body).toEqual({ success: true });
    expect(t.call('listMembers', 'acme-suspended').body).toEqual({ error: 'Your membership is suspended', reason: 'member_suspended' });
    expect(t.call('getApiKey', 'acme-owner', { params: { id: 'x' } }).body).toEqual({ error: 'API key not found' });
  });
});

describe('TE2: paged lists', () => {
  let big: Tours;
  beforeEach(() => {
    big = createTours({ extraMembers: 25 });
  });

  it('TE2: the cap on limit is the spec’s PageLimit maximum', () => {
    expect(resolvePointer(spec.document, '#/components/schemas/PageLimit')).toMatchObject({ maximum: PAGE_LIMIT_CAP });
  });

  it.each([
    [{}, { total: 31, page: 1, limit: 10, totalPages: 4 }, 10],
    [{ page: 4 }, { total: 31, page: 4, limit: 10, totalPages: 4 }, 1],
    [{ page: 5 }, { total: 31, page: 5, limit: 10, totalPages: 4 }, 0],
    [{ limit: 7 }, { total: 31, page: 1, limit: 7, totalPages: 5 }, 7],
    [{ limit: 1000 }, { total: 31, page: 1, limit: 100, totalPages: 1 }, 31],
    [{ page: '2', limit: '30' }, { total: 31, page: 2, limit: 30, totalPages: 2 }, 1],
  ])('TE2: the query %j gives %j', (query, envelope, count) => {
    const { body } = big.call('listMembers', 'acme-owner', { query });
    expect(body).toMatchObject(envelope);
    expect(body.data).toHaveLength(count);
  });

  it.each([
    [{ page: 0 }, 'Invalid query: page must be a positive integer'],
    [{ page: '-1' }, 'Invalid query: page must be a positive integer'],
    [{ page: '1.5' }, 'Invalid query: page must be a positive integer'],
    [{ page: '' }, 'Invalid query: page must be a positive integer'],
    [{ limit: 'ten' }, 'Invalid query: limit must be a positive integer'],
    [{ limit: 0 }, 'Invalid query: limit must be a positive integer'],
    [{ sortBy: 'role' }, 'Invalid query: sortBy must be one of createdAt, name, email'],
    [{ sortDir: 'up' }, 'Invalid query: sortDir must be one of asc, desc'],
  ])('TE2: the query %j is a 400', (query, error) => {
    expect(big.call('listMembers', 'acme-owner', { query })).toEqual({ status: 400, body: { error } });
  });

  it('TE2: a raw query string is read too', () => {
    expect(big.call('listMembers', 'acme-owner', { query: new URLSearchParams('page=2&limit=5') }).body).toMatchObject({ page: 2, limit: 5, total: 31 });
    expect(big.call('listInvitations', 'acme-owner', { query: new URLSearchParams('limit=x') }).status).toBe(400);
  });

  it.each([
    ['createdAt', 'asc'],
    ['createdAt', 'desc'],
    ['name', 'asc'],
    ['name', 'desc'],
    ['email', 'asc'],
    ['email', 'desc'],
  ])('TE2: members sort by %s %s', (sortBy, sortDir) => {
    const { body } = big.call('listMembers', 'acme-owner', { query: { sortBy, sortDir, limit: 100 } });
    const keys: string[] = body.data.map((m: any) => (sortBy === 'createdAt' ? m.createdAt : m.user[sortBy].toLowerCase()));
    const sorted = [...keys].sort();
    expect(keys).toEqual(sortDir === 'asc' ? sorted : sorted.reverse());
  });

  it('TE2: by default members are oldest first (the spec’s example firstTwo)', () => {
    const answer = t.call('listMembers', 'acme-owner', { query: { limit: 2 } });
    expect(answer).toMatchObject({ status: 200, body: specExample('listMembers', 200, 'firstTwo') });
    expect(keptBytes(answer.body)).toBe(JSON.stringify(answer.body));
  });
});

describe('TE4: fixed messages, and a 404 for another organization’s resource', () => {
  it.each([
    ['updateMember', 'memberId', { role: 'member' }, (): string => t.principal('globex-coordinator').memberId as string, 'Member not found'],
    ['removeMember', 'memberId', undefined, (): string => t.principal('globex-coordinator').memberId as string, 'Member not found'],
    ['updateRole', 'id', { name: 'renamed' }, (): string => '0d6f8b2c-4e1a-4c3e-b5d7-9f2a4c6e8b10', 'Role not found'],
    ['deleteRole', 'id', undefined, (): string => '0d6f8b2c-4e1a-4c3e-b5d7-9f2a4c6e8b10', 'Role not found'],
  ] as const)('TE4: %s on another organization’s %s answers exactly like a missing one', (op, param, body, foreignId, error) => {
    const foreign = t.call(op, 'acme-owner', { params: { [param]: foreignId() }, body });
    const missing = t.call(op, 'acme-owner', { params: { [param]: 'does-not-exist' }, body });
    expect(foreign).toEqual({ status: 404, body: { error } });
    expect(foreign).toEqual(missing);
  });

  it('TE4: another organization’s invitation is a 404 Invitation not found, like a missing one', () => {
    const globexInvite = t.call('createInvitation', 'globex-owner', { body: { email: 'guest@example.com', role: 'member' } }).body;
    for (const op of ['resendInvitation', 'revokeInvitation']) {
      expect(t.call(op, 'acme-owner', { params: { id: globexInvite.id } })).toEqual({ status: 404, body: { error: 'Invitation not found' } });
      expect(t.call(op, 'acme-owner', { params: { id: 'nope' } })).toEqual({ status: 404, body: { error: 'Invitation not found' } });
    }
    expect(t.call('resendInvitation', 'globex-owner', { params: { id: globexInvite.id } }).status).toBe(200);
  });
});
