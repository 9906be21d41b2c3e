/**
 * SIGKILL durability (issue 12), bounded: the mock as users run it (bin/org-contract.mjs mock
 * --state-file) is killed at random moments while it takes writes, and restarted on the same file;
 * every write it acknowledged must be found, and the file must load. The long run is
 * `npm run reliability:kill -- --api flashback|tours --cycles 50` (scripts/reliability/sigkill.ts, the same code).
 */
import { describe, expect, it } from 'vitest';
import { runSigkillCycles } from '../../scripts/reliability/sigkill.js';

const CYCLES = 5;

describe.each(['flashback', 'tours'])('SIGKILL durability of the %s mock', (api) => {
  it(`finds every acknowledged write after ${CYCLES} kills and restarts`, async () => {
    const report = await runSigkillCycles({ api, cycles: CYCLES, seed: 12 });
    expect(report.problems).toEqual([]);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.found).toBe(report.acknowledged);
  }, 180_000);
});
