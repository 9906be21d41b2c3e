/**
 * The suite catches bugs: each deliberately broken target (a proxy in front of the mock, see
 * helpers/broken-targets.ts) makes the suite exit 1 and is reported under the right kind, by the
 * right check and case. The same mock without the breakage passes (mock-passes.test.ts). Each run
 * selects the groups the bug needs (`--only`), which keeps the whole catalogue to a short run.
 */
import { describe, expect, it } from 'vitest';
import { KIND_TITLES, runConformance, type RunResult } from '../../conformance/index.js';
import { BROKEN_TARGETS, type BrokenCase } from './helpers/broken-targets.js';
import { startBrokenTarget, type Breakage } from './helpers/proxy.js';

async function runAgainst(breakage: Breakage, options: Omit<Parameters<typeof runConformance>[0], 'target'>): Promise<RunResult> {
  const target = await startBrokenTarget(breakage);
  try {
    return await runConformance({ runId: 'broken', ...options, target: target.url });
  } finally {
    await target.close();
  }
}

function caughtBy(result: RunResult, broken: BrokenCase): RunResult['failures'] {
  return result.failures.filter(
    (f) => f.kind === broken.kind && f.check === broken.check && broken.caught.test(f.caseId) && (!broken.says || broken.says.test(f.message)),
  );
}

/** The cases each broken target failed (ids without the ` #n` of repeated names), for the coverage test. */
const failedCases = new Map<string, Set<string>>();
const caseKey = (id: string): string => id.replace(/ #\d+$/, '');

describe('the suite catches a deliberately broken target', () => {
  it('covers at least 15 bugs and every check group', () => {
    expect(BROKEN_TARGETS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(BROKEN_TARGETS.map((b) => b.check))).toEqual(new Set(['matrix', 'envelopes', 'tenancy', 'lifecycle', 'business', 'robustness', 'secrets']));
    expect(new Set(BROKEN_TARGETS.map((b) => b.name)).size).toBe(BROKEN_TARGETS.length);
  });

  it.each(BROKEN_TARGETS.map((b) => [b.name, b] as const))(
    '%s: exit 1, reported under the right kind and check',
    async (_name, broken) => {
      const result = await runAgainst(broken.breakage, { only: [...(broken.only ?? [broken.check])] });
      failedCases.set(broken.name, new Set(result.cases.filter((c) => c.status === 'failed').map((c) => caseKey(c.id))));
      expect(result.exitCode).toBe(1);
      const seen = [...new Set(result.failures.map((f) => `${KIND_TITLES[f.kind]} by "${f.caseId}": ${f.message.slice(0, 160)}`))];
      const wanted = `"${KIND_TITLES[broken.kind]}" from ${broken.check}, case ${String(broken.caught)}${broken.says ? `, saying ${String(broken.says)}` : ''}`;
      expect(caughtBy(result, broken).length, `expected ${wanted}; got:\n${seen.slice(0, 12).join('\n')}`).toBeGreaterThan(0);
    },
    60_000,
  );

  // The project standard: every check has a case where it must pass (mock-passes.test.ts) and one where it must fail.
  it('every case the suite runs against the mock fails against at least one broken target', async (context) => {
    if (failedCases.size < BROKEN_TARGETS.length) return context.skip(); // only part of the catalogue ran (a -t filter)
    const passing = await runAgainst({}, { runId: 'coverage' });
    expect(passing.exitCode).toBe(0);
    const caught = new Set([...failedCases.values()].flatMap((ids) => [...ids]));
    const never = [...new Set(passing.cases.map((c) => caseKey(c.id)))].filter((id) => !caught.has(id));
    expect(never, 'cases no broken target makes fail: add one to helpers/broken-targets.ts').toEqual([]);
  }, 60_000);
});

describe('a 5xx is a robustness failure wherever it happens (W3)', () => {
  const logout500 = BROKEN_TARGETS.find((b) => b.name === 'a 500 on every logout');
  if (!logout500) throw new Error('catalogue');

  it('is filed under Robustness by the check that sent it, and the W3 sweep fails once for all of them', async () => {
    const result = await runAgainst(logout500.breakage, { only: ['matrix', 'robustness'] });
    const on5xx = result.failures.filter((f) => f.exchangeId !== null && (result.exchanges[f.exchangeId - 1]?.response?.status ?? 0) >= 500);
    expect(on5xx.length).toBeGreaterThanOrEqual(12); // the logout cell of every principal and pseudo-principal
    expect(new Set(on5xx.map((f) => `${f.kind} by ${f.check}`))).toEqual(new Set(['robustness by matrix']));
    const w3 = result.failures.filter((f) => f.caseId.includes('(W3)'));
    expect(w3).toHaveLength(1);
    expect(w3[0]?.message).toContain(`500 ×${on5xx.length} (logout ×${on5xx.length}), each also listed under the check that sent it (matrix ×${on5xx.length})`);
  }, 60_000);
});

describe('--lenient-messages', () => {
  const reworded = BROKEN_TARGETS.find((b) => b.name === 'every message reworded');
  if (!reworded) throw new Error('catalogue');

  it('accepts any non-empty message in every group, and without it every group that compares a message fails', async () => {
    const lenient = await runAgainst(reworded.breakage, { lenientMessages: true });
    expect(lenient.failures.map((f) => `${f.caseId}: ${f.message}`)).toEqual([]);
    expect(lenient.exitCode).toBe(0);
    const strict = await runAgainst(reworded.breakage, {});
    // A documented message compared by a check, or pinned by the response schema (`const`, `enum`): one kind, `message`.
    const messages = strict.failures.filter((f) => f.kind === 'message' && f.type === 'message' && f.received === 'Something else');
    expect(new Set(messages.map((f) => f.check))).toEqual(new Set(['matrix', 'envelopes', 'tenancy', 'lifecycle', 'business', 'robustness']));
    expect(strict.failures.filter((f) => !messages.includes(f)).map((f) => `${f.kind} ${f.caseId}: ${f.message}`)).toEqual([]);
  }, 60_000);

  it('a wrong 403 message fails without it, and only on the message', async () => {
    const broken = BROKEN_TARGETS.find((b) => b.name === 'a wrong 403 message');
    if (!broken) throw new Error('catalogue');
    const strict = await runAgainst(broken.breakage, { only: 'matrix' });
    expect(strict.failures.length).toBeGreaterThan(0);
    for (const f of strict.failures) expect(f.message).toMatch(/^Received: "Forbidden"\. Expected: "(Insufficient permissions|Access denied)/);
    const lenient = await runAgainst(broken.breakage, { only: 'matrix', lenientMessages: true });
    expect(lenient.failures).toEqual([]);
  }, 60_000);
});
