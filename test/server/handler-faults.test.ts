/**
 * A fault inside the mock (a bug: a handler that throws or rejects) never crashes the server or
 * shows a stack: the operation's documented 500 is answered and the fault is reported once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockApi } from '../../src/engine/api.js';
import { documented500, startTestServer, type TestServer } from '../helpers/server-harness.js';

/** A throwaway MockApi whose every method fails in its own way. */
const brokenApi: MockApi = {
  handle: (request) => {
    if (request.operation.method === 'GET') throw new TypeError('boom: sync');
    return Promise.reject(new Error('boom: async'));
  },
  authenticate: () => ({
    ok: false,
    response: {
      status: 401,
      body: { success: false, error_code: 'NO_AUTH_USER', message: 'Authentication required' },
      headers: { 'WWW-Authenticate': 'Bearer' },
    },
  }),
  reset: () => {
    throw new Error('boom: reset');
  },
  advanceClock: () => {
    throw new Error('boom: clock');
  },
  principals: () => Promise.reject(new Error('boom: principals')),
  validateUser: () => false,
  outbox: () => [],
  exportState: () => ({}),
  importState: () => {
    throw new RangeError('boom: not a StateImportError');
  },
};

let server: TestServer;
const reported: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ api: brokenApi, reportError: (message) => void reported.push(message) });
});
afterAll(() => server.close());

describe('faults of the mock itself', () => {
  it.each([
    ['GET', '/organization/users', 'listOrganizationUsers'],
    ['GET', '/organization/users/x', 'getOrganizationUser'],
    ['POST', '/user/login', 'login'],
    ['PUT', '/organization/users/x', 'updateOrganizationUser'],
  ])('%s %s: a throwing handler gives the documented 500 of %s, no stack', async (method, path, operationId) => {
    reported.length = 0;
    const answer = await server.send(method, path, { body: method === 'GET' ? undefined : {} });
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual(documented500(operationId));
    expect(answer.text).not.toMatch(/boom|at /);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatch(new RegExp(`^mock: internal error in ${method} ${path}: .*boom`));
  });

  it.each([
    ['POST', '/__mock/reset'],
    ['GET', '/__mock/principals'],
    ['PUT', '/__mock/state'],
  ])('%s %s: a throwing control handler is a 500 in the control envelope', async (method, path) => {
    const answer = await server.send(method, path, { body: method === 'PUT' ? { format: 'org-contract-mock-state', version: 1 } : undefined });
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ success: false, message: 'Internal server error' });
  });

  it('keeps serving after the faults', async () => {
    expect((await server.send('GET', '/__mock/health')).status).toBe(200);
  });
});
