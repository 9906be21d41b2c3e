/**
 * The suite catches bugs: each deliberately broken target of each API's catalogue (a proxy in front
 * of the mock, see helpers/catalogues.ts) makes the suite exit 1 and is reported under the right
 * kind, by the right check and case. The same mock without the breakage passes (mock-passes.test.ts).
 * Each run selects the groups the bug needs (`only`), which keeps a whole catalogue to a short run.
 *
 * The same runs prove the rules covered: the cases each target made fail, and the rules the target
 * declares, give docs/conformance-coverage.md (helpers/coverage.ts). The last test fails on a rule
 * of an API with a catalogue that no target proves, and when the committed page is not the one the
 * run generates; `npm run coverage:update` (UPDATE_COVERAGE=1) rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KIND_TITLES, PROFILES, runConformance, type RunResult } from '../../conformance/index.js';
import { projectPath } from '../../src/contract/index.js';
import { BROKEN_TARGETS } from './helpers/broken-targets.js';
import { CATALOGUES, type Catalogue, type CatalogueTarget } from './helpers/catalogues.js';
import { coverageSummary, decisionApis, readRules, renderCoverage, ruleCoverage, type ApiCoverage } from './helpers/coverage.js';
import { startBrokenTarget, type Breakage } from './helpers/proxy.js';

type RunInput = Omit<Parameters<typeof runConformance>[0], 'target' | 'api'>;

async function runAgainst(breakage: Breakage, options: RunInput): Promise<RunResult> {
  const target = await startBrokenTarget(breakage);
  try {
    return await runConformance({ runId: 'broken', ...options, target: target.url });
  } finally {
    await target.close();
  }
}

async function runCatalogue(catalogue: Catalogue, target: CatalogueTarget | null, options: RunInput): Promise<RunResult> {
  const running = await catalogue.start(target);
  try {
    return await runConformance({ api: catalogue.api, runId: 'broken', ...options, target: running.url });
  } finally {
    await running.close();
  }
}

function caughtBy(result: RunResult, broken: CatalogueTarget): RunResult['failures'] {
  return result.failures.filter(
    (f) => f.kind === broken.kind && f.check === broken.check && broken.caught.test(f.caseId) && (!broken.says || broken.says.test(f.message)),
  );
}

const caseKey = (id: string): string => id.replace(/ #\d+$/, '');

/** What the runs of one catalogue saw: the cases each target made fail, and every case of a run against the mock. */
interface Ledger {
  readonly failed: Map<string, Set<string>>;
  mockCases: string[] | null;
}
const LEDGERS = new Map<string, Ledger>(CATALOGUES.map((c) => [c.api, { failed: new Map(), mockCases: null }]));
const ledger = (api: string): Ledger => LEDGERS.get(api) as Ledger;

for (const catalogue of CATALOGUES) {
  const { api, targets } = catalogue;

  describe(`${api}: the suite catches a deliberately broken target`, () => {
    it('covers at least 15 bugs and every check group, each under its own name', () => {
      expect(targets.length).toBeGreaterThanOrEqual(15);
      expect(new Set(targets.map((b) => b.check))).toEqual(new Set(PROFILES[api]?.groups.map((g) => g.name)));
      expect(new Set(targets.map((b) => b.name)).size).toBe(targets.length);
    });

    it.each(targets.map((b) => [b.name, b] as const))(
      '%s: exit 1, reported under the right kind and check',
      async (_name, broken) => {
        const result = await runCatalogue(catalogue, broken, { only: [...(broken.only ?? [broken.check])] });
        ledger(api).failed.set(broken.name, new Set(result.cases.filter((c) => c.status === 'failed').map((c) => caseKey(c.id))));
        expect(result.exitCode).toBe(1);
        const seen = [...new Set(result.failures.map((f) => `${KIND_TITLES[f.kind]} by "${f.caseId}": ${f.message.slice(0, 160)}`))];
        const wanted = `"${KIND_TITLES[broken.kind]}" from ${broken.check}, case ${String(broken.caught)}${broken.says ? `, saying ${String(broken.says)}` : ''}`;
        expect(caughtBy(result, broken).length, `expected ${wanted}; got:\n${seen.slice(0, 12).join('\n')}`).toBeGreaterThan(0);
      },
      60_000,
    );

    // The project standard: every check has a case where it must pass (mock-passes.test.ts) and one where it must fail.
    it('every case the suite runs against the mock fails against at least one broken target', async (context) => {
      if (ledger(api).failed.size < targets.length) return context.skip(); // only part of the catalogue ran (a -t filter)
      const passing = await runCatalogue(catalogue, null, { runId: 'coverage' });
      expect(passing.exitCode).toBe(0);
      ledger(api).mockCases = [...new Set(passing.cases.map((c) => caseKey(c.id)))];
      const caught = new Set([...ledger(api).failed.values()].flatMap((ids) => [...ids]));
      // A case the mock run skips (an opt-in, or what the API cannot do) has no failure to show.
      const ran = new Set(passing.cases.filter((c) => c.status !== 'skipped').map((c) => caseKey(c.id)));
      const never = ledger(api).mockCases?.filter((id) => ran.has(id) && !caught.has(id));
      expect(never, `cases no broken target makes fail: add one to the ${api} catalogue`).toEqual([]);
    }, 60_000);
  });
}

const EXEMPT = JSON.parse(readFileSync(projectPath('test', 'conformance', 'coverage-exempt.json'), 'utf8')) as Record<string, Record<string, string>>;
const COVERAGE_PAGE = projectPath('docs', 'conformance-coverage.md');

describe('every rule of the decisions is proven covered (docs/conformance-coverage.md)', () => {
  it('each rule of an API with a catalogue is covered or exempt, and the committed table is the generated one', (context) => {
    if ([...LEDGERS.values()].some((l) => l.mockCases === null)) return context.skip(); // only part of a catalogue ran
    const apis: ApiCoverage[] = decisionApis().map((api) => {
      const catalogue = CATALOGUES.find((c) => c.api === api);
      const seen = LEDGERS.get(api);
      const run = catalogue && seen?.mockCases ? { cases: seen.mockCases, targets: catalogue.targets, failed: seen.failed } : undefined;
      return ruleCoverage({ api, rules: readRules(api), exempt: EXEMPT[api] ?? {}, run });
    });
    for (const api of apis) {
      expect(api.problems, `${api.api}: citations, declarations and exemptions`).toEqual([]);
      if (!api.enforced) continue; // no catalogue yet: listed, not enforced
      const uncovered = api.rows.filter((r) => r.status === 'uncovered').map((r) => `${r.rule.id}. ${r.rule.title}`);
      expect(uncovered, `${api.api}: ${coverageSummary(api)}; add a broken target that breaks each rule, or cite the rule in the case that catches it`).toEqual(
        [],
      );
    }
    const page = renderCoverage(apis);
    if (process.env.UPDATE_COVERAGE) writeFileSync(COVERAGE_PAGE, page);
    let committed = '';
    try {
      committed = readFileSync(COVERAGE_PAGE, 'utf8');
    } catch {
      // none yet: the comparison below fails and says how to write it
    }
    expect(committed === page, 'docs/conformance-coverage.md is not the generated table: run `npm run coverage:update` and commit it').toBe(true);
  });
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
