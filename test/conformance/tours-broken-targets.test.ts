/**
 * The Tours suite catches bugs: each deliberately broken Tours target (a proxy in front of the Tours
 * mock, see helpers/tours-broken-targets.ts) makes the suite exit 1 and is reported under the right
 * kind, by the right check and case. The same mock without the breakage passes
 * (tours-mock-passes.test.ts). Each run selects the groups the bug needs (`only`).
 */
import { describe, expect, it } from 'vitest';
import { KIND_TITLES, runConformance, type RunResult } from '../../conformance/index.js';
import { CHECK_GROUPS } from '../../conformance/profiles/tours/checks/index.js';
import { GROUP_NAMES } from '../../conformance/profiles/tours/groups.js';
import { TOURS_BROKEN_TARGETS, type ToursBrokenCase } from './helpers/tours-broken-targets.js';
import { startToursBrokenTarget, type ToursBreakage } from './helpers/tours-proxy.js';

type RunInput = Omit<Parameters<typeof runConformance>[0], 'target' | 'api'>;

async function runAgainst(breakage: ToursBreakage, options: RunInput): Promise<RunResult> {
  const target = await startToursBrokenTarget(breakage);
  try {
    return await runConformance({ api: 'tours', runId: 'broken', ...options, target: target.url });
  } finally {
    await target.close();
  }
}

function caughtBy(result: RunResult, broken: ToursBrokenCase): RunResult['failures'] {
  return result.failures.filter(
    (f) => f.kind === broken.kind && f.check === broken.check && broken.caught.test(f.caseId) && (!broken.says || broken.says.test(f.message)),
  );
}

/** The groups that have checks registered. */
const REGISTERED = GROUP_NAMES.filter((name) => 'run' in CHECK_GROUPS[name] || 'sweep' in CHECK_GROUPS[name]);

/** The cases each broken target failed (ids without the ` #n` of repeated names), for the coverage test. */
const failedCases = new Map<string, Set<string>>();
const caseKey = (id: string): string => id.replace(/ #\d+$/, '');

describe('the Tours suite catches a deliberately broken target', () => {
  it('has a bug for every group that has checks, each with the rules it breaks, under a unique name', () => {
    expect(new Set(TOURS_BROKEN_TARGETS.map((b) => b.check))).toEqual(new Set(REGISTERED));
    expect(new Set(TOURS_BROKEN_TARGETS.map((b) => b.name)).size).toBe(TOURS_BROKEN_TARGETS.length);
    for (const b of TOURS_BROKEN_TARGETS) expect(b.rules.length, b.name).toBeGreaterThan(0);
  });

  it.each(TOURS_BROKEN_TARGETS.map((b) => [b.name, b] as const))(
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

  // The project standard: every case has a target where it must pass (tours-mock-passes.test.ts) and one where it must fail.
  it('every case the suite runs against the mock fails against at least one broken target', async (context) => {
    if (failedCases.size < TOURS_BROKEN_TARGETS.length) return context.skip(); // only part of the catalogue ran (a -t filter)
    const passing = await runAgainst({}, { runId: 'coverage' });
    expect(passing.exitCode).toBe(0);
    const caught = new Set([...failedCases.values()].flatMap((ids) => [...ids]));
    const never = [...new Set(passing.cases.filter((c) => c.status !== 'skipped').map((c) => caseKey(c.id)))].filter((id) => !caught.has(id));
    expect(never, 'cases no broken target makes fail: add one to helpers/tours-broken-targets.ts').toEqual([]);
  }, 120_000);
});
