/**
 * W1 (bodies) and W2 (routing) through a real socket: every answer is checked against the spec by
 * the harness, and what is wrong with a body is answered only after authentication and role (section 3).
 */
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server-harness.js';

const MiB = 1024 * 1024;
const CREATE = '/organization/users';
const LOGIN = '/user/login';
const OWNER_LOGIN = { email: 'owner@acme.test', password: 'Owner-Passw0rd' };

/** A JSON document padded with spaces to exactly `size` bytes. */
const paddedJson = (value: unknown, size: number): string => {
  const text = JSON.stringify(value);
  return text + ' '.repeat(size - Buffer.byteLength(text));
};

const { server, tokens } = useTestServer();

describe('W1: bodies', () => {
  it('answers a body that is not JSON with a 400 in the endpoint envelope', async () => {
    const answer = await server.send('POST', CREATE, { token: tokens.owner, body: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ success: false, data: null, message: 'Invalid JSON body' });

    const login = await server.send('POST', LOGIN, { body: 'not json', headers: { 'content-type': 'application/json' } });
    expect(login.body).toEqual({ success: false, error_code: 'INVALID_REQUEST', message: 'Invalid JSON body' });
  });

  it('answers a body over 1 MiB with a 413 and keeps the connection', async () => {
    const big = paddedJson(OWNER_LOGIN, MiB + 1);
    const answer = await server.send('POST', LOGIN, { body: big, headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ success: false, error_code: 'INVALID_REQUEST', message: 'Request body too large' });
    const next = await server.send('GET', '/__mock/health');
    expect(next.status).toBe(200);
    expect(next.reusedSocket).toBe(true);
  });

  it('answers a chunked body that grows over 1 MiB with a 413 too', async () => {
    const big = paddedJson(OWNER_LOGIN, MiB + 1);
    const answer = await server.send('POST', LOGIN, { body: big, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    expect(answer.status).toBe(413);
  });

  it('accepts a body of exactly 1 MiB', async () => {
    const answer = await server.send('POST', LOGIN, { body: paddedJson(OWNER_LOGIN, MiB), headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(200);
  });

  it.each([
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'email=owner%40acme.test'],
    ['application/jsonx', '{}'],
  ])('answers a %s body with a 415', async (type, body) => {
    const answer = await server.send('POST', CREATE, { token: tokens.owner, body, headers: { 'content-type': type } });
    expect(answer.status).toBe(415);
    expect(answer.body).toEqual({ success: false, data: null, message: 'Unsupported content type: send application/json' });
  });

  it('answers a body with no content type with a 415', async () => {
    const answer = await server.send('POST', LOGIN, { body: JSON.stringify(OWNER_LOGIN) });
    expect(answer.status).toBe(415);
  });

  it.each(['application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.flashback+json; charset=UTF-8'])('takes %s as JSON', async (type) => {
    const answer = await server.send('POST', LOGIN, { body: JSON.stringify(OWNER_LOGIN), headers: { 'content-type': type } });
    expect(answer.status).toBe(200);
  });

  it('passes an empty body on as no body (the domain answers the missing fields)', async () => {
    const answer = await server.send('POST', LOGIN, { headers: { 'content-type': 'application/json', 'content-length': 0 } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, error_code: 'INVALID_REQUEST' });
  });

  describe('answers what is wrong with a body only after authentication and role (section 3)', () => {
    const bad = [
      ['not JSON', { body: '{', headers: { 'content-type': 'application/json' } }, 400],
      ['over 1 MiB', { body: paddedJson({}, MiB + 10), headers: { 'content-type': 'application/json' } }, 413],
      ['text/plain', { body: 'hi', headers: { 'content-type': 'text/plain' } }, 415],
    ] as const;

    it.each(bad)('a %s body without a token is a 401', async (_name, request) => {
      const answer = await server.send('POST', CREATE, request);
      expect(answer.status).toBe(401);
    });

    it.each(bad)('a %s body from a USER (below WORKSPACES) is a 403', async (_name, request) => {
      const answer = await server.send('POST', CREATE, { ...request, token: tokens.user });
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ success: false, data: null, message: 'Insufficient permissions to create users' });
    });

    it.each(bad)('a %s body from an OWNER is a %s', async (_name, request, status) => {
      const answer = await server.send('POST', CREATE, { ...request, token: tokens.owner });
      expect(answer.status).toBe(status);
    });
  });
});

describe('W2: routing', () => {
  it.each([
    '/',
    '/nope',
    '/organization',
    '/organization/users/',
    '/ORGANIZATION/users',
    '/organization/users/x/y/z',
    '/__mocks',
    '/__mock/nope',
    '/user/login/',
  ])('answers the unknown path %s with a 404 Not found', async (path) => {
    const answer = await server.send('GET', path, { token: tokens.owner });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ success: false, message: 'Not found' });
  });

  it.each([
    ['DELETE', '/organization/users', 'GET, POST'],
    ['PATCH', '/organization/123e4567-e89b-12d3-a456-426614174000', 'GET, PUT'],
    ['GET', '/user/login', 'POST'],
    ['POST', '/organization/users/11111111-1111-4111-8111-111111111111', 'GET, PUT, DELETE'],
    ['HEAD', '/organization/users', 'GET, POST'],
    ['DELETE', '/__mock/health', 'GET'],
    ['POST', '/__mock/state', 'GET, PUT'],
  ])('answers %s %s with a 405 and Allow: %s', async (method, path, allow) => {
    const answer = await server.send(method, path, { token: tokens.owner });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe(allow);
    if (method !== 'HEAD') expect(answer.body).toEqual({ success: false, message: 'Method not allowed' });
  });

  it('ignores the query string when routing', async () => {
    const answer = await server.send('GET', '/organization/users?page=2&x=%ZZ', { token: tokens.workspaces });
    expect(answer.status).toBe(200);
  });

  it('decodes path parameters before the domain sees them', async () => {
    const answer = await server.send('GET', `/organization/users/${encodeURIComponent('11111111-1111-4111-8111-111111111111')}`, { token: tokens.owner });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ email: 'owner@acme.test' });
  });

  it('passes an id that is not valid percent-encoding to the operation as written (its own 404, after auth)', async () => {
    const answer = await server.send('GET', '/organization/users/%E0%A4%A', { token: tokens.owner });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ success: false, message: 'User not found' });
    const anonymous = await server.send('GET', '/organization/%', {});
    expect(anonymous.status).toBe(401);
  });

  it('takes ids longer than any sane id to the domain (a 404 in the operation envelope)', async () => {
    const answer = await server.send('GET', `/organization/users/${'x'.repeat(5000)}`, { token: tokens.owner });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ success: false, message: 'User not found' });
  });
});
