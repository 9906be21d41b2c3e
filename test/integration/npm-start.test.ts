/**
 * The real thing: `npm start` (the launcher, rebuilding the bundle if a source changed) on a free port, ready when
 * /__mock/health answers, then the typed client over a real socket walks a user's life as the
 * seeded WORKSPACES principal: create → get → update → delete → activate. Every answer is checked
 * against the spec.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import principalsFixture from '../../fixtures/principals.json' with { type: 'json' };
import { createOrganizationClient, type OrganizationClient } from '../../src/client.js';
import { compileValidators, describeSchemaErrors, loadSpec, projectPath } from '../../src/contract/index.js';

const READY_TIMEOUT_MS = 120_000;
const validators = compileValidators(loadSpec());
const workspaces = principalsFixture.principals.find((p) => p.name === 'workspaces')!;

/** Fails unless `status` is documented for the operation and the body matches its schema. */
function expectConforms(operationId: string, status: number, body: unknown): void {
  const validate = validators.response(operationId, status);
  expect(validate, `${operationId} does not document ${status}`).not.toBeNull();
  expect(validate?.(body), `${operationId} ${status}: ${describeSchemaErrors(validate?.errors)}`).toBe(true);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${baseUrl}/__mock/health`);
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`npm start did not answer /__mock/health within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

let child: ChildProcess;
let baseUrl: string;
let client: OrganizationClient;

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  // Its own process group, so that afterAll stops npm, the build and node together.
  child = spawn('npm', ['start', '--', '--port', String(port), '--quiet'], { cwd: projectPath(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForHealth(baseUrl, child, () => output);

  const login = await createOrganizationClient({ baseUrl }).POST('/user/login', { body: { email: workspaces.email, password: workspaces.password } });
  expectConforms('login', login.response.status, login.data ?? login.error);
  expect(login.data?.user.email).toBe(workspaces.email);
  client = createOrganizationClient({ baseUrl, token: login.data?.accessToken });
}, READY_TIMEOUT_MS + 10_000);

afterAll(async () => {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
});

describe('npm start, driven by the typed client as WORKSPACES', () => {
  let userId: string;
  const email = `lifecycle.${Date.now()}@acme.test`;

  it('creates a user (201, not validated)', async () => {
    const { data, error, response } = await client.POST('/organization/users', {
      body: { email, password: 'Lifecycle-Passw0rd', firstName: 'Life', lastName: 'Cycle', orgRole: 1, sendInvite: true },
    });
    expectConforms('createOrganizationUser', response.status, data ?? error);
    expect(response.status).toBe(201);
    expect(data?.data).toMatchObject({ email, name: 'Life', lastName: 'Cycle', orgRole: 1, orgRoleDescription: 'BILLING', validated: false, deletedAt: null });
    userId = data?.data.id as string;
  });

  it('gets it (the bare user object)', async () => {
    const { data, error, response } = await client.GET('/organization/users/{userId}', { params: { path: { userId } } });
    expectConforms('getOrganizationUser', response.status, data ?? error);
    expect(data).toMatchObject({ id: userId, email, orgRoles: [0, 1] });
  });

  it('updates it', async () => {
    const { data, error, response } = await client.PUT('/organization/users/{userId}', { params: { path: { userId } }, body: { name: 'Living', orgRole: 0 } });
    expectConforms('updateOrganizationUser', response.status, data ?? error);
    expect(data).toMatchObject({ success: true, message: 'User updated successfully', data: { name: 'Living', orgRole: 0, orgRoleDescription: 'USER' } });
  });

  it('deletes it (soft: still readable, with deletedAt)', async () => {
    const deleted = await client.DELETE('/organization/users/{userId}', { params: { path: { userId } } });
    expectConforms('deleteOrganizationUser', deleted.response.status, deleted.data ?? deleted.error);
    expect(deleted.data).toEqual({ success: true, message: 'User deleted successfully' });
    const after = await client.GET('/organization/users/{userId}', { params: { path: { userId } } });
    expect(after.data?.deletedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('activates it again', async () => {
    const activated = await client.POST('/organization/users/{userId}/activate', { params: { path: { userId } } });
    expectConforms('activateOrganizationUser', activated.response.status, activated.data ?? activated.error);
    expect(activated.data).toEqual({ success: true, message: 'User activated successfully' });
    const after = await client.GET('/organization/users/{userId}', { params: { path: { userId } } });
    expect(after.data?.deletedAt).toBeNull();
    const again = await client.POST('/organization/users/{userId}/activate', { params: { path: { userId } } });
    expectConforms('activateOrganizationUser', again.response.status, again.data ?? again.error);
    expect(again.error).toEqual({ success: false, message: 'User is not deleted' });
  });
});
