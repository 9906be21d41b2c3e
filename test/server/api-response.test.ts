/** How an ApiResponse of an API's mock (src/engine/api.ts) becomes bytes on the wire (the engine's serialisation, src/engine/json-body.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRequest, MockApi } from '../../src/engine/api.js';
import { withJson } from '../../src/engine/json-body.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

const list = () => ({ success: true, data: [], total: 0 });
const seen: ApiRequest[] = [];
const api: MockApi = {
  handle: (request) => {
    seen.push(request);
    if (request.operation.operationId === 'listOrganizationUsers' && request.authorization === 'Bearer chunks') {
      const chunks = ['{"success":true,', ' "data":[],', ' "total":0}'].map((text) => Buffer.from(text));
      return { response: { status: 200, body: withJson(list(), chunks) }, principal: 'owner@acme.test' };
    }
    if (request.operation.operationId === 'listOrganizationUsers') {
      // The registered serialisation, spaced differently so that the test can tell which one was sent.
      return { response: { status: 200, body: withJson(list(), Buffer.from('{"success":true, "data":[], "total":0}')) }, principal: 'owner@acme.test' };
    }
    const body = { success: false, error_code: 'NO_AUTH_USER', message: 'Authentication required' };
    return { response: { status: 401, body, headers: { 'WWW-Authenticate': 'Bearer' } }, principal: '-' };
  },
  authenticate: () => ({
    ok: false,
    response: {
      status: 401,
      body: { success: false, error_code: 'NO_AUTH_USER', message: 'Authentication required' },
      headers: { 'WWW-Authenticate': 'Bearer' },
    },
  }),
  reset: () => undefined,
  advanceClock: () => ({ now: new Date(0).toISOString(), offsetSeconds: 0 }),
  principals: async () => [],
  validateUser: () => false,
  outbox: () => [],
  exportState: () => ({}),
  importState: () => undefined,
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ api });
});
afterAll(() => server.close());

describe('ApiResponse on the wire', () => {
  it('sends the bytes registered for a body as they are', async () => {
    const answer = await server.send('GET', '/organization/users');
    expect(answer.text).toBe('{"success":true, "data":[], "total":0}');
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
  });

  it('sends bytes registered in chunks in order, with the summed content-length', async () => {
    const answer = await server.send('GET', '/organization/users', { headers: { authorization: 'Bearer chunks' } });
    expect(answer.text).toBe('{"success":true, "data":[], "total":0}');
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
  });

  it('serialises body otherwise, with the headers the mock gives', async () => {
    const answer = await server.send('GET', '/organization/users/x');
    expect(answer.text).toBe('{"success":false,"error_code":"NO_AUTH_USER","message":"Authentication required"}');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('hands the domain the operation, decoded params, the raw Authorization and the parsed body', async () => {
    seen.length = 0;
    await server.send('PUT', '/organization/users/a%20b', { body: { name: 'N' }, headers: { authorization: 'bearer abc' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ params: { userId: 'a b' }, authorization: 'bearer abc', body: { name: 'N' }, bodyProblem: undefined });
    expect(seen[0]?.operation.operationId).toBe('updateOrganizationUser');
  });
});
