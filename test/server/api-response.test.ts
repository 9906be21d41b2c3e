/** How an ApiResponse of the mock domain (src/engine/api.ts) becomes bytes on the wire. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRequest, MockApi } from '../../src/engine/api.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

const list = { success: true, data: [], total: 0 };
const seen: ApiRequest[] = [];
const api: MockApi = {
  handle: (request) => {
    seen.push(request);
    if (request.operation.operationId === 'listOrganizationUsers' && request.authorization === 'Bearer chunks') {
      const chunks = ['{"success":true,', ' "data":[],', ' "total":0}'].map((text) => Buffer.from(text));
      return { status: 200, body: list, bodyJson: chunks, principal: 'owner@acme.test' };
    }
    if (request.operation.operationId === 'listOrganizationUsers') {
      // The cached serialisation, spaced differently so that the test can tell which one was sent.
      return { status: 200, body: list, bodyJson: '{"success":true, "data":[], "total":0}', principal: 'owner@acme.test' };
    }
    return { status: 401, body: { success: false, error_code: 'NO_AUTH_USER', message: 'Authentication required' }, headers: { 'WWW-Authenticate': 'Bearer' } };
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
  it('sends bodyJson as it is when the mock offers it', async () => {
    const answer = await server.send('GET', '/organization/users');
    expect(answer.text).toBe('{"success":true, "data":[], "total":0}');
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
  });

  it('sends bodyJson given in chunks as their bytes in order, with the summed content-length', async () => {
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
