/** W4: CORS for any origin by default or a configured list; preflight answered with 204. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCorsPolicy } from '../../src/server/cors.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

describe('W4: CORS, any origin (the default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers a preflight with 204 allowing Authorization and Content-Type', async () => {
    const answer = await server.send('OPTIONS', '/organization/users', {
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(answer.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(answer.headers['access-control-allow-headers']).toMatch(/Content-Type/);
  });

  it('answers a preflight to an unknown path with the 404', async () => {
    const answer = await server.send('OPTIONS', '/nope', { headers: { origin: 'https://app.example.com' } });
    expect(answer.status).toBe(404);
  });

  it('lets a browser read every answer, errors included, and the headers it needs', async () => {
    for (const [method, path] of [
      ['GET', '/organization/users'],
      ['GET', '/nope'],
      ['DELETE', '/user/login'],
      ['GET', '/__mock/health'],
    ] as const) {
      const answer = await server.send(method, path, { headers: { origin: 'https://app.example.com' } });
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
    }
  });

  it('sends no CORS headers to a request without Origin', async () => {
    const answer = await server.send('GET', '/organization/users');
    expect(answer.status).toBe(401);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('W4: CORS restricted with --cors-origin', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ corsOrigins: ['https://app.example.com', 'http://localhost:5173'] });
  });
  afterAll(() => server.close());

  it('echoes an allowed origin, with Vary: Origin', async () => {
    const answer = await server.send('GET', '/__mock/health', { headers: { origin: 'http://localhost:5173' } });
    expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(answer.headers.vary).toBe('Origin');
  });

  it("allows credentials for a listed origin, even for Flashback's bearer API (axios withCredentials)", async () => {
    const answer = await server.send('GET', '/__mock/health', { headers: { origin: 'https://app.example.com' } });
    expect(answer.headers['access-control-allow-credentials']).toBe('true');
    const preflight = await server.send('OPTIONS', '/organization/users', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, sentry-trace, baggage',
      },
    });
    expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': 'https://app.example.com', 'access-control-allow-credentials': 'true' });
    expect(preflight.headers['access-control-allow-headers']).toMatch(/sentry-trace, baggage$/);
  });

  it('gives another origin no allow header, in preflight or not', async () => {
    const simple = await server.send('GET', '/__mock/health', { headers: { origin: 'https://evil.example' } });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await server.send('OPTIONS', '/organization/users', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS: the request headers a preflight asks for', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('allows a tracing header or X-Request-Id beside Authorization, Content-Type and Prefer', async () => {
    const answer = await server.send('OPTIONS', '/organization/users', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, x-request-id, sentry-trace, baggage',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, Prefer, x-request-id, sentry-trace, baggage');
  });

  it('allows only the usual headers when the preflight asks for something that is not a header name', async () => {
    const answer = await server.send('OPTIONS', '/organization/users', {
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-ok, bad header' },
    });
    expect(answer.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, Prefer');
  });
});

describe('CORS with credentials (an API whose browser apps send a session cookie)', () => {
  it('echoes any origin with Allow-Credentials, never *', () => {
    const policy = createCorsPolicy('*', true);
    const headers = policy.forRequest('https://app.example.com');
    expect(headers).toMatchObject({ 'access-control-allow-origin': 'https://app.example.com', 'access-control-allow-credentials': 'true', vary: 'Origin' });
    expect(policy.forRequest('http://localhost:5173')).toMatchObject({ 'access-control-allow-origin': 'http://localhost:5173' });
    expect(policy.forPreflight('https://app.example.com', 'GET')).toMatchObject({ 'access-control-allow-credentials': 'true' });
  });

  it('with a list, allows credentials only for the listed origins', () => {
    const policy = createCorsPolicy(['https://app.example.com'], true);
    expect(policy.forRequest('https://app.example.com')).toMatchObject({ 'access-control-allow-credentials': 'true' });
    expect(policy.forRequest('https://evil.example')).toEqual({ vary: 'Origin' });
    expect(policy.allows('https://evil.example')).toBe(false);
  });

  it('without credentials (Flashback W4) any origin stays *, with no Allow-Credentials', () => {
    const headers = createCorsPolicy('*').forRequest('https://app.example.com');
    expect(headers?.['access-control-allow-origin']).toBe('*');
    expect(headers?.['access-control-allow-credentials']).toBeUndefined();
  });
});
