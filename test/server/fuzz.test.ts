/**
 * W3: no request, however malformed, yields a 5xx or takes the server down.
 *
 * The spec-driven fuzzer (test/fuzz/fuzzer.ts), seeded and bounded, for each API: every operation,
 * as the principals its x-access lets reach the body, with bodies, query strings and path parameters
 * broken from its own schemas. Its depth is asserted from the pipeline's stage counts, so a fuzzer that
 * stops at routing or auth (as a uniform draw of method, path and token does) fails here; and a crash
 * planted in a body validator or a handler is shown to be caught. Below it, raw bytes Node's parser refuses.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_DEFINITIONS } from '../../src/apis/index.js';
import type { ApiName } from '../../src/apis/names.js';
import { runFuzz, formatReport, type FuzzReport } from '../fuzz/fuzzer.js';
import { trimBeforeTypeCheck } from '../fuzz/stages.js';
import { Agent } from 'node:http';
import { sendRequest, startTestServer, type TestServer } from '../helpers/server-harness.js';
import { startToursServer } from '../helpers/tours-server.js';

const SEED = 20260131;
/** Requests per API: enough for every operation to be reached past its body, small enough for npm test (the long run is npm run reliability:fuzz). */
const REQUESTS: Readonly<Record<ApiName, number>> = { flashback: 1500, tours: 3000 };
/** Each operation with a body: at least this many requests as an allowed caller reached its body checks. */
const MIN_VALIDATION = 20;
const SAFETY_MS = 60_000;

describe.each(Object.keys(API_DEFINITIONS) as ApiName[])('W3: the spec-driven fuzzer against the %s mock', (name) => {
  let report: FuzzReport;
  beforeAll(async () => {
    report = await runFuzz({ definition: API_DEFINITIONS[name], seed: SEED, requests: REQUESTS[name], timeLimitMs: SAFETY_MS, stateCheckEvery: 4 });
  }, SAFETY_MS + 30_000);

  it(`answers every request of the run (seed ${SEED}) with a documented status and body, never a 5xx, and stays up`, () => {
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.failureCount, 'more failures than listed').toBe(0);
    expect(report.sent).toBe(REQUESTS[name]);
    expect([...report.statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  });

  it('reaches every operation past auth, and every one with a body through validation to its handler', () => {
    const shallow: string[] = [];
    for (const [id, op] of report.operations) {
      if (op.stages.auth < 1 || op.stages.validation < 1 || op.stages.handler < 1) shallow.push(`${id}: ${JSON.stringify(op.stages)}`);
      if (op.takesBody && op.stages.validation < MIN_VALIDATION) shallow.push(`${id}: only ${op.stages.validation} requests reached validation`);
    }
    expect(shallow, formatReport(report)).toEqual([]);
  });

  it('checks the state around rejected writes: a refused write changes nothing', () => {
    expect(report.stateChecks).toBeGreaterThan(50);
  });
});

describe('a bug the fuzzer found: a long unknown role broke the Error schema', () => {
  let longRole: { status: number; error: string };
  beforeAll(async () => {
    const tours = await startToursServer({ rateLimit: null });
    try {
      const owner = await tours.principal('acme-owner');
      const answer = await sendRequest(tours.url, new Agent(), 'POST', '/api/organizations/invitations', {
        headers: { cookie: `better-auth.session_token=${owner.sessionToken}` },
        body: { email: 'long.role@example.com', role: 'y'.repeat(600) },
      });
      longRole = { status: answer.status, error: String((answer.body as { error?: unknown }).error) };
    } finally {
      await tours.close();
    }
  });

  it('Tours: a 600-character role on createInvitation is a documented 422 Unknown role', () => {
    expect(longRole.status).toBe(422);
    expect(longRole.error.startsWith('Unknown role: yyy')).toBe(true);
  });

  // It echoed the whole name (623 characters), while components.schemas.Error caps `error` at 512.
  it('Tours: that 422 stays within the Error schema: the name is quoted cut, ending in …', () => {
    expect(longRole.error.length).toBeLessThanOrEqual(512);
    expect(longRole.error).toBe(`Unknown role: ${'y'.repeat(64)}…`);
  });
});

/** One operation with a body per API, and a string field of it, for the planted crashes. */
const PLANTS: Readonly<Record<ApiName, { readonly operationId: string; readonly field: string }>> = {
  flashback: { operationId: 'createOrganizationUser', field: 'email' },
  tours: { operationId: 'createRole', field: 'name' },
};

describe.each(Object.keys(API_DEFINITIONS) as ApiName[])('W3: the fuzzer catches a crash planted in the %s mock', (name) => {
  const { operationId, field } = PLANTS[name];
  const fuzz = (plant: ReturnType<typeof trimBeforeTypeCheck>): Promise<FuzzReport> =>
    runFuzz({ definition: API_DEFINITIONS[name], seed: SEED, requests: 3000, timeLimitMs: SAFETY_MS, plant, stopAtFirstFailure: true });

  it(
    `a body validator of ${operationId} that trims ${field} before checking its type: reported as an unplanned 500`,
    async () => {
      const report = await fuzz(trimBeforeTypeCheck(operationId, field));
      expect(report.failureCount).toBeGreaterThan(0);
      expect(report.failures[0]).toMatch(new RegExp(`unplanned 500|internal error.*trim`));
      expect(report.failures.join('\n')).toContain(operationId === 'createRole' ? '/api/organizations/roles' : '/organization/users');
    },
    SAFETY_MS + 30_000,
  );

  it(
    `a handler of ${operationId} that trims ${field} of any body that has one: reported too`,
    async () => {
      const report = await fuzz({
        operationId,
        stage: 'handler',
        run: (request) => void ((request.body as Record<string, unknown>)[field] as number).toFixed(),
      });
      expect(report.failureCount).toBeGreaterThan(0);
      expect(report.failures.join('\n')).toMatch(/unplanned 500/);
    },
    SAFETY_MS + 30_000,
  );
});
describe('W3: raw bytes Node cannot parse', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** Writes raw bytes and reads until the server closes or answers. */
  function raw(bytes: string): Promise<string> {
    const { hostname, port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.end(bytes));
      let out = '';
      socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
      socket.on('close', () => resolve(out));
      socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(out) : reject(error)));
    });
  }

  it.each([
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400],
    ['an invalid Content-Length', 'POST /user/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
    ['two different Content-Lengths', 'POST /user/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}', 400],
    ['headers over 16 KiB', `GET /organization/users HTTP/1.1\r\nHost: x\r\nX-Big: ${'z'.repeat(20_000)}\r\n\r\n`, 431],
    ['a control character in a header', 'GET /__mock/health HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n', 400],
    [
      'a bad chunk size',
      'POST /user/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      400,
    ],
    ['CONNECT to a host (the mock tunnels nothing)', 'CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: x\r\n\r\n', 404],
    ['CONNECT to a known path', 'CONNECT /organization/users HTTP/1.1\r\nHost: x\r\n\r\n', 405],
  ])('answers %s with a JSON %s and keeps serving', async (_name, bytes, status) => {
    const answer = await raw(bytes);
    expect(answer.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(answer).toContain('"success":false');
    const health = await server.send('GET', '/__mock/health');
    expect(health.status).toBe(200);
  });

  it('serves a request with an Expect other than 100-continue as usual, instead of a bare 417 (RFC 9110 lets it ignore it)', async () => {
    const answer = await server.sendRaw('POST', '/user/login', {
      headers: { 'content-type': 'application/json', expect: 'something-else' },
      body: JSON.stringify({ email: 'owner@acme.test', password: 'Owner-Passw0rd' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
  });
});
