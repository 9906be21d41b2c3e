/**
 * Against the Tours mock, the whole Tours suite passes: every group runs and passes cases, nothing
 * fails, and the run leaves the mock as it found it (what it created removed, the principals it
 * changed restored). A --read-only run passes too and changes nothing at all, but for what reading
 * itself writes (TA6 `lastUsedAt`; TA3: the use of the expired key turns it `expired`).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type RunResult } from '../../conformance/index.js';
import { CHECK_GROUPS } from '../../conformance/profiles/tours/checks/index.js';
import { GROUP_NAMES } from '../../conformance/profiles/tours/groups.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { toursApi } from '../../src/apis/index.js';
import type { ToursSnapshot } from '../../src/apis/tours/index.js';

const servers: RunningServer[] = [];
async function startMock(): Promise<RunningServer> {
  const server = await startServer({ definition: toursApi, port: 0, log: null });
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const stateOf = async (server: RunningServer): Promise<ToursSnapshot> => (await (await fetch(`${server.url}/__mock/state`)).json()) as ToursSnapshot;

/** The stored hash of the seeded expired key: its status turns `expired` on its first use (TA3), the one change a use makes. */
async function expiredKeyHash(server: RunningServer): Promise<string> {
  const { expiredApiKey } = (await (await fetch(`${server.url}/__mock/principals`)).json()) as { expiredApiKey: string };
  return createHash('sha256').update(expiredApiKey).digest('hex');
}

/** The seeded keys' name and status, the expired key's read as its first use leaves it. */
function seededKeys(state: ToursSnapshot, seeded: ToursSnapshot, expiredHash: string): string[] {
  const ids = new Set(seeded.apiKeys.map((k) => k.id));
  return state.apiKeys.filter((k) => ids.has(k.id)).map((k) => `${k.id} ${k.name} ${k.keyHash === expiredHash ? 'expired' : k.status}`);
}

/** The groups that have checks registered (a group with neither run nor sweep has nothing to pass). */
const REGISTERED = GROUP_NAMES.filter((name) => 'run' in CHECK_GROUPS[name] || 'sweep' in CHECK_GROUPS[name]);

describe('the Tours suite against the Tours mock', () => {
  let server: RunningServer;
  let before: ToursSnapshot;
  let result: RunResult;
  let after: ToursSnapshot;
  let expiredHash: string;

  beforeAll(async () => {
    server = await startMock();
    expiredHash = await expiredKeyHash(server);
    before = await stateOf(server);
    result = await runConformance({ api: 'tours', target: server.url, runId: 'tourspass' });
    after = await stateOf(server);
  }, 120_000);

  it('passes every check and exits 0', () => {
    expect(result.api).toBe('tours');
    expect(result.failures.map((f) => `${f.caseId}: ${f.message}`)).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('runs every group, each with passed cases', () => {
    expect(REGISTERED.length).toBeGreaterThan(0);
    for (const name of REGISTERED) expect(result.groups.find((g) => g.name === name)?.passed, name).toBeGreaterThan(0);
  });

  it('skips nothing but the opt-in 429 of the rate limit', () => {
    const skipped = result.cases.filter((c) => c.status === 'skipped' && c.group !== 'rate-limits');
    expect(skipped.map((c) => `${c.id}: ${c.skipReason}`)).toEqual([]);
  });

  it('fills the operation × principal matrix, by session, by key and as every pseudo-principal', () => {
    const { operations, principals, cells } = result.matrix;
    expect(operations).toHaveLength(28);
    expect(principals).toEqual(
      expect.arrayContaining(['acme-owner (session)', 'acme-owner (key)', 'superadmin (key)', 'no-credential', 'expired-key', 'revoked-key']),
    );
    expect(cells).toHaveLength(operations.length * principals.length);
    expect(cells.filter((c) => c.outcome !== 'pass').map((c) => `${c.operationId} as ${c.principal}: ${c.note}`)).toEqual([]);
  });

  it('removes what it created and leaves no note of leftovers', () => {
    expect(result.notes).toEqual([]);
    const made = (name: string | null | undefined): boolean => (name ?? '').includes('tourspass');
    expect(after.roles.filter((r) => made(r.name)).map((r) => r.name)).toEqual([]);
    expect(after.invitations.filter((i) => made(i.email) && i.status === 'pending').map((i) => i.email)).toEqual([]);
    expect(after.apiKeys.filter((k) => made(k.name)).map((k) => k.name)).toEqual([]);
    // Every session it opened is ended; the seeded ones are live.
    const seeded = new Set(before.sessions.map((s) => s.id));
    expect(after.sessions.filter((s) => !seeded.has(s.id) && !s.ended).map((s) => s.id)).toEqual([]);
    expect(after.sessions.filter((s) => seeded.has(s.id) && s.ended).map((s) => s.id)).toEqual([]);
  });

  it('leaves every member of the seed with the role and status it had, and every seeded key as it was', () => {
    const membership = (s: ToursSnapshot): string[] => s.members.map((m) => `${m.userId} ${m.organizationId} ${m.role} ${m.status}`).sort();
    expect(membership(after)).toEqual(membership(before));
    expect(seededKeys(after, before, expiredHash)).toEqual(seededKeys(before, before, expiredHash));
    expect(after.roles.map((r) => `${r.id} ${r.name} ${r.permissions.join(',')}`)).toEqual(
      before.roles.map((r) => `${r.id} ${r.name} ${r.permissions.join(',')}`),
    );
    // The matrix writes organizations back unchanged: only updatedAt moves.
    const organizations = (st: ToursSnapshot): unknown => st.organizations.map(({ updatedAt: _at, ...o }) => o);
    expect(organizations(after)).toEqual(organizations(before));
  });
});

describe('a --read-only Tours run', () => {
  it('passes and changes nothing on the mock but what reading writes', async () => {
    const server = await startMock();
    const before = await stateOf(server);
    const result = await runConformance({ api: 'tours', target: server.url, readOnly: true, runId: 'toursro' });
    const after = await stateOf(server);
    expect(result.failures.map((f) => `${f.caseId}: ${f.message}`)).toEqual([]);
    expect(result.exitCode).toBe(0);
    const skipped = result.cases.filter((c) => c.status === 'skipped' && c.group !== 'rate-limits');
    expect(skipped.length).toBeGreaterThan(50);
    expect(new Set(skipped.map((c) => c.skipReason))).toEqual(new Set(['changes state on the target (skipped by --read-only)']));
    expect(result.totals.passed).toBeGreaterThan(50);
    // Reading writes two things: a key's lastUsedAt (TA6), and the expired key's status on its first use (TA3).
    const expiredHash = await expiredKeyHash(server);
    const comparable = (s: ToursSnapshot): unknown => ({
      ...s,
      apiKeys: s.apiKeys.map(({ lastUsedAt: _used, ...k }) => (k.keyHash === expiredHash ? { ...k, status: 'expired' } : k)),
    });
    expect(comparable(after)).toEqual(comparable(before));
  }, 120_000);
});
