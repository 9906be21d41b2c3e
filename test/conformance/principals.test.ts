/**
 * Principals by name from a config file, from CONFORMANCE_* variables, or from the mock's
 * principals endpoint; ids from the login answer or the token's claims; a missing principal turns
 * its checks into skips with the reason; a target without /__mock runs from the config alone.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, SetupError } from '../../conformance/index.js';
import { parseConfig, readEnvironment } from '../../conformance/profiles/flashback/principals/credentials.js';
import { projectPath } from '../../src/contract/index.js';
import { answer, startBrokenTarget, type BrokenTarget, type MockPrincipal } from './helpers/proxy.js';

const dir = mkdtempSync(join(tmpdir(), 'conformance-principals-'));
const fixture = JSON.parse(readFileSync(projectPath('fixtures/principals.json'), 'utf8')) as {
  principals: { name: string; email: string; password: string }[];
};
const credentials = Object.fromEntries(fixture.principals.map((p) => [p.name, { email: p.email, password: p.password }]));

/** The mock with its control plane hidden, as a real backend would be. */
let backend: BrokenTarget;
let tokens: Map<string, MockPrincipal>;

beforeAll(async () => {
  backend = await startBrokenTarget({ request: (r) => (r.path.startsWith('/__mock') ? answer(404, { success: false, message: 'Not found' }) : r) });
  const listed = (await (await fetch(`${backend.mock.url}/__mock/principals`)).json()) as { principals: MockPrincipal[] };
  tokens = new Map(listed.principals.map((p) => [p.name, p]));
});
afterAll(async () => {
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string, principals: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ principals }));
  return file;
}

describe('config and environment parsing', () => {
  it.each([
    ['no principals object', {}, /no "principals" object/],
    ['an unknown principal', { principals: { admin: { token: 't' } } }, /unknown principal "admin" \(known: owner, administrator/],
    ['neither token nor credentials', { principals: { owner: { email: 'a@b.c' } } }, /principal "owner" needs "token", or "email" and "password"/],
    ['an unknown field', { principals: { owner: { token: 't', secret: 1 } } }, /principal "owner" has an unknown field "secret"/],
    ['an empty token', { principals: { owner: { token: '' } } }, /"token" must be a non-empty string/],
    ['an unknown role', { principals: { outsider: { token: 't', role: 'BOSS' } } }, /"role" must be one of USER, BILLING/],
    ['an inactive account with a token only', { principals: { deleted: { token: 't' } } }, /principal "deleted" needs "email" and "password"/],
  ])('%s is a SetupError', (_name, config, pattern) => {
    expect(() => parseConfig(config, 'conf.json')).toThrow(SetupError);
    expect(() => parseConfig(config, 'conf.json')).toThrow(pattern);
  });

  it('reads tokens, credentials and hints from CONFORMANCE_* variables', () => {
    const env = readEnvironment({
      CONFORMANCE_OWNER_TOKEN: 'tok',
      CONFORMANCE_BILLING_EMAIL: 'b@x.test',
      CONFORMANCE_BILLING_PASSWORD: 'pw',
      CONFORMANCE_OUTSIDER_TOKEN: 'out',
      CONFORMANCE_OUTSIDER_ROLE: '255',
      UNRELATED: 'x',
    });
    expect([...env.keys()]).toEqual(['owner', 'billing', 'outsider']);
    expect(env.get('billing')).toMatchObject({ source: 'env', email: 'b@x.test', password: 'pw', token: null });
    expect(env.get('outsider')?.role).toBe(255);
    expect(() => readEnvironment({ CONFORMANCE_USER_EMAIL: 'u@x.test' })).toThrow(
      /CONFORMANCE_USER_\*: needs CONFORMANCE_USER_TOKEN, or CONFORMANCE_USER_EMAIL and CONFORMANCE_USER_PASSWORD/,
    );
  });
});

describe('principals against a backend without /__mock', () => {
  it('with no config and no environment: a SetupError that says what to give', async () => {
    await expect(runConformance({ target: backend.url })).rejects.toThrow(/^No principals: give --config FILE or CONFORMANCE_<NAME>_TOKEN/);
  });

  it('a wrong password in the config is a SetupError naming the principal', async () => {
    const file = configFile('wrong.json', { owner: { email: credentials.owner?.email, password: 'Wrong-Passw0rd' } });
    await expect(runConformance({ target: backend.url, configFile: file })).rejects.toThrow(
      /^Cannot log in as owner \(owner@acme\.test\) with POST \/user\/login: 401 INVALID_PASSWORD\. Check the credentials from config file .*wrong\.json\.$/,
    );
  });

  it('runs the whole suite from a config of e-mails and passwords; only the control-plane cases are skipped', async () => {
    const file = configFile('full.json', credentials);
    const result = await runConformance({ target: backend.url, configFile: file, runId: 'fromconfig' });
    expect(result.principalSource).toBe(`config file ${file}`);
    expect(result.failures.map((f) => `${f.caseId}: ${f.message}`)).toEqual([]);
    const controlPlane = 'needs a user the run may change and log in as: only the mock control plane (POST /__mock/users/{id}/validate) can validate one';
    expect(result.cases.filter((c) => c.status === 'skipped').map((c) => c.skipReason)).toEqual([controlPlane, controlPlane]);
    const owner = result.principals.find((p) => p.name === 'owner');
    expect(owner).toMatchObject({
      source: 'config',
      role: 'OWNER',
      userId: '11111111-1111-4111-8111-111111111111',
      orgId: '123e4567-e89b-12d3-a456-426614174000',
    });
    expect(result.principals.find((p) => p.name === 'outsider')?.role).toBe('OWNER');
  }, 60_000);

  it('takes ids from the token claims and skips the checks of missing principals with the reason', async () => {
    const file = configFile('tokens.json', { owner: { token: tokens.get('owner')?.accessToken }, billing: { token: tokens.get('billing')?.accessToken } });
    const result = await runConformance({ target: backend.url, configFile: file, only: 'matrix' });
    expect(result.exitCode).toBe(0);
    expect(result.principals.find((p) => p.name === 'billing')).toMatchObject({
      userId: '44444444-4444-4444-8444-444444444444',
      orgId: '123e4567-e89b-12d3-a456-426614174000',
    });
    const skipped = result.cases.filter((c) => c.status === 'skipped');
    expect(
      skipped.some(
        (c) =>
          c.name === 'listOrganizationUsers as workspaces (R1)' &&
          c.skipReason === 'needs the workspaces principal: give it in --config or as CONFORMANCE_WORKSPACES_TOKEN',
      ),
    ).toBe(true);
    expect(result.cases.find((c) => c.name === 'listOrganizationUsers as billing (R1)')?.status).toBe('passed');
  }, 60_000);

  it('reads principals from the environment', async () => {
    const env = {
      CONFORMANCE_OWNER_EMAIL: credentials.owner?.email,
      CONFORMANCE_OWNER_PASSWORD: credentials.owner?.password,
      CONFORMANCE_USER_TOKEN: tokens.get('user')?.accessToken ?? undefined,
    };
    const result = await runConformance({ target: backend.url, env, only: 'tenancy' });
    expect(result.principalSource).toBe('environment');
    expect(result.principals.filter((p) => p.available).map((p) => p.name)).toEqual(['owner', 'user']);
    expect(result.exitCode).toBe(0);
  }, 60_000);
});
