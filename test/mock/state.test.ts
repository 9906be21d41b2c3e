/** The mock's own surface for the server's control plane: seeding, principals, reset, export/import, outbox. */
import { describe, expect, it } from 'vitest';
import { createMockApi, EXTRA_USER_PASSWORD } from '../../src/apis/flashback/index.js';
import { StateImportError, type Handled } from '../../src/engine/api.js';
import { serialiseBody } from '../../src/engine/json-body.js';
import { createHarness, fixturePrincipal, manualClock, newUserBody, ORG_A, ORG_B, SEED, spec } from '../helpers/mock-harness.js';
import { REFRESH_TOKENS_PER_USER } from '../../src/apis/flashback/store.js';
import { REFRESH_TOKEN_TTL_SECONDS } from '../../src/apis/flashback/tokens.js';
import { outboxCapacity } from '../../src/engine/state-limits.js';

/** What the control plane's spec says an outbox keeps (`Outbox.emails.maxItems`). */
const OUTBOX_CAPACITY = outboxCapacity();

const options = { seed: SEED, extraUsers: 50, tokenTtlSeconds: 3600 };

describe('seeding', () => {
  it('the same seed gives the same state, byte for byte', () => {
    const a = JSON.stringify(createMockApi(options, spec()).exportState());
    const b = JSON.stringify(createMockApi(options, spec()).exportState());
    expect(a).toBe(b);
  });

  it('different seeds give different states (organization details and generated users)', () => {
    const a = createMockApi(options, spec()).exportState() as any;
    const b = createMockApi({ ...options, seed: SEED + 1 }, spec()).exportState() as any;
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
    expect(a.organizations[0].name).not.toBe(b.organizations[0].name);
    expect(a.users.at(-1).id).not.toBe(b.users.at(-1).id);
  });

  it('the named principals keep their fixed ids, emails and organizations whatever the seed', () => {
    for (const seed of [1, 2, 3]) {
      const state = createMockApi({ ...options, seed }, spec()).exportState() as any;
      const owner = state.users.find((u: any) => u.email === 'owner@acme.test');
      expect(owner).toMatchObject({ id: '11111111-1111-4111-8111-111111111111', orgId: ORG_A, orgRole: 255 });
      expect(state.organizations.map((o: any) => o.id)).toEqual([ORG_A, ORG_B]);
    }
  });

  it('extraUsers generated members join organization A with unique emails, mostly USER/BILLING/WORKSPACES, validated', async () => {
    const h = createHarness({ extraUsers: 300 });
    const { body } = await h.call('listOrganizationUsers', { token: await h.login('owner') });
    const extra = body.data.slice(7);
    expect(extra).toHaveLength(300);
    expect(new Set(body.data.map((u: any) => u.email.toLowerCase())).size).toBe(body.data.length);
    expect(extra.every((u: any) => [0, 1, 2].includes(u.orgRole) && u.validated && u.deletedAt === null)).toBe(true);
    expect(extra.filter((u: any) => u.orgRole === 0).length).toBeGreaterThan(150);
    const login = await h.call('login', { body: { email: extra[0].email, password: EXTRA_USER_PASSWORD } });
    expect(login.status).toBe(200);
  });

  it('seeds 100,000 users and lists them all; a second listing is served from the cached bytes, not serialised again', async () => {
    const h = createHarness({ extraUsers: 100_000 });
    const token = await h.login('workspaces');
    const operation = spec().byId.get('listOrganizationUsers')!;
    const request = { operation, params: {}, authorization: `Bearer ${token}`, body: undefined };
    const first = (await h.api.handle(request)).response as { body: { total: number } };
    expect(first.body.total).toBe(100_007);
    const handled = h.api.handle(request);
    expect(handled).not.toBeInstanceOf(Promise);
    const second = (handled as Handled).response as { body: { total: number } };
    expect(second.body.total).toBe(100_007);
    // The engine sends the same cached bytes for both: nothing was serialised again.
    expect(typeof serialiseBody(second.body)).not.toBe('string');
    expect(serialiseBody(second.body)).toBe(serialiseBody(first.body));
  }, 60_000);
});

describe('section 8: principals()', () => {
  it('lists the nine named principals with their credentials and a fresh token, none for deleted and unvalidated', async () => {
    const h = createHarness();
    const principals = await h.api.principals();
    expect(principals.map((p) => p.name)).toEqual(['owner', 'administrator', 'workspaces', 'billing', 'user', 'outsider', 'orgless', 'deleted', 'unvalidated']);
    const byName = new Map(principals.map((p) => [p.name, p]));
    expect(byName.get('owner')).toMatchObject({ role: 'OWNER', email: 'owner@acme.test', password: 'Owner-Passw0rd', orgId: ORG_A });
    expect(byName.get('outsider')).toMatchObject({ role: 'OWNER', orgId: ORG_B });
    expect(byName.get('orgless')).toMatchObject({ role: null, orgId: null });
    expect(byName.get('deleted')?.accessToken).toBeNull();
    expect(byName.get('unvalidated')?.accessToken).toBeNull();
    for (const name of ['owner', 'administrator', 'workspaces', 'billing', 'user', 'outsider']) {
      const token = byName.get(name)?.accessToken ?? '';
      const expected = ['owner', 'administrator', 'workspaces', 'outsider'].includes(name) ? 200 : 403;
      expect((await h.call('listOrganizationUsers', { token })).status, name).toBe(expected);
    }
  });

  it('reflects the current state: a principal deleted through the API gets no token', async () => {
    const h = createHarness();
    await h.call('deleteOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('user') } });
    const user = (await h.api.principals()).find((p) => p.name === 'user');
    expect(user?.accessToken).toBeNull();
  });
});

describe('section 8: reset, validateUser, outbox', () => {
  it('reset() returns to the seeded state', async () => {
    const h = createHarness();
    const seeded = JSON.stringify(h.api.exportState());
    await h.call('createOrganizationUser', { token: await h.login('owner'), body: newUserBody() });
    expect(JSON.stringify(h.api.exportState())).not.toBe(seeded);
    h.api.reset();
    expect(JSON.stringify(h.api.exportState())).toBe(seeded);
    expect(h.api.outbox()).toEqual([]);
  });

  it('tokens signed before a reset still work for the seeded users (same seed, same key)', async () => {
    const h = createHarness();
    const token = await h.login('owner');
    h.api.reset();
    expect((await h.call('listOrganizationUsers', { token })).status).toBe(200);
  });

  it('validateUser marks a user validated and answers false for an unknown id', () => {
    const h = createHarness();
    expect(h.api.validateUser('nope')).toBe(false);
    expect(h.api.validateUser(fixturePrincipal('unvalidated').id)).toBe(true);
    const state = h.api.exportState() as any;
    expect(state.users.find((u: any) => u.id === fixturePrincipal('unvalidated').id).validated).toBe(true);
  });

  it('the outbox holds an invite and a verification email per invited user, none for sendInvite false, in order, with an ISO sentAt', async () => {
    const h = createHarness();
    const token = await h.login('owner');
    await h.call('createOrganizationUser', { token, body: newUserBody({ email: 'first@acme.test' }) });
    await h.call('createOrganizationUser', { token, body: newUserBody({ email: 'second@acme.test', sendInvite: false }) });
    await h.call('createOrganizationUser', { token, body: newUserBody({ email: 'third@acme.test' }) });
    const outbox = h.api.outbox();
    expect(outbox.map((m) => [m.kind, m.to])).toEqual([
      ['invite', 'first@acme.test'],
      ['verification', 'first@acme.test'],
      ['invite', 'third@acme.test'],
      ['verification', 'third@acme.test'],
    ]);
    const acme = (h.api.exportState() as { organizations: { id: string; name: string }[] }).organizations.find((o) => o.id === ORG_A);
    expect(outbox[0]?.subject).toBe(`owner@acme.test invited you to ${acme?.name}`);
    expect(outbox.every((m) => /\.\d{3}Z$/.test(m.sentAt))).toBe(true);
  });
});

describe('section 8: exportState / importState', () => {
  it('a snapshot round-trips through JSON and import, and the imported state answers requests', async () => {
    const source = createHarness();
    const created = await source.call('createOrganizationUser', { token: await source.login('owner'), body: newUserBody({ email: 'carried@acme.test' }) });
    const json = JSON.stringify(source.api.exportState());
    const target = createHarness({ seed: 1 });
    target.api.importState(JSON.parse(json));
    expect(JSON.stringify(target.api.exportState())).toBe(json);
    const got = await target.call('getOrganizationUser', { token: await target.login('owner'), params: { userId: created.body.data.id } });
    expect(got.body.email).toBe('carried@acme.test');
  });

  it('the export is a copy: later changes do not show through it', async () => {
    const h = createHarness();
    const snapshot = h.api.exportState() as any;
    await h.call('updateOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('user') }, body: { name: 'Changed' } });
    expect(snapshot.users.find((u: any) => u.id === h.userId('user')).name).toBe('Uma');
  });

  const malformed: [string, (s: any) => unknown, RegExp][] = [
    ['not an object', () => 'state', /Malformed state snapshot/],
    ['another format', (s) => ({ ...s, format: 'other' }), /format/],
    ['a user without an email', (s) => ({ ...s, users: s.users.map((u: any, i: number) => (i === 2 ? { ...u, email: undefined } : u)) }), /users\/2/],
    ['an invalid role', (s) => ({ ...s, users: s.users.map((u: any, i: number) => (i === 0 ? { ...u, orgRole: 3 } : u)) }), /users\/0\/orgRole/],
    [
      'a duplicate email in another case',
      (s) => ({ ...s, users: [...s.users, { ...s.users[1], id: 'dup', email: 'OWNER@acme.test' }] }),
      /email OWNER@acme.test is used twice/,
    ],
    ['a duplicate user id', (s) => ({ ...s, users: [...s.users, { ...s.users[1], email: 'x@acme.test' }] }), /is used twice/],
    ['a dangling orgId', (s) => ({ ...s, users: s.users.map((u: any, i: number) => (i === 0 ? { ...u, orgId: 'nowhere' } : u)) }), /names no organization/],
    [
      'a refresh token of nobody',
      (s) => ({
        ...s,
        refreshTokens: [{ id: 't', userId: 'nobody', issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-02-01T00:00:00.000Z', revoked: false }],
      }),
      /names no user/,
    ],
    [
      'a plain-text password',
      (s) => ({ ...s, users: s.users.map((u: any, i: number) => (i === 0 ? { ...u, passwordHash: 'Owner-Passw0rd' } : u)) }),
      /passwordHash/,
    ],
    [
      'a token epoch that is no safe integer (U6 could not bump it to a new value)',
      (s) => ({ ...s, users: s.users.map((u: any, i: number) => (i === 0 ? { ...u, tokenEpoch: 1e308 } : u)) }),
      /users\/0\/tokenEpoch/,
    ],
    [
      'a timestamp without milliseconds',
      (s) => ({ ...s, users: s.users.map((u: any, i: number) => (i === 0 ? { ...u, deletedAt: '2026-01-01T00:00:00Z' } : u)) }),
      /deletedAt/,
    ],
  ];

  it.each(malformed)('importState rejects %s with a StateImportError and changes nothing', async (_label, corrupt, message) => {
    const h = createHarness();
    await h.call('createOrganizationUser', { token: await h.login('owner'), body: newUserBody() });
    const before = JSON.stringify(h.api.exportState());
    const bad = corrupt(JSON.parse(before));
    expect(() => h.api.importState(bad)).toThrow(StateImportError);
    expect(() => h.api.importState(bad)).toThrow(message);
    expect(JSON.stringify(h.api.exportState())).toBe(before);
  });
});

const records = (h: ReturnType<typeof createHarness>) => h.api.exportState() as { refreshTokens: { userId: string; revoked: boolean }[]; outbox: unknown[] };

describe('bounded state: what can no longer be used is dropped, what piles up is capped', () => {
  it(`10,000 logins of one user leave at most REFRESH_TOKENS_PER_USER (${REFRESH_TOKENS_PER_USER}) refresh tokens, the newest; the oldest is refused`, async () => {
    const h = createHarness();
    const first = await h.loginBody('user');
    let last = first;
    for (let i = 1; i < 10_000; i++) last = await h.loginBody('user');
    const tokens = records(h).refreshTokens;
    expect(tokens).toHaveLength(REFRESH_TOKENS_PER_USER);
    expect(tokens.at(-1)).toMatchObject({ id: last.tokenId, revoked: false });
    expect((await h.call('refreshToken', { body: { refreshToken: first.refreshToken } })).status).toBe(401);
    expect((await h.call('refreshToken', { body: { refreshToken: last.refreshToken } })).status).toBe(200);
  }, 120_000);

  it('a revoked refresh token (logout, rotation) is dropped, not kept', async () => {
    const h = createHarness();
    const a = await h.loginBody('user');
    const b = await h.loginBody('owner');
    await h.call('logout', { body: { refreshToken: a.refreshToken } });
    const rotated = await h.call('refreshToken', { body: { refreshToken: b.refreshToken } });
    expect(rotated.status).toBe(200);
    expect(records(h).refreshTokens.map((t: any) => t.id)).toEqual([expect.not.stringMatching(new RegExp(`^(${a.tokenId}|${b.tokenId})$`))]);
  });

  it('expired refresh tokens are dropped at the next login', async () => {
    const clock = manualClock();
    const h = createHarness({ now: clock.now });
    await h.loginBody('user');
    await h.loginBody('owner');
    clock.advance(REFRESH_TOKEN_TTL_SECONDS * 1000);
    const fresh = await h.loginBody('billing');
    expect(records(h).refreshTokens.map((t: any) => t.id)).toEqual([fresh.tokenId]);
  });

  it('a state holding revoked refresh tokens (an older version kept them) loads without them', () => {
    const h = createHarness();
    const state = h.api.exportState() as any;
    const token = { id: 't', userId: fixturePrincipal('user').id, issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2099-02-01T00:00:00.000Z', revoked: true };
    h.api.importState({ ...state, refreshTokens: [token] });
    expect(records(h).refreshTokens).toEqual([]);
  });

  it(`the outbox keeps the ${OUTBOX_CAPACITY} most recent emails (openapi/mock-control.yaml), the oldest dropped first`, async () => {
    const h = createHarness();
    const owner = await h.login('owner');
    const count = OUTBOX_CAPACITY / 2 + 10;
    for (let i = 0; i < count; i++) await h.call('createOrganizationUser', { token: owner, body: newUserBody({ email: `capped.${i}@acme.test` }) });
    const outbox = h.api.outbox();
    expect(outbox).toHaveLength(OUTBOX_CAPACITY);
    expect(outbox[0]?.to).toBe('capped.10@acme.test');
    expect(outbox.at(-1)?.to).toBe(`capped.${count - 1}@acme.test`);
  }, 120_000);
});

describe('U6, U7: a refresh token from before a deletion stays revoked after activate', () => {
  it('a login still signing when its user is deleted hands out no token, so activate brings none to life', async () => {
    const h = createHarness();
    const owner = await h.login('owner');
    await h.call('getOrganization', { token: owner, params: { orgId: ORG_A } }); // the owner's token verified: the deletion needs no await
    // The login checks the password, then awaits its signatures; the deletion lands in between.
    const racing = h.call('login', { body: { email: fixturePrincipal('user').email, password: fixturePrincipal('user').password } });
    expect((await h.call('deleteOrganizationUser', { token: owner, params: { userId: h.userId('user') } })).status).toBe(200);
    const login = await racing;
    expect(login.status).toBe(401);
    expect(login.body.error_code).toBe('USER_INACTIVE');
    expect((await h.call('activateOrganizationUser', { token: owner, params: { userId: h.userId('user') } })).status).toBe(200);
    expect(records(h).refreshTokens.filter((t) => t.userId === h.userId('user'))).toEqual([]);
    if (login.body.refreshToken) expect((await h.call('refreshToken', { body: { refreshToken: login.body.refreshToken } })).status).toBe(401);
  });

  it('a refresh token from before the deletion is refused after activate (asked only then, where "deleted" cannot explain it)', async () => {
    const h = createHarness();
    const before = await h.loginBody('user');
    const owner = await h.login('owner');
    await h.call('deleteOrganizationUser', { token: owner, params: { userId: h.userId('user') } });
    await h.call('activateOrganizationUser', { token: owner, params: { userId: h.userId('user') } });
    expect((await h.call('refreshToken', { body: { refreshToken: before.refreshToken } })).status).toBe(401);
  });
});
