/** docs/decisions/tours.md, section 2: credentials (TA1 to TA6), on the domain directly. */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, SESSION_COOKIE, SESSION_TTL_MS, readCredentials } from '../../../src/apis/tours/index.js';
import { SESSIONS_PER_USER } from '../../../src/apis/tours/store.js';
import { outboxCapacity } from '../../../src/engine/state-limits.js';
import { createTours, NOW, type Tours } from './harness.js';

/** What the control plane's spec says an outbox keeps (`Outbox.emails.maxItems`). */
const OUTBOX_CAPACITY = outboxCapacity();

let t: Tours;
beforeEach(() => {
  t = createTours();
});

const cookieOf = (token: string): string => `theme=dark; ${SESSION_COOKIE}=${token}; other=1`;
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('TA1: API keys and sessions', () => {
  it('TA1: a new API key is tke_test_ and 32 base64url characters (24 random bytes)', () => {
    const { status, body } = t.call('createApiKey', 'acme-owner', { body: { name: 'Booking sync' } });
    expect(status).toBe(201);
    expect(body.key).toMatch(API_KEY_PATTERN);
    expect(body.key).toHaveLength(41);
    expect(Buffer.from(body.key.slice(9), 'base64url')).toHaveLength(24);
  });

  it('TA1: a session token is 32 random bytes in base64url, read from the better-auth.session_token cookie only', () => {
    const { body } = t.call('signInEmail', null, { body: { email: 'sam@acme-tours.example', password: 'Member-Passw0rd' } });
    expect(Buffer.from(body.token, 'base64url')).toHaveLength(32);
    expect(readCredentials(undefined, cookieOf(body.token))).toEqual({ bearer: null, sessionToken: body.token });
    expect(readCredentials(undefined, `session_token=${body.token}`)).toEqual({ bearer: null, sessionToken: null });
  });

  it.each([
    ['Bearer tke_test_abc', 'tke_test_abc'],
    ['bearer   tke_test_abc ', 'tke_test_abc'],
    ['Basic dXNlcjpwYXNz', 'Basic dXNlcjpwYXNz'],
  ])('TA1: the Authorization header %j is read as the bearer value %j', (header, bearer) => {
    expect(readCredentials(header, undefined).bearer).toBe(bearer);
  });
});

describe('TA2: signing in and out', () => {
  it('TA2: sign-in answers {token, user} and sets the session cookie HttpOnly, SameSite=Lax, Path=/', () => {
    const answer = t.call('signInEmail', null, { body: { email: 'OLIVIA@acme-tours.example', password: 'Owner-Passw0rd' } });
    expect(answer.status).toBe(200);
    expect(answer.body.user).toEqual({ id: t.principal('acme-owner').userId, email: 'olivia@acme-tours.example', name: 'Olivia Park' });
    expect(answer.headers?.['Set-Cookie']).toBe(`${SESSION_COOKIE}=${answer.body.token}; Path=/; HttpOnly; SameSite=Lax`);
    expect(t.domain.authenticate(undefined, cookieOf(answer.body.token))).toMatchObject({ kind: 'ok', credential: 'session' });
  });

  it.each([
    ['an unknown email', 'nobody@acme-tours.example', 'Owner-Passw0rd'],
    ['a wrong password', 'olivia@acme-tours.example', 'owner-passw0rd'],
  ])('TA2: %s is the same 401 Invalid email or password', (_case, email, password) => {
    expect(t.call('signInEmail', null, { body: { email, password } })).toEqual({ status: 401, body: { error: 'Invalid email or password' } });
  });

  it('TA2: sign-out ends the session, and its next use is Invalid or expired session', () => {
    const caller = t.as('acme-member');
    expect(t.call('signOut', caller)).toEqual({ status: 200, body: { success: true } });
    expect(t.domain.authenticate(undefined, cookieOf(t.principal('acme-member').sessionToken))).toEqual({
      kind: 'refused',
      error: 'Invalid or expired session',
    });
  });

  it('TA2: sign-out and get-session without a session answer 200 ({success: true}, null)', () => {
    expect(t.call('signOut', null)).toEqual({ status: 200, body: { success: true } });
    expect(t.call('getSession', null)).toEqual({ status: 200, body: null });
  });

  it('TA2: get-session answers the session of the cookie and its user', () => {
    const caller = t.as('acme-admin');
    const { body } = t.call('getSession', caller);
    expect(body).toEqual({
      session: { id: caller.credentialId, userId: caller.userId, expiresAt: new Date(NOW + SESSION_TTL_MS).toISOString() },
      user: { id: caller.userId, email: 'arjun@acme-tours.example', name: 'Arjun Mehta' },
    });
  });

  it('TA2: a session lasts 7 days exactly: accepted a second before, refused at 7 days', () => {
    const cookie = cookieOf(t.principal('acme-owner').sessionToken);
    t.advance(7 * 24 * 3600 - 1);
    expect(t.domain.authenticate(undefined, cookie).kind).toBe('ok');
    t.advance(1);
    expect(t.domain.authenticate(undefined, cookie)).toEqual({ kind: 'refused', error: 'Invalid or expired session' });
  });
});

describe('TA3: credential failures', () => {
  const cases: [string, (t: Tours) => [string | undefined, string | undefined], { kind: string; error?: string; credential?: string }][] = [
    ['nothing at all', () => [undefined, undefined], { kind: 'none' }],
    ['a bearer value that is not a tke_ key', () => ['Bearer some-jwt-value', undefined], { kind: 'refused', error: 'Invalid API key' }],
    ['another scheme', () => ['Basic dXNlcjpwYXNz', undefined], { kind: 'refused', error: 'Invalid API key' }],
    ['a malformed tke_ key', () => ['Bearer tke_test_short', undefined], { kind: 'refused', error: 'Invalid API key' }],
    ['a well-formed unknown key', () => [`Bearer tke_live_${'A'.repeat(32)}`, undefined], { kind: 'refused', error: 'Invalid API key' }],
    ['the seeded expired key', (t) => [`Bearer ${t.domain.principals().expiredApiKey}`, undefined], { kind: 'refused', error: 'API key has expired' }],
    ['the seeded revoked key', (t) => [`Bearer ${t.domain.principals().revokedApiKey}`, undefined], { kind: 'refused', error: 'API key has been revoked' }],
    ['an unknown session', () => [undefined, cookieOf('nope')], { kind: 'refused', error: 'Invalid or expired session' }],
    ['a live key', (t) => [`Bearer ${t.principal('acme-member').apiKey}`, undefined], { kind: 'ok', credential: 'apiKey' }],
    ['a live session', (t) => [undefined, cookieOf(t.principal('acme-member').sessionToken)], { kind: 'ok', credential: 'session' }],
    [
      'a bad key with a live session (the key is judged)',
      (t) => ['Bearer nope', cookieOf(t.principal('acme-member').sessionToken)],
      { kind: 'refused', error: 'Invalid API key' },
    ],
    [
      'a live key with a bad session (the key is judged)',
      (t) => [`Bearer ${t.principal('acme-member').apiKey}`, cookieOf('nope')],
      { kind: 'ok', credential: 'apiKey' },
    ],
  ];
  it.each(cases)('TA3: %s', (_case, sent, expected) => {
    const [authorization, cookie] = sent(t);
    expect(t.domain.authenticate(authorization, cookie)).toMatchObject(expected);
  });

  it('TA3: the use of an expired key sets its status to expired', () => {
    const expired = t.domain.store.apiKeyByHash(sha256(t.domain.principals().expiredApiKey));
    expect(expired?.status).toBe('active');
    t.domain.authenticate(`Bearer ${t.domain.principals().expiredApiKey}`, undefined);
    expect(t.domain.store.apiKeyByHash(sha256(t.domain.principals().expiredApiKey))?.status).toBe('expired');
    expect(t.domain.authenticate(`Bearer ${t.domain.principals().expiredApiKey}`, undefined)).toEqual({ kind: 'refused', error: 'API key has expired' });
  });

  it('TA3: a key is accepted before its expiresAt and refused as expired from that moment', () => {
    const { body } = t.call('createApiKey', 'acme-owner', { body: { name: 'Short', expiresAt: new Date(NOW + 60_000).toISOString() } });
    t.advance(59);
    expect(t.domain.authenticate(`Bearer ${body.key}`, undefined).kind).toBe('ok');
    t.advance(1);
    expect(t.domain.authenticate(`Bearer ${body.key}`, undefined)).toEqual({ kind: 'refused', error: 'API key has expired' });
  });

  it('TA3: the keys of a deleted organization no longer exist; the keys of a removed member were revoked', () => {
    const globexKey = `Bearer ${t.principal('globex-owner').apiKey}`;
    const memberKey = `Bearer ${t.principal('acme-member').apiKey}`;
    expect(t.call('deleteOrganizationById', 'superadmin', { params: { id: t.principal('globex-owner').orgId as string } }).status).toBe(200);
    expect(t.call('removeMember', 'acme-owner', { params: { memberId: t.principal('acme-member').memberId as string } }).status).toBe(200);
    expect(t.domain.authenticate(globexKey, undefined)).toEqual({ kind: 'refused', error: 'Invalid API key' });
    expect(t.domain.authenticate(memberKey, undefined)).toEqual({ kind: 'refused', error: 'API key has been revoked' });
  });

  it('TA3: lastUsedAt is set on every successful use, on the clock', () => {
    const key = `Bearer ${t.principal('acme-coordinator').apiKey}`;
    const stored = () => t.domain.store.apiKeyByHash(sha256(t.principal('acme-coordinator').apiKey));
    expect(stored()?.lastUsedAt).toBeNull();
    t.domain.authenticate(key, undefined);
    expect(stored()?.lastUsedAt).toBe(new Date(NOW).toISOString());
    t.advance(30);
    t.domain.authenticate(key, undefined);
    expect(stored()?.lastUsedAt).toBe(new Date(NOW + 30_000).toISOString());
  });
});

describe('TA4: a key acts as its user, as the user is now', () => {
  it('TA4: a role change, a suspension and a removal apply from the key’s next request', () => {
    const key = t.principal('acme-member').apiKey;
    const memberId = t.principal('acme-member').memberId as string;
    expect(t.byKey(key).role?.name).toBe('member');
    expect(t.call('getMyPermissions', t.byKey(key)).body.permissions['users.read']).toBe(false);

    t.call('updateMember', 'acme-owner', { params: { memberId }, body: { role: 'coordinator' } });
    expect(t.byKey(key).role?.name).toBe('coordinator');
    expect(t.call('getMyPermissions', t.byKey(key)).body.permissions['users.read']).toBe(true);

    t.call('updateMember', 'acme-owner', { params: { memberId }, body: { status: 'suspended' } });
    expect(t.call('listMembers', t.byKey(key))).toEqual({ status: 403, body: { error: 'Your membership is suspended', reason: 'member_suspended' } });

    t.call('updateMember', 'acme-owner', { params: { memberId }, body: { status: 'active' } });
    expect(t.call('listMembers', t.byKey(key)).status).toBe(200);
  });

  it('TA4: a change of a role’s permissions applies to its holders’ next request', () => {
    const guideLead = () => t.as('acme-guide-lead', 'apiKey');
    expect([...(guideLead().role?.permissions ?? [])]).toEqual(['users.read']);
    t.call('updateRole', 'acme-owner', { params: { id: 'f4c2e8a6-1b3d-4f5e-9a7c-6d8b0e2f4a13' }, body: { permissions: ['users.read', 'users.invite'] } });
    expect([...(guideLead().role?.permissions ?? [])]).toEqual(['users.read', 'users.invite']);
  });

  it('TA4: a key’s caller is read once while nothing it was read from changes, and afresh after any change of users, members or roles', () => {
    const key = t.principal('acme-member').apiKey;
    const first = t.byKey(key);
    expect(t.byKey(key)).toBe(first); // a lastUsedAt write of the key itself changes no caller
    t.call('createRole', 'acme-owner', { body: { name: 'scouts', permissions: ['users.read'] } });
    const afterRoles = t.byKey(key);
    expect(afterRoles).not.toBe(first);
    expect(afterRoles).toEqual(first);
  });
});

describe('TA5: session-only endpoints', () => {
  it.each(['orgless', 'superadmin', 'acme-member'] as const)('TA5: %s may manage API keys with or without an organization', (name) => {
    const created = t.call('createApiKey', name, { body: { name: 'Mine' } });
    expect(created.status).toBe(201);
    expect(t.call('listApiKeys', name).body.data.map((k: any) => k.id)).toContain(created.body.id);
  });

  it('TA5: the platform routes need no organization of the Super Admin', () => {
    expect(t.as('superadmin').tenantId).toBeNull();
    expect(t.call('listOrganizations', 'superadmin').status).toBe(200);
  });

  it('TA5: sign-out with an API key ends no session (the engine answers it 403 session_required)', () => {
    t.call('signOut', t.as('acme-member', 'apiKey'));
    expect(t.domain.authenticate(undefined, cookieOf(t.principal('acme-member').sessionToken)).kind).toBe('ok');
  });
});

describe('TA6: managing API keys', () => {
  it('TA6: the 201 holds the full key once; the store keeps its SHA-256 and its 12-character prefix only', () => {
    const { body } = t.call('createApiKey', 'acme-owner', { body: { name: 'Booking sync' } });
    expect(body).toMatchObject({ name: 'Booking sync', status: 'active', lastUsedAt: null, expiresAt: null, keyPrefix: body.key.slice(0, 12) });
    const stored = t.domain.store.apiKeys.get(body.id);
    expect(stored?.keyHash).toBe(sha256(body.key));
    expect(JSON.stringify(t.domain.exportState())).not.toContain(body.key);
    expect(t.call('getApiKey', 'acme-owner', { params: { id: body.id } }).body).not.toHaveProperty('key');
    expect(t.call('listApiKeys', 'acme-owner').body.data.every((k: any) => !('key' in k))).toBe(true);
  });

  it.each([
    ['an empty name', { name: '' }, 422, 'Invalid field: name must be 1 to 100 characters'],
    ['a name of 101 characters', { name: 'k'.repeat(101) }, 422, 'Invalid field: name must be 1 to 100 characters'],
    ['an expiresAt in the past', { name: 'k', expiresAt: '2026-01-31T09:00:00.000Z' }, 422, 'Invalid field: expiresAt must be in the future'],
    ['an expiresAt of now', { name: 'k', expiresAt: '2026-02-01T09:00:00.000Z' }, 422, 'Invalid field: expiresAt must be in the future'],
    ['an expiresAt that is not a date-time', { name: 'k', expiresAt: 'next tuesday' }, 422, 'Invalid field: expiresAt must be an ISO 8601 date-time'],
    ['no name', { expiresAt: '2026-12-31T23:59:59.000Z' }, 400, "Invalid request body: 'name' is required"],
    ['a name that is not a string', { name: 42 }, 400, "Invalid request body: 'name' must be a string"],
  ])('TA6: create with %s is a %i', (_case, body, status, error) => {
    expect(t.call('createApiKey', 'acme-owner', { body })).toEqual({ status, body: { error } });
  });

  it.each([
    ['a name of 1 character', { name: 'k' }],
    ['a name of 100 characters', { name: 'k'.repeat(100) }],
    ['an expiresAt in the future, with an offset', { name: 'k', expiresAt: '2026-12-31T23:59:59+02:00' }],
  ])('TA6: create with %s is a 201', (_case, body) => {
    const answer = t.call('createApiKey', 'acme-owner', { body });
    expect(answer.status).toBe(201);
  });

  it('TA6: users see and manage their own keys only; another user’s key id is a 404 API key not found', () => {
    const { body: mine } = t.call('createApiKey', 'acme-owner', { body: { name: 'Mine' } });
    const notFound = { status: 404, body: { error: 'API key not found' } };
    expect(t.call('listApiKeys', 'acme-admin').body.data.map((k: any) => k.id)).not.toContain(mine.id);
    expect(t.call('getApiKey', 'acme-admin', { params: { id: mine.id } })).toEqual(notFound);
    expect(t.call('updateApiKey', 'acme-admin', { params: { id: mine.id }, body: { status: 'revoked' } })).toEqual(notFound);
    expect(t.call('deleteApiKey', 'acme-admin', { params: { id: mine.id } })).toEqual(notFound);
    expect(t.call('getApiKey', 'acme-admin', { params: { id: 'no-such-key' } })).toEqual(notFound);
    expect(t.call('getApiKey', 'acme-owner', { params: { id: mine.id } }).status).toBe(200);
  });

  it('TA6: revocation is final: revoked, then active again is a 422', () => {
    const { body } = t.call('createApiKey', 'acme-owner', { body: { name: 'Soon gone' } });
    const revoked = t.call('updateApiKey', 'acme-owner', { params: { id: body.id }, body: { status: 'revoked' } });
    expect(revoked.body.status).toBe('revoked');
    expect(t.domain.authenticate(`Bearer ${body.key}`, undefined)).toEqual({ kind: 'refused', error: 'API key has been revoked' });
    expect(t.call('updateApiKey', 'acme-owner', { params: { id: body.id }, body: { status: 'active' } })).toEqual({
      status: 422,
      body: { error: 'A revoked key cannot be reactivated' },
    });
  });

  it.each([
    [{}, 400, 'Invalid request body: no fields to update'],
    [{ keyPrefix: 'tke_test_XXX' }, 400, 'Invalid request body: no fields to update'],
    [{ status: 'expired' }, 422, 'Invalid field: status must be one of active, revoked'],
    [{ name: '' }, 422, 'Invalid field: name must be 1 to 100 characters'],
  ])('TA6: PATCH %j is a %i', (body, status, error) => {
    const { body: key } = t.call('createApiKey', 'acme-owner', { body: { name: 'Key' } });
    expect(t.call('updateApiKey', 'acme-owner', { params: { id: key.id }, body })).toEqual({ status, body: { error } });
  });

  it('TA6: PATCH renames a key; DELETE removes it for good ({success: true}), and its next use is Invalid API key', () => {
    const { body: key } = t.call('createApiKey', 'acme-owner', { body: { name: 'Key' } });
    expect(t.call('updateApiKey', 'acme-owner', { params: { id: key.id }, body: { name: 'Booking sync (EU)' } }).body.name).toBe('Booking sync (EU)');
    expect(t.call('deleteApiKey', 'acme-owner', { params: { id: key.id } })).toEqual({ status: 200, body: { success: true } });
    expect(t.call('getApiKey', 'acme-owner', { params: { id: key.id } }).status).toBe(404);
    expect(t.domain.authenticate(`Bearer ${key.key}`, undefined)).toEqual({ kind: 'refused', error: 'Invalid API key' });
  });

  it('TA6: the list is {data} of the caller’s keys, oldest first, every status', () => {
    const { body } = t.call('listApiKeys', 'acme-admin');
    expect(body.data.map((k: any) => k.status).sort()).toEqual(['active', 'active', 'revoked']);
    const times = body.data.map((k: any) => k.createdAt);
    expect([...times].sort()).toEqual(times);
  });
});

describe('bounded state: ended and expired sessions dropped, sessions per user and the outbox capped', () => {
  const sessionsOf = (userId: string) => t.domain.exportState().sessions.filter((s) => s.userId === userId);
  const signIn = () => t.call('signInEmail', null, { body: { email: 'sam@acme-tours.example', password: 'Member-Passw0rd' } });

  it(`10,000 sign-ins of one user leave SESSIONS_PER_USER (${SESSIONS_PER_USER}) sessions, the newest, besides the seeded one; the oldest is refused`, () => {
    const userId = t.principal('acme-member').userId;
    const first = signIn().body.token as string;
    let last = first;
    for (let i = 1; i < 10_000; i++) last = signIn().body.token as string;
    expect(sessionsOf(userId)).toHaveLength(SESSIONS_PER_USER + 1);
    expect(sessionsOf(userId).at(-1)?.tokenHash).toBe(sha256(last));
    expect(t.domain.authenticate(undefined, cookieOf(first))).toEqual({ kind: 'refused', error: 'Invalid or expired session' });
    expect(t.domain.authenticate(undefined, cookieOf(last)).kind).toBe('ok');
  });

  it("the cap never pushes out a seeded principal's session (the one /__mock/principals hands out), after a state import too", () => {
    const member = t.principal('acme-member');
    for (let i = 0; i < SESSIONS_PER_USER + 10; i++) signIn();
    expect(sessionsOf(member.userId)).toHaveLength(SESSIONS_PER_USER + 1);
    expect(t.domain.authenticate(undefined, cookieOf(member.sessionToken)).kind).toBe('ok');
    t.domain.importState(t.domain.exportState());
    for (let i = 0; i < 10; i++) signIn();
    expect(t.domain.authenticate(undefined, cookieOf(member.sessionToken)).kind).toBe('ok');
  });

  it('a session ended by sign-out is dropped, not kept', () => {
    const before = t.domain.exportState().sessions.length;
    t.call('signOut', t.as('acme-member'));
    expect(t.domain.exportState().sessions).toHaveLength(before - 1);
    expect(t.domain.exportState().sessions.some((s) => s.ended)).toBe(false);
  });

  it('expired sessions are dropped at the next sign-in', () => {
    t.advance(SESSION_TTL_MS / 1000);
    const fresh = signIn().body.token as string;
    expect(t.domain.exportState().sessions.map((s) => s.tokenHash)).toEqual([sha256(fresh)]);
  });

  it(`the outbox keeps the ${OUTBOX_CAPACITY} most recent invitation emails (openapi/mock-control.yaml), the oldest dropped first`, () => {
    const count = OUTBOX_CAPACITY + 5;
    for (let i = 0; i < count; i++)
      expect(t.call('createInvitation', 'acme-owner', { body: { email: `guest${i}@example.com`, role: 'member' } }).status).toBe(201);
    const outbox = t.domain.outbox();
    expect(outbox).toHaveLength(OUTBOX_CAPACITY);
    expect(outbox[0]?.to).toBe(`guest${count - OUTBOX_CAPACITY}@example.com`);
    expect(outbox.at(-1)?.to).toBe(`guest${count - 1}@example.com`);
  });
});
