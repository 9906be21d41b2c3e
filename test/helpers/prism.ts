/**
 * The Prism proof's harness: starts Stoplight Prism (`prism mock <spec>`, an independent OpenAPI mock) on a
 * free port, and `describePrismServes` checks that for each operation of the spec Prism answers a request
 * built from the spec's own examples and credentials with the documented success status and a body that
 * validates against the spec's response schema (test/helpers/spec-operations.ts, not src/contract).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpecForTests, type LoadedSpecForTests, type SpecOperation } from './spec-operations.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRISM_BIN = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;
const HOST = '127.0.0.1';

export interface PrismServer {
  readonly baseUrl: string;
  /** Everything Prism wrote to stdout and stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

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
const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Polls until Prism answers any HTTP request, or fails when it exits or the time is up. */
async function waitForPrism(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`prism exited (${child.exitCode ?? child.signalCode}) before answering:\n${log()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`prism did not answer within ${STARTUP_TIMEOUT_MS} ms:\n${log()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const stopped = await Promise.race([gone.then(() => true), sleep(5_000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await gone;
  }
}

/** Starts `prism mock <spec>` (a path relative to the project root) on a free port of 127.0.0.1. */
export async function startPrism(spec: string, probePath = '/'): Promise<PrismServer> {
  const port = await freePort();
  const baseUrl = `http://${HOST}:${port}`;
  let output = '';
  const log = () => output;
  const child = spawn(PRISM_BIN, ['mock', spec, '-p', String(port), '-h', HOST], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  try {
    await waitForPrism(`${baseUrl}${probePath}`, child, log);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { baseUrl, log, stop: () => stopChild(child) };
}

/**
 * The headers that carry the credentials of an operation's first security requirement, one per scheme it
 * names, each built from the scheme's definition with the test secret `secrets[scheme]`.
 */
export function credentialsFor(spec: LoadedSpecForTests, op: SpecOperation, secrets: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const name of op.securitySchemes) {
    const scheme = spec.securitySchemes[name];
    const secret = secrets[name];
    if (!scheme) throw new Error(`${op.operationId}: security scheme ${name} is not defined`);
    if (secret === undefined) throw new Error(`${op.operationId}: no test secret given for security scheme ${name}`);
    if (scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') headers.authorization = `Bearer ${secret}`;
    else if (scheme.type === 'apiKey' && scheme.in === 'header') headers[String(scheme.name).toLowerCase()] = secret;
    else if (scheme.type === 'apiKey' && scheme.in === 'cookie') cookies.push(`${String(scheme.name)}=${secret}`);
    else throw new Error(`${op.operationId}: security scheme ${name} (${JSON.stringify(scheme)}) is not supported by this harness`);
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  return headers;
}

export interface PrismProof {
  /** The spec, relative to the project root, e.g. `openapi/organization.yaml`. */
  readonly spec: string;
  /** Every operation of the spec with its documented success status; the spec must have exactly these. */
  readonly expected: ReadonlyArray<{ readonly operationId: string; readonly status: number }>;
  /** A test secret for each security scheme the operations' first security requirements name. */
  readonly secrets: Readonly<Record<string, string>>;
  /** A path Prism answers once it is up (any status). */
  readonly probePath: string;
}

/** One describe: Prism serves `proof.spec`, and answers each operation as the spec documents. */
export function describePrismServes(proof: PrismProof): void {
  describe(`Prism serves ${proof.spec}`, () => {
    let prism: PrismServer | undefined;
    let spec: LoadedSpecForTests;

    beforeAll(async () => {
      spec = await loadSpecForTests(`${ROOT}${proof.spec}`);
      prism = await startPrism(proof.spec, proof.probePath);
    }, STARTUP_TIMEOUT_MS + 10_000);

    afterAll(async () => {
      await prism?.stop();
    });

    it(`the spec has exactly the ${proof.expected.length} operations this test covers`, () => {
      expect(spec.operations.map((op) => op.operationId).sort()).toEqual(proof.expected.map((e) => e.operationId).sort());
    });

    for (const { operationId, status } of proof.expected) {
      it(`${operationId} answers ${status} with a body that validates against its response schema`, async () => {
        const op = spec.operations.find((o) => o.operationId === operationId);
        expect(op, `${operationId} is in the spec`).toBeDefined();
        if (!op || !prism) return;
        expect(op.successStatus, 'the spec documents this success status').toBe(status);

        const credentials = credentialsFor(spec, op, proof.secrets);
        const headers: Record<string, string> = { accept: 'application/json', ...credentials };
        if (op.body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(`${prism.baseUrl}${op.path}`, {
          method: op.method,
          headers,
          body: op.body === undefined ? undefined : JSON.stringify(op.body),
        });
        const text = await response.text();
        const context = `${op.method} ${op.path} [${Object.keys(credentials).join(', ') || 'no credential'}] → ${response.status} ${text}`;

        expect(response.status, context).toBe(status);
        expect(response.headers.get('content-type') ?? '', context).toMatch(/^application\/json\b/i);
        const body: unknown = JSON.parse(text);
        const result = spec.validateResponse(operationId, status, body);
        expect(result.errors, context).toBe('');
        expect(result.valid, context).toBe(true);
      });
    }
  });
}
