/** Every answer carries `X-Request-Id` (Tours TE3; the mock gives it for every API): the client's own, or a new one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

describe('X-Request-Id on every answer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each([
    ['an operation', 'GET', '/organization/users'],
    ['an unknown path', 'GET', '/nope'],
    ['a wrong method', 'DELETE', '/user/login'],
    ['the control plane', 'GET', '/__mock/health'],
    ['a preflight', 'OPTIONS', '/organization/users'],
  ] as const)('%s gets a new id, different for each request', async (_, method, path) => {
    const headers = { origin: 'https://app.example.com', 'access-control-request-method': 'GET' };
    const [a, b] = [await server.send(method, path, { headers }), await server.send(method, path, { headers })];
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it("echoes the client's own id when it is a plain token, and replaces one that is not", async () => {
    const own = await server.send('GET', '/organization/users', { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(own.headers['x-request-id']).toBe('trace-42.a:b');
    const odd = await server.send('GET', '/organization/users', { headers: { 'x-request-id': 'has space' } });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
