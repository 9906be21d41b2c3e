/**
 * The suite catches bugs: each deliberately broken target (a proxy in front of the mock, see
 * helpers/broken-targets.ts) makes the whole suite exit 1 and is reported under the right kind by
 * the right check. The same mock without the breakage passes (mock-passes.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { KIND_TITLES, runConformance } from '../../conformance/index.js';
import { BROKEN_TARGETS } from './helpers/broken-targets.js';
import { startBrokenTarget } from './helpers/proxy.js';

describe('the suite catches a deliberately broken target', () => {
  it('covers at least 15 bugs and every check group', () => {
    expect(BROKEN_TARGETS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(BROKEN_TARGETS.map((b) => b.check))).toEqual(new Set(['matrix', 'envelopes', 'tenancy', 'lifecycle', 'business', 'robustness', 'secrets']));
  });

  it.each(BROKEN_TARGETS.map((b) => [b.name, b] as const))('%s: exit 1', async (_name, broken) => {
    const target = await startBrokenTarget(broken.breakage);
    try {
      const result = await runConformance({ target: target.url, runId: 'broken' });
      expect(result.exitCode).toBe(1);
      const found = result.failures.filter((f) => f.kind === broken.kind && f.check === broken.check);
      const seen = [...new Set(result.failures.map((f) => `${KIND_TITLES[f.kind]} by ${f.check}`))];
      expect(found.length, `expected "${KIND_TITLES[broken.kind]}" from ${broken.check}; got ${seen.join(', ')}`).toBeGreaterThan(0);
    } finally {
      await target.close();
    }
  }, 60_000);

  it('a wrong 403 message passes with --lenient-messages, and fails without', async () => {
    const broken = BROKEN_TARGETS.find((b) => b.name === 'a wrong 403 message');
    if (!broken) throw new Error('catalogue');
    const target = await startBrokenTarget(broken.breakage);
    try {
      const lenient = await runConformance({ target: target.url, lenientMessages: true, only: 'matrix,tenancy' });
      expect(lenient.failures.map((f) => f.message)).toEqual([]);
      const strict = await runConformance({ target: target.url, only: 'matrix' });
      expect(strict.failures.length).toBeGreaterThan(0);
      for (const f of strict.failures) expect(f.message).toMatch(/^Received: "Forbidden"\. Expected: "(Insufficient permissions|Access denied)/);
    } finally {
      await target.close();
    }
  }, 60_000);
});
