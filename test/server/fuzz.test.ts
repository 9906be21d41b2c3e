/**
 * W3: no request, however malformed, yields a 5xx or takes the server down. A bounded fuzz, seeded
 * so that a failure replays: malformed JSON, wrong types, deep nesting, odd paths and headers, raw
 * bytes Node's parser refuses. Every answer is also checked against the contract.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/server/faults.js';
import { contractProblems, startTestServer, type Answer, type TestServer } from '../helpers/server-harness.js';

const SEED = 20260131;
const ROUNDS = 400;

let server: TestServer;
let tokens: Record<string, string>;
const reported: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ reportError: (message) => void reported.push(message) });
  tokens = await server.tokens();
});
afterAll(() => server.close());

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function junk(random: Random, max = 40): string {
  const alphabet = [
    'a',
    'Z',
    '0',
    '-',
    '_',
    '.',
    '~',
    '%20',
    '%2F',
    '%00',
    '%E2%82%AC',
    '%25',
    '%',
    ';',
    ',',
    '..',
    '@',
    '$',
    '!',
    "'",
    '(',
    ')',
    '*',
    '+',
    '=',
  ];
  let out = '';
  const length = Math.floor(random() * max);
  for (let i = 0; i < length; i++) out += pick(random, alphabet);
  return out;
}

function deep(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function bodyFor(random: Random): string | undefined {
  const bodies: (() => string | undefined)[] = [
    () => undefined,
    () => '',
    () => '{',
    () => '{"email": "owner@acme.test", "password": }',
    () => 'null',
    () => '[]',
    () => '42',
    () => '"a string"',
    () => 'true',
    () => JSON.stringify({ email: 123, password: ['x'], firstName: {}, lastName: null, orgRole: '2', sendInvite: 'yes' }),
    () => JSON.stringify({ orgRole: pick(random, [3, -1, 253, 2.5, 1e308, '255', null, [255], { v: 255 }]) }),
    () => JSON.stringify({ name: 'x'.repeat(10_000), lastName: '', mfaEnforced: 'true', website: 5 }),
    () => JSON.stringify({ __proto__: { isAdmin: true }, constructor: { prototype: { polluted: 1 } }, name: 'Proto' }),
    () => JSON.stringify({ refreshToken: junk(random, 200), refresh_token: 7 }),
    () => JSON.stringify({ email: `${'a'.repeat(300)}@example.com`, password: 'Aa1' + 'x'.repeat(200), firstName: ' ', lastName: '\u0000' }),
    () => deep(5_000),
    () => `{"a":${deep(50_000)}}`,
    () => '\uFEFF{"email":"owner@acme.test"}',
    () => Buffer.from([0xff, 0xfe, 0x00, 0x7b]).toString('latin1'),
  ];
  return pick(random, bodies)();
}

function pathFor(random: Random): string {
  const id = pick(random, [
    '11111111-1111-4111-8111-111111111111',
    '123e4567-e89b-12d3-a456-426614174000',
    junk(random),
    'x'.repeat(300),
    '%',
    '%ZZ',
    '..%2F..%2Fetc%2Fpasswd',
  ]);
  const paths = [
    '/organization/users',
    `/organization/users/${id}`,
    `/organization/users/${id}/activate`,
    `/organization/${id}`,
    '/user/login',
    '/user/refresh',
    '/user/logout',
    `/${junk(random)}`,
    `/organization/users?${junk(random)}`,
    `//organization//users`,
    `/organization/users/${id}/${junk(random)}`,
  ];
  return pick(random, paths);
}

function headersFor(random: Random): Record<string, string> {
  const headers: Record<string, string> = {};
  const auth = pick(random, [
    undefined,
    `Bearer ${tokens.owner}`,
    `bearer ${tokens.workspaces}`,
    `Bearer ${tokens.user}`,
    'Bearer',
    'Bearer ',
    `Basic ${Buffer.from('owner@acme.test:Owner-Passw0rd').toString('base64')}`,
    `Bearer ${junk(random, 80)}`,
    `Bearer eyJhbGciOiJub25lIn0.${Buffer.from('{"userId":"11111111-1111-4111-8111-111111111111","type":"access"}').toString('base64url')}.`,
    `Bearer ${(tokens.owner ?? '').slice(0, -3)}abc`,
  ]);
  if (auth !== undefined) headers.authorization = auth;
  const type = pick(random, [
    undefined,
    'application/json',
    'text/plain',
    'application/json; charset=latin1',
    'multipart/form-data; boundary=x',
    '',
    'application/problem+json',
  ]);
  if (type !== undefined) headers['content-type'] = type;
  if (random() < 0.2)
    headers.prefer = pick(random, [
      'code=abc',
      'code=200',
      'example=nope',
      'code=500, example=internal',
      'code=',
      'example="',
      ';;,,',
      `code=${Math.floor(random() * 1000)}`,
    ]);
  if (random() < 0.1) headers.origin = pick(random, ['https://evil.example', 'null', junk(random)]);
  if (random() < 0.1) headers['x-filler'] = 'y'.repeat(Math.floor(random() * 8000));
  return headers;
}

describe('W3: malformed requests never yield a 5xx', () => {
  it(`survives ${ROUNDS} seeded malformed requests (seed ${SEED}), each answered within the contract`, async () => {
    const random = seededRandom(SEED);
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const method = pick(random, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
      const path = pathFor(random);
      const headers = headersFor(random);
      const body = method === 'GET' || method === 'HEAD' ? undefined : bodyFor(random);
      let answer: Answer;
      try {
        answer = await server.sendRaw(method, path, { headers, body });
      } catch (error) {
        failures.push(`round ${round}: ${method} ${path}: the connection failed (${(error as Error).message})`);
        continue;
      }
      const preferRefused = answer.status === 400 && answer.headers['x-mock-prefer-error'] !== undefined;
      const problems =
        answer.status >= 500 ? [`${method} ${path} → ${answer.status}: ${answer.text.slice(0, 200)}`] : contractProblems(method, path, answer, preferRefused);
      for (const p of problems) failures.push(`round ${round}: ${p}`);
    }
    expect(failures).toEqual([]);
    expect(reported).toEqual([]);
  }, 60_000);

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
