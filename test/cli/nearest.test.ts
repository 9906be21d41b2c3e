/** "Did you mean": typos find the flag meant; other words find nothing (src/cli/nearest.ts). */
import { describe, expect, it } from 'vitest';
import { nearest } from '../../src/cli/nearest.js';

const FLAGS = ['port', 'host', 'seed', 'users', 'state-file', 'quiet', 'api', 'rate-limit'];

describe('nearest', () => {
  it.each([
    ['prot', 'port'],
    ['hots', 'host'],
    ['seeds', 'seed'],
    ['quite', 'quiet'],
    ['QUIET', 'quiet'],
    ['stat-file', 'state-file'],
    ['rate', 'rate-limit'],
  ])('%s → %s', (typed, meant) => expect(nearest(typed, FLAGS)).toBe(meant));

  it.each(['xyz', 'verbose', 'p', 'timeout'])('%s → nothing', (typed) => expect(nearest(typed, FLAGS)).toBeNull());
});
