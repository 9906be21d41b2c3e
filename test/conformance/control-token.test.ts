/**
 * A mock whose control plane needs a token (it listens beyond the loopback, or was given one): the
 * suite reads its principals with `--control-token` (or ORG_CONTRACT_CONTROL_TOKEN), and without it
 * stops with one line saying which flag to give, not a puzzling "does not serve" (exit 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../../src/mock.js';
import { runCli } from './helpers/cli.js';

const TOKEN = 'control-token-for-the-suite-test';
const TIMEOUT_MS = 120_000;

describe.each(['flashback', 'tours'] as const)('the suite against a %s mock whose control plane needs a token', (api) => {
  let mock: RunningMock<unknown>;
  beforeAll(async () => {
    mock = await startMock({ api, controlToken: TOKEN, rateLimit: null });
  });
  afterAll(() => mock.close());

  const only = api === 'tours' ? 'credentials' : 'matrix';

  it(
    'without the token: exit 2 and one line naming --control-token',
    async () => {
      const run = await runCli(['--api', api, '--target', mock.url, '--only', only, '--quiet']);
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stderr).toMatch(/control plane answered 401: give its token with --control-token or ORG_CONTRACT_CONTROL_TOKEN/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    },
    TIMEOUT_MS,
  );

  it(
    'with --control-token, or the variable: the principals load and the run passes',
    async () => {
      const byFlag = await runCli(['--api', api, '--target', mock.url, '--only', only, '--quiet', '--control-token', TOKEN]);
      expect(byFlag.code, byFlag.stdout + byFlag.stderr).toBe(0);
      const byVariable = await runCli(['--api', api, '--target', mock.url, '--only', only, '--quiet'], { ORG_CONTRACT_CONTROL_TOKEN: TOKEN });
      expect(byVariable.code, byVariable.stdout + byVariable.stderr).toBe(0);
      expect(byVariable.stdout).not.toContain(TOKEN);
    },
    TIMEOUT_MS,
  );
});
