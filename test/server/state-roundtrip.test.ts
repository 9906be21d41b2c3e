/**
 * Issue 12, "a state file that always loads": whatever the mock accepts, it saves and loads again.
 * Random sequences of operations of both APIs, each answer held to its spec; after every step the
 * state goes through export, import into a fresh mock, and a restart from the state file (the start's
 * own load path, loadStateFile), and must come back equal each time. Then the two findings that once
 * made a state the mock wrote and then refused to load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createMockApi } from '../../src/apis/flashback/index.js';
import { ToursDomain } from '../../src/apis/tours/index.js';
import { loadStateFile, writeFileAtomic } from '../../src/server/state-file.js';
import { createHarness, ORG_A, SEED, spec, type Harness } from '../helpers/mock-harness.js';
import { createTours, model, NOW, type Tours } from '../apis/tours/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'state-roundtrip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

interface Stateful {
  exportState(): unknown;
  importState(snapshot: unknown): void;
}

/** Export → import into `fresh()` → export, and export → state file → load at start into `fresh()` → export: both equal to the first. */
async function expectRoundTrip(api: Stateful, fresh: () => Stateful): Promise<void> {
  const exported = JSON.parse(JSON.stringify(api.exportState())) as unknown;
  const imported = fresh();
  imported.importState(JSON.parse(JSON.stringify(exported)));
  expect(JSON.parse(JSON.stringify(imported.exportState()))).toEqual(exported);
  const file = join(dir, `state-${++files}.json`);
  await writeFileAtomic(file, JSON.stringify(api.exportState()));
  const restarted = fresh();
  expect(await loadStateFile(file, restarted)).toBe(true);
  expect(JSON.parse(JSON.stringify(restarted.exportState()))).toEqual(exported);
  rmSync(file);
}

// ---- inputs of the longest kind each API takes --------------------------------------------------

const label = fc.stringMatching(/^[a-z0-9]{1,63}$/);
/** A valid address of up to 254 characters (the specs' email maxLength). */
const email = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{1,64}$/), fc.array(label, { minLength: 1, maxLength: 3 }))
  .map(([local, labels]) => `${local}@${labels.join('.')}.test`)
  .filter((address) => address.length <= 254);
/** An address of exactly 254 characters: fast-check favours short strings, so the longest is drawn on its own. */
const longestEmail = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{64}$/), fc.stringMatching(/^[a-z0-9]{63}$/), fc.stringMatching(/^[a-z0-9]{63}$/), fc.stringMatching(/^[a-z0-9]{56}$/))
  .map(([local, a, b, c]) => `${local}@${a}.${b}.${c}.test`);
const anyEmail = fc.oneof(email, longestEmail);
/** Text of up to `max` characters with something besides spaces, some of them outside ASCII. */
const text = (max: number) =>
  fc
    .string({ unit: fc.constantFrom('a', 'Z', '9', ' ', 'é', 'ß', '中', '-', "'"), minLength: 1, maxLength: max })
    .filter((s) => s.trim().length > 0 && s.trim() === s);
/** Up to the longest: fast-check favours short strings, so the limit itself is drawn too. */
const upTo = (max: number) => fc.oneof(text(max), fc.constant('x'.repeat(max)));

const fresh = (): Harness['api'] => createMockApi({ seed: SEED, extraUsers: 20, tokenTtlSeconds: 3600 }, spec());

// ---- Flashback ----------------------------------------------------------------------------------

type FlashbackStep =
  | { op: 'renameOrganization'; name: string; city: string | null }
  | { op: 'createUser'; email: string; firstName: string; lastName: string; sendInvite: boolean; role: 0 | 2 | 254 }
  | { op: 'login'; who: 'owner' | 'workspaces' | 'user' }
  | { op: 'refresh' }
  | { op: 'logout' }
  | { op: 'deleteLast' }
  | { op: 'activateLast' }
  | { op: 'inviteAsLast'; email: string };

const flashbackStep: fc.Arbitrary<FlashbackStep> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('renameOrganization' as const), name: upTo(255), city: fc.option(upTo(255)) }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant('createUser' as const),
      email: anyEmail,
      firstName: upTo(100),
      lastName: upTo(100),
      sendInvite: fc.boolean(),
      role: fc.constantFrom(0 as const, 2 as const, 254 as const),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant('login' as const), who: fc.constantFrom('owner' as const, 'workspaces' as const, 'user' as const) }), weight: 1 },
  { arbitrary: fc.constant({ op: 'refresh' as const }), weight: 1 },
  { arbitrary: fc.constant({ op: 'logout' as const }), weight: 1 },
  { arbitrary: fc.constant({ op: 'deleteLast' as const }), weight: 1 },
  { arbitrary: fc.constant({ op: 'activateLast' as const }), weight: 1 },
  // The caller's email and the organization's name make the invite's subject: the longest of both goes past 512 characters.
  { arbitrary: fc.record({ op: fc.constant('inviteAsLast' as const), email: anyEmail }), weight: 3 },
);

/** Runs one step; every answer is held to the spec by the harness. */
async function runFlashback(h: Harness, step: FlashbackStep, memory: { created: string[]; refresh: string[] }): Promise<void> {
  const owner = await h.login('owner');
  const last = memory.created.at(-1);
  switch (step.op) {
    case 'renameOrganization':
      await h.call('updateOrganization', { token: owner, params: { orgId: ORG_A }, body: { name: step.name, city: step.city } });
      return;
    case 'createUser': {
      const body = {
        email: step.email,
        password: 'Long-Passw0rd',
        firstName: step.firstName,
        lastName: step.lastName,
        sendInvite: step.sendInvite,
        orgRole: step.role,
      };
      const created = await h.call('createOrganizationUser', { token: owner, body });
      if (created.status === 201) memory.created.push(created.body.data.id);
      return;
    }
    case 'login':
      memory.refresh.push((await h.loginBody(step.who)).refreshToken);
      return;
    case 'refresh': {
      const token = memory.refresh.pop();
      if (token === undefined) return;
      const answer = await h.call('refreshToken', { body: { refreshToken: token } });
      if (answer.status === 200) memory.refresh.push(answer.body.refreshToken);
      return;
    }
    case 'logout': {
      const token = memory.refresh.shift();
      if (token !== undefined) await h.call('logout', { body: { refreshToken: token } });
      return;
    }
    case 'deleteLast':
      if (last) await h.call('deleteOrganizationUser', { token: owner, params: { userId: last } });
      return;
    case 'activateLast':
      if (last) await h.call('activateOrganizationUser', { token: owner, params: { userId: last } });
      return;
    case 'inviteAsLast': {
      // The last user created signs in (validated through the control plane) and invites: their email is in the subject.
      if (!last) return;
      h.api.validateUser(last);
      const user = (h.api.exportState() as { users: { id: string; email: string }[] }).users.find((u) => u.id === last);
      const login = await h.call('login', { body: { email: user?.email, password: 'Long-Passw0rd' } });
      if (login.status !== 200) return;
      await h.call('createOrganizationUser', {
        token: login.body.accessToken,
        body: { email: step.email, password: 'Long-Passw0rd', firstName: 'I', lastName: 'N' },
      });
      return;
    }
  }
}

// ---- Tours --------------------------------------------------------------------------------------

type ToursStep =
  | { op: 'renameOrganization'; name: string; timezone: string }
  | { op: 'invite'; email: string; role: 'member' | 'coordinator' }
  | { op: 'createRole'; name: string; description: string | null }
  | { op: 'createApiKey'; name: string }
  | { op: 'signIn' }
  | { op: 'suspendMember'; status: 'active' | 'suspended' };

const toursStep: fc.Arbitrary<ToursStep> = fc.oneof(
  fc.record({ op: fc.constant('renameOrganization' as const), name: upTo(100), timezone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/Los_Angeles') }),
  fc.record({ op: fc.constant('invite' as const), email: anyEmail, role: fc.constantFrom('member' as const, 'coordinator' as const) }),
  fc.record({ op: fc.constant('createRole' as const), name: fc.stringMatching(/^[a-z][a-z0-9-]{1,31}$/), description: fc.option(upTo(200)) }),
  fc.record({ op: fc.constant('createApiKey' as const), name: upTo(100) }),
  fc.constant({ op: 'signIn' as const }),
  fc.record({ op: fc.constant('suspendMember' as const), status: fc.constantFrom('active' as const, 'suspended' as const) }),
);

function runTours(t: Tours, step: ToursStep): void {
  switch (step.op) {
    case 'renameOrganization':
      t.call('updateCurrentOrganization', 'acme-owner', { body: { name: step.name, timezone: step.timezone } });
      return;
    case 'invite':
      t.call('createInvitation', 'acme-owner', { body: { email: step.email, role: step.role } });
      return;
    case 'createRole':
      t.call('createRole', 'acme-owner', { body: { name: step.name, description: step.description, permissions: ['users.read'] } });
      return;
    case 'createApiKey':
      t.call('createApiKey', 'acme-owner', { body: { name: step.name } });
      return;
    case 'signIn':
      t.call('signInEmail', null, { body: { email: 'sam@acme-tours.example', password: 'Member-Passw0rd' } });
      return;
    case 'suspendMember': {
      const member = t.principal('acme-member').memberId as string;
      t.call('updateMember', 'acme-owner', { params: { memberId: member }, body: { status: step.status } });
      return;
    }
  }
}

const freshTours = (): ToursDomain => new ToursDomain({ model, seed: 7, extraMembers: 0, now: () => NOW });

describe('whatever the mock accepts, it saves and loads again (export, import, restart from the state file)', () => {
  it('Flashback: random sequences of accepted operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(flashbackStep, { minLength: 1, maxLength: 10 }), async (steps) => {
        const h = createHarness();
        const memory = { created: [] as string[], refresh: [] as string[] };
        for (const step of steps) {
          await runFlashback(h, step, memory);
          await expectRoundTrip(h.api, fresh);
        }
      }),
      { numRuns: 40, endOnFailure: true },
    );
  }, 120_000);

  it('Tours & Events: random sequences of accepted operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(toursStep, { minLength: 1, maxLength: 10 }), async (steps) => {
        const t = createTours();
        for (const step of steps) {
          runTours(t, step);
          await expectRoundTrip(t.domain, freshTours);
        }
      }),
      { numRuns: 30, endOnFailure: true },
    );
  }, 120_000);
});

describe('the findings: states the mock wrote and then refused to load', () => {
  it('an invite from a 254-character email into an organization with a 255-character name: its email subject stays within the documented length', async () => {
    const h = createHarness();
    const owner = await h.login('owner');
    await h.call('updateOrganization', { token: owner, params: { orgId: ORG_A }, body: { name: 'O'.repeat(255) } });
    const long = `${'l'.repeat(64)}@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(56)}.test`;
    expect(long).toHaveLength(254);
    const created = await h.call('createOrganizationUser', {
      token: owner,
      body: { email: long, password: 'Long-Passw0rd', firstName: 'L', lastName: 'L', orgRole: 254 },
    });
    expect(created.status).toBe(201);
    h.api.validateUser(created.body.data.id);
    const login = await h.call('login', { body: { email: long, password: 'Long-Passw0rd' } });
    const invited = await h.call('createOrganizationUser', {
      token: login.body.accessToken,
      body: { email: 'to@acme.test', password: 'Long-Passw0rd', firstName: 'T', lastName: 'T' },
    });
    expect(invited.status).toBe(201);
    const invite = h.api.outbox().find((e) => e.kind === 'invite' && e.to === 'to@acme.test');
    expect(invite?.subject).toHaveLength(512);
    expect(invite?.subject).toMatch(new RegExp(`^${long} invited you to O+…$`));
    await expectRoundTrip(h.api, fresh);
  });

  it('a deletion at the largest token epoch: the epoch starts again at 0 and the state loads', async () => {
    const h = createHarness();
    const state = h.api.exportState() as { users: { email: string; tokenEpoch: number }[] };
    const user = state.users.find((u) => u.email === 'user@acme.test');
    if (!user) throw new Error('no user@acme.test');
    h.api.importState({ ...state, users: state.users.map((u) => (u === user ? { ...u, tokenEpoch: Number.MAX_SAFE_INTEGER } : u)) });
    const before = await h.login('user');
    const owner = await h.login('owner');
    expect((await h.call('deleteOrganizationUser', { token: owner, params: { userId: h.userId('user') } })).status).toBe(200);
    const after = (h.api.exportState() as typeof state).users.find((u) => u.email === 'user@acme.test');
    expect(after?.tokenEpoch).toBe(0);
    await expectRoundTrip(h.api, fresh);
    // The new epoch still ends the old access token (U6), after activate too (U7).
    await h.call('activateOrganizationUser', { token: owner, params: { userId: h.userId('user') } });
    expect((await h.call('getOrganizationUser', { token: before, params: { userId: h.userId('user') } })).status).toBe(401);
  });
});
