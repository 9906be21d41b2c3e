/**
 * The Prism proof: Stoplight Prism, an independent OpenAPI mock, serves openapi/organization.yaml, and for
 * each of the 11 operations answers a request built from the spec's own examples with the documented
 * success status and a body that validates against the spec's response schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpecForTests, type LoadedSpecForTests } from '../helpers/spec-operations.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SPEC = 'openapi/organization.yaml';
const PRISM_BIN = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;
const HOST = '127.0.0.1';

/** The documented success status of each operation (docs/decisions/flashback.md, section 4). */
const EXPECTED: ReadonlyArray<{ operationId: string; status: number }> = [
  { operationId: 'getOrganization', status: 200 },
  { operationId: 'updateOrganization', status: 200 },
  { operationId: 'listOrganizationUsers', status: 200 },
  { operationId: 'createOrganizationUser', status: 201 },
  { operationId: 'getOrganizationUser', status: 200 },
  { operationId: 'updateOrganizationUser', status: 200 },
  { operationId: 'deleteOrganizationUser', status: 200 },
  { operationId: 'activateOrganizationUser', status: 200 },
  { operationId: 'login', status: 200 },
  { operationId: 'refreshToken', status: 200 },
  { operationId: 'logout', status: 200 },
];

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let prism: ChildProcess | undefined;
let prismLog = '';
let baseUrl = '';
let spec: LoadedSpecForTests;

/** Polls until Prism answers any HTTP request, or fails when it exits or the time is up. */
async function waitForPrism(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`prism exited (${child.exitCode ?? child.signalCode}) before answering:\n${prismLog}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`prism did not answer within ${STARTUP_TIMEOUT_MS} ms:\n${prismLog}`);
}

beforeAll(async () => {
  spec = await loadSpecForTests(`${root}${SPEC}`);
  const port = await freePort();
  baseUrl = `http://${HOST}:${port}`;
  prism = spawn(PRISM_BIN, ['mock', SPEC, '-p', String(port), '-h', HOST], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prism.stdout?.setEncoding('utf8').on('data', (chunk: string) => (prismLog += chunk));
  prism.stderr?.setEncoding('utf8').on('data', (chunk: string) => (prismLog += chunk));
  await waitForPrism(`${baseUrl}/organization/users`, prism);
}, STARTUP_TIMEOUT_MS + 10_000);

afterAll(async () => {
  const child = prism;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
  }
});

describe('Prism serves openapi/organization.yaml', () => {
  it('the spec has exactly the 11 operations this test covers', () => {
    expect(spec.operations.map((op) => op.operationId).sort()).toEqual(EXPECTED.map((e) => e.operationId).sort());
  });

  for (const { operationId, status } of EXPECTED) {
    it(`${operationId} answers ${status} with a body that validates against its response schema`, async () => {
      const op = spec.operations.find((o) => o.operationId === operationId);
      expect(op, `${operationId} is in the spec`).toBeDefined();
      if (!op) return;
      expect(op.successStatus, 'the spec documents this success status').toBe(status);

      const headers: Record<string, string> = { accept: 'application/json' };
      if (op.secured) headers.authorization = 'Bearer x';
      if (op.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${baseUrl}${op.path}`, {
        method: op.method,
        headers,
        body: op.body === undefined ? undefined : JSON.stringify(op.body),
      });
      const text = await response.text();
      const context = `${op.method} ${op.path} → ${response.status} ${text}`;

      expect(response.status, context).toBe(status);
      expect(response.headers.get('content-type') ?? '', context).toMatch(/^application\/json\b/i);
      const body: unknown = JSON.parse(text);
      const result = spec.validateResponse(operationId, status, body);
      expect(result.errors, context).toBe('');
      expect(result.valid, context).toBe(true);
    });
  }
});
