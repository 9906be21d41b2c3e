/**
 * The Tours & Events catalogue of broken targets (helpers/tours-broken-targets.ts), beyond what
 * broken-targets.test.ts runs for every catalogue (each target caught under its kind, check and
 * case; every case failing somewhere; every rule proven): the catalogue names a bug for each rule of
 * docs/decisions/tours.md, a 5xx is filed under Robustness by the check that met it and once more by
 * the W3 sweep, and a documented message of another rule keeps that rule's kind.
 */
import { describe, expect, it } from 'vitest';
import { runConformance, type RunResult } from '../../conformance/index.js';
import { readRules } from './helpers/coverage.js';
import { TOURS_BROKEN_TARGETS, type ToursBrokenCase } from './helpers/tours-broken-targets.js';
import { startToursBrokenTarget } from './helpers/tours-proxy.js';

type RunInput = Omit<Parameters<typeof runConformance>[0], 'target' | 'api'>;

async function runAgainst(broken: ToursBrokenCase, options: RunInput): Promise<RunResult> {
  const target = await startToursBrokenTarget(broken.breakage);
  try {
    return await runConformance({ api: 'tours', runId: 'broken', ...options, target: target.url });
  } finally {
    await target.close();
  }
}

function target(name: string): ToursBrokenCase {
  const found = TOURS_BROKEN_TARGETS.find((b) => b.name === name);
  if (!found) throw new Error(`no Tours broken target "${name}"`);
  return found;
}

describe('the Tours catalogue of broken targets', () => {
  it('breaks every rule of docs/decisions/tours.md, W1 to W4 included, with at least two bugs per check group', () => {
    const declared = new Set(TOURS_BROKEN_TARGETS.flatMap((b) => b.rules));
    expect(
      readRules('tours')
        .map((r) => r.id)
        .filter((id) => !declared.has(id)),
    ).toEqual([]);
    const perGroup = new Map<string, number>();
    for (const b of TOURS_BROKEN_TARGETS) perGroup.set(b.check, (perGroup.get(b.check) ?? 0) + 1);
    for (const [group, count] of perGroup) expect(count, group).toBeGreaterThanOrEqual(2);
  });
});

describe('a 5xx is a robustness failure wherever it happens (W3)', () => {
  it('is filed under Robustness by the check that sent it, and the W3 sweep fails once for all of them', async () => {
    const result = await runAgainst(target('get-session crashes for a signed-in user'), { only: ['matrix', 'robustness'] });
    const on5xx = result.failures.filter((f) => f.exchangeId !== null && (result.exchanges[f.exchangeId - 1]?.response?.status ?? 0) >= 500);
    expect(on5xx.length).toBeGreaterThanOrEqual(10); // the getSession cell of every principal's session
    expect(new Set(on5xx.map((f) => `${f.kind} by ${f.check}`))).toEqual(new Set(['robustness by matrix']));
    const w3 = result.failures.filter((f) => f.caseId.includes('(W3)') && f.check === 'robustness');
    expect(w3).toHaveLength(1);
    expect(w3[0]?.message).toMatch(/^Received: 500 /);
  }, 60_000);
});

describe('a message the spec documents for another rule', () => {
  it('keeps the kind of the rule it was compared for, and --lenient-messages accepts it', async () => {
    const broken = target('a revoked API key answered as an invalid one');
    const strict = await runAgainst(broken, { only: ['credentials'] });
    expect(strict.failures.length).toBeGreaterThan(0);
    for (const f of strict.failures) {
      expect(f.kind).toBe('auth');
      expect(f.message).toMatch(/^Received: "Invalid API key"\. Expected: "API key has been revoked" \(TA3: /);
    }
    const lenient = await runAgainst(broken, { only: ['credentials'], lenientMessages: true });
    expect(lenient.failures.map((f) => `${f.caseId}: ${f.message}`)).toEqual([]);
    expect(lenient.exitCode).toBe(0);
  }, 60_000);
});
