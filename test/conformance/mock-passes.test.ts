/**
 * Against the mock, the whole suite passes: every group runs, nothing fails, nothing is skipped
 * (the mock offers every principal and its control plane).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type RunResult } from '../../conformance/index.js';
import { GROUP_NAMES } from '../../conformance/profiles/flashback/groups.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { flashbackApi } from '../../src/apis/index.js';

let server: RunningServer;
let result: RunResult;

beforeAll(async () => {
  server = await startServer({ definition: flashbackApi, port: 0, log: null });
  result = await runConformance({ target: server.url, runId: 'mockpass' });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('the suite against the mock', () => {
  it('passes every check and exits 0', () => {
    expect(result.failures.map((f) => `${f.caseId}: ${f.message}`)).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('runs every group and skips nothing', () => {
    for (const name of GROUP_NAMES) expect(result.groups.find((g) => g.name === name)?.passed, name).toBeGreaterThan(0);
    expect(result.cases.filter((c) => c.status === 'skipped').map((c) => `${c.id}: ${c.skipReason}`)).toEqual([]);
  });

  it('fills the whole operation × principal matrix', () => {
    const { operations, principals, cells } = result.matrix;
    expect(principals).toEqual([
      'owner',
      'administrator',
      'workspaces',
      'billing',
      'user',
      'outsider',
      'orgless',
      'no-token',
      'malformed-header',
      'garbage-token',
      'wrong-signature',
      'alg-none',
    ]);
    expect(cells).toHaveLength(operations.length * principals.length);
    expect(cells.every((c) => c.outcome === 'pass' && c.expected?.status === c.received)).toBe(true);
  });

  it('soft-deletes every user it created', async () => {
    const state = (await (await fetch(`${server.url}/__mock/state`)).json()) as { users: { email: string; deletedAt: string | null }[] };
    const created = state.users.filter((u) => u.email.startsWith('conf-mockpass-'));
    expect(created.length).toBeGreaterThan(20);
    expect(created.filter((u) => u.deletedAt === null).map((u) => u.email)).toEqual([]);
  });
});
