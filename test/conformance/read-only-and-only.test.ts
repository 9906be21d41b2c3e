/**
 * --read-only changes nothing on the target (the mock's whole state is the same before and after)
 * and lists what it skipped; --only runs the selected groups and no other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../conformance/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { flashbackApi } from '../../src/apis/index.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ definition: flashbackApi, port: 0, log: null });
});
afterAll(async () => {
  await server?.close();
});

const state = async (): Promise<string> => (await fetch(`${server.url}/__mock/state`)).text();

describe('--read-only', () => {
  it('changes nothing on the target, passes, and lists every case it skipped with the reason', async () => {
    const before = await state();
    const result = await runConformance({ target: server.url, readOnly: true });
    expect(await state()).toBe(before);
    expect(result.exitCode).toBe(0);
    const skipped = result.cases.filter((c) => c.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(50);
    expect(new Set(skipped.map((c) => c.skipReason))).toEqual(new Set(['changes state on the target (skipped by --read-only)']));
    expect(result.cases.filter((c) => c.status === 'passed').length).toBeGreaterThan(50);
  }, 60_000);
});

describe('--only', () => {
  it('runs only the selected groups', async () => {
    const result = await runConformance({ target: server.url, only: 'tenancy,secrets', runId: 'only' });
    expect(new Set(result.cases.map((c) => c.group))).toEqual(new Set(['tenancy', 'secrets']));
    expect(result.groups.filter((g) => g.selected).map((g) => g.name)).toEqual(['tenancy', 'secrets']);
    expect(result.matrix.cells).toEqual([]);
    expect(result.exitCode).toBe(0);
  }, 60_000);

  it('with the sweep groups alone it samples every operation to have answers to judge', async () => {
    const result = await runConformance({ target: server.url, only: ['envelopes'], runId: 'sweeps' });
    expect(result.cases.every((c) => c.group === 'envelopes')).toBe(true);
    expect(result.cases.filter((c) => c.status === 'skipped').map((c) => c.name)).toEqual([]);
    expect(result.totals.passed).toBe(result.cases.length);
  }, 60_000);
});
