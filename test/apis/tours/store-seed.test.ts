/** The Tours domain's state: the store (indexes, all-or-nothing writes, snapshots), the clock and the seed (section 9). */
import { describe, expect, it } from 'vitest';
import {
  ToursClock,
  ToursStateError,
  ToursStore,
  checkToursFixture,
  loadToursFixture,
  seedSnapshot,
  seededCredentials,
  type ToursSnapshot,
} from '../../../src/apis/tours/index.js';
import { OWNER_ROLE } from '../../../src/apis/tours/operations/members.js';
import { createTours, model, NOW } from './harness.js';

const fixture = loadToursFixture(undefined, model);
const seeded = (seed = 7, extraMembers = 0): ToursSnapshot => seedSnapshot(fixture, { seed, extraMembers, now: NOW });

describe('section 9: the seeded principals', () => {
  const t = createTours();
  it.each([
    ['acme-owner', 'Acme Tours', 'owner', 'active'],
    ['acme-admin', 'Acme Tours', 'admin', 'active'],
    ['acme-coordinator', 'Acme Tours', 'coordinator', 'active'],
    ['acme-member', 'Acme Tours', 'member', 'active'],
    ['acme-guide-lead', 'Acme Tours', 'guide-lead', 'active'],
    ['acme-suspended', 'Acme Tours', 'member', 'suspended'],
    ['globex-owner', 'Globex Events', 'owner', 'active'],
    ['globex-coordinator', 'Globex Events', 'coordinator', 'active'],
    ['orgless', null, null, null],
    ['superadmin', null, null, null],
  ] as const)('section 9: %s belongs to %s as %s (%s), with a password, a live session and a live key', (name, org, role, status) => {
    const p = t.principal(name);
    for (const credential of ['session', 'apiKey'] as const) {
      const caller = t.as(name, credential);
      expect(caller.membership).toBe(status);
      expect(caller.role?.name ?? null).toBe(role);
      expect(caller.tenantId === null ? null : t.domain.store.organizations.get(caller.tenantId)?.name).toBe(org);
    }
    expect(t.call('signInEmail', null, { body: { email: p.email, password: p.password } }).status).toBe(200);
    expect(p.isSuperAdmin).toBe(name === 'superadmin');
  });

  it('section 9: there is an expired key, a revoked key and one pending invitation in Acme, its token in the outbox', () => {
    const extras = t.domain.principals();
    expect(t.domain.authenticate(`Bearer ${extras.revokedApiKey}`, undefined)).toEqual({ kind: 'refused', error: 'API key has been revoked' });
    expect(t.domain.authenticate(`Bearer ${extras.expiredApiKey}`, undefined)).toEqual({ kind: 'refused', error: 'API key has expired' });
    expect(t.domain.outbox()).toEqual([
      expect.objectContaining({ to: 'newhire@example.com', token: extras.invitation.token, invitationId: extras.invitation.id }),
    ]);
    expect(t.call('getInvitationByToken', null, { params: { token: extras.invitation.token } }).body).toMatchObject({
      organizationName: 'Acme Tours',
      role: 'coordinator',
    });
  });

  it('section 9: the fixture’s owner role is the spec’s, the only system role assignable by itself', () => {
    const owner = model.roles.kind === 'system' ? model.roles.system.find((r) => r.name === OWNER_ROLE) : undefined;
    expect(owner?.assignableBy).toEqual([OWNER_ROLE]);
  });
});

describe('the seed', () => {
  it('is a pure function: the same fixture and settings give the same snapshot, byte for byte', () => {
    expect(JSON.stringify(seeded(7, 20))).toBe(JSON.stringify(seeded(7, 20)));
    expect(seededCredentials(fixture, 7)).toEqual(seededCredentials(fixture, 7));
  });

  it('derives tokens and keys from the seed: another seed, other credentials, the same principals', () => {
    const [a, b] = [seededCredentials(fixture, 7), seededCredentials(fixture, 8)];
    expect(a.principals.map((p) => p.sessionToken)).not.toEqual(b.principals.map((p) => p.sessionToken));
    expect(a.principals.map((p) => p.apiKey)).not.toEqual(b.principals.map((p) => p.apiKey));
    expect(a.principals.map((p) => [p.name, p.userId, p.email])).toEqual(b.principals.map((p) => [p.name, p.userId, p.email]));
    expect(new Set(a.principals.map((p) => p.apiKey)).size).toBe(10);
  });

  it('adds extraMembers faker-made members of Acme holding member, with unique emails, the same for the same seed', () => {
    const snapshot = seeded(7, 50);
    const acme = fixture.organizations[0]?.id;
    const extra = snapshot.members.slice(8);
    expect(extra).toHaveLength(50);
    expect(extra.every((m) => m.organizationId === acme && m.role === 'member' && m.status === 'active')).toBe(true);
    expect(new Set(snapshot.users.map((u) => u.email.toLowerCase())).size).toBe(snapshot.users.length);
    expect(
      seeded(8, 50)
        .users.slice(10)
        .map((u) => u.name),
    ).not.toEqual(snapshot.users.slice(10).map((u) => u.name));
    expect(() => seeded(7, -1)).toThrow(RangeError);
  });

  it('keeps no plain secret outside the outbox: sessions, keys and the invitation are stored as hashes', () => {
    const snapshot = seeded();
    const credentials = seededCredentials(fixture, 7);
    const stored = JSON.stringify({ ...snapshot, outbox: [] });
    for (const p of credentials.principals) {
      expect(stored).not.toContain(p.sessionToken);
      expect(stored).not.toContain(p.apiKey);
      expect(stored).not.toContain(p.password);
    }
    expect(stored).not.toContain(credentials.invitation.token);
  });

  it('refuses a fixture with a dangling reference, naming it', () => {
    const broken = { ...fixture, principals: fixture.principals.map((p) => (p.name === 'acme-member' ? { ...p, role: 'driver' } : p)) };
    expect(() => checkToursFixture(broken, 'fixture', model)).toThrow(/acme-member: no role "driver" in acme/);
    expect(() => checkToursFixture(fixture, 'fixture', model)).not.toThrow();
  });
});

describe('the store', () => {
  it('round-trips a snapshot', () => {
    const snapshot = seeded(7, 5);
    expect(JSON.parse(JSON.stringify(new ToursStore(snapshot).snapshot()))).toEqual(JSON.parse(JSON.stringify(snapshot)));
  });

  it('loads a state that kept an ended session (an older version) without it', () => {
    const snapshot = seeded();
    const ended = { ...snapshot.sessions[0], ended: true } as ToursSnapshot['sessions'][number];
    const loaded = new ToursStore({ ...snapshot, sessions: [ended, ...snapshot.sessions.slice(1)] }).snapshot();
    expect(loaded.sessions.map((x) => x.id)).toEqual(snapshot.sessions.slice(1).map((x) => x.id));
  });

  it('indexes users by lower-cased email, members by organization and user, roles by organization and name', () => {
    const store = new ToursStore(seeded());
    expect(store.userByEmail('OLIVIA@ACME-TOURS.EXAMPLE')?.name).toBe('Olivia Park');
    expect(store.membersOf(fixture.organizations[0]?.id ?? '')).toHaveLength(6);
    expect(store.roleByName(fixture.organizations[1]?.id ?? '', 'coordinator')?.permissions).toEqual(['users.read']);
    expect(store.roleByName(fixture.organizations[0]?.id ?? '', 'coordinator')).toBeUndefined();
  });

  const bad: [string, (s: ToursSnapshot) => unknown, RegExp][] = [
    ['a duplicate user id', (s) => ({ ...s, users: [...s.users, s.users[0]] }), /users\[10\]: id .* is used twice/],
    [
      'an email used twice in another case',
      (s) => ({ ...s, users: [...s.users, { ...s.users[0], id: 'u-x', email: s.users[0]?.email.toUpperCase() }] }),
      /users\[10\]: email .* is used twice/,
    ],
    [
      'a user in two organizations',
      (s) => ({ ...s, members: [...s.members, { ...s.members[0], id: 'm-x', organizationId: fixture.organizations[1]?.id }] }),
      /members\[8\]: user .* is used twice/,
    ],
    [
      'a member of no user',
      (s) => ({ ...s, members: [...s.members, { ...s.members[0], id: 'm-x', userId: 'ghost' }] }),
      /members\[8\]: userId ghost names no user/,
    ],
    [
      'a role of no organization',
      (s) => ({ ...s, roles: [{ ...s.roles[0], organizationId: 'nowhere' }] }),
      /roles\[0\]: organizationId nowhere names no organization/,
    ],
    ['a key of no user', (s) => ({ ...s, apiKeys: [{ ...s.apiKeys[0], userId: 'ghost' }] }), /apiKeys\[0\]: userId ghost names no user/],
    [
      'a session of no user after an ended one (named by its row of the file)',
      (s) => ({
        ...s,
        sessions: [
          { ...s.sessions[0], ended: true },
          { ...s.sessions[1], userId: 'ghost' },
        ],
      }),
      /sessions\[1\]: userId ghost names no user/,
    ],
    ['a malformed record', (s) => ({ ...s, sessions: [{ ...s.sessions[0], ended: 'no' }] }), /\/sessions\/0\/ended must be boolean/],
    ['another format', (s) => ({ ...s, format: 'org-contract-mock-state' }), /\/format must be equal to constant/],
  ];
  it.each(bad)('refuses a snapshot with %s, naming it', (_case, mutate, message) => {
    expect(() => new ToursStore(mutate(seeded()) as ToursSnapshot)).toThrow(ToursStateError);
    expect(() => new ToursStore(mutate(seeded()) as ToursSnapshot)).toThrow(message);
  });

  it('writes all-or-nothing: a change that fails half-way leaves every table and index as it was', () => {
    const store = new ToursStore(seeded());
    const before = JSON.stringify(store.snapshot());
    const org = fixture.organizations[0]?.id ?? '';
    expect(() =>
      store.write(() => {
        for (const member of store.membersOf(org)) store.members.remove(member.id);
        store.roles.insert({ id: 'r-new', organizationId: org, name: 'fresh', description: null, permissions: [], createdAt: '2026-02-01T09:00:00.000Z' });
        store.sendEmail({
          id: 'e',
          kind: 'invitation',
          to: 'a@b.example',
          subject: 's',
          invitationId: 'i',
          token: 't',
          acceptUrl: '/x',
          sentAt: '2026-02-01T09:00:00.000Z',
        });
        // Breaks the unique email index: the whole change is undone.
        const taken = store.users.all()[1];
        if (taken) store.users.insert({ ...taken, id: 'u-dup' });
      }),
    ).toThrow(ToursStateError);
    expect(JSON.stringify(store.snapshot())).toBe(before);
    expect(store.membersOf(org)).toHaveLength(6);
    expect(store.roleByName(org, 'fresh')).toBeUndefined();
    expect(store.memberOfUser(fixture.principals[0]?.userId ?? '')?.role).toBe('owner');
  });

  it('a domain imports a snapshot whole, or nothing when it is malformed', () => {
    const t = createTours();
    const exported = t.domain.exportState();
    expect(() => t.domain.importState({ ...exported, users: 'none' })).toThrow(ToursStateError);
    expect(t.domain.store.users.size).toBe(10);
    t.domain.importState(JSON.parse(JSON.stringify(exported)));
    expect(t.as('acme-owner').role?.name).toBe('owner');
  });
});

describe('the clock', () => {
  it('advances by whole seconds, never back, and resets to the underlying clock', () => {
    const clock = new ToursClock(() => NOW);
    clock.advance(90);
    expect(clock.now()).toBe(NOW + 90_000);
    expect(clock.nowIso()).toBe('2026-02-01T09:01:30.000Z');
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(1.5)).toThrow(RangeError);
    clock.reset();
    expect(clock.now()).toBe(NOW);
  });
});
