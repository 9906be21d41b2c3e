/**
 * The engine's mock service (src/server/mock-service.ts): who asked comes from the pipeline, whether
 * the state is written from the method and the status (never from the API's answer), and the bytes
 * from the engine's serialisation.
 */
import { describe, expect, it } from 'vitest';
import type { ApiRequest, Handled, MockApi } from '../../src/engine/api.js';
import { withJson } from '../../src/engine/json-body.js';
import { prepareJson } from '../../src/server/json-response.js';
import { changesState, createMockService } from '../../src/server/mock-service.js';
import type { StatePersister } from '../../src/server/state-file.js';
import { organizationSpec } from '../helpers/server-harness.js';

const INTERNAL_ERROR = prepareJson(500, { success: false, data: null, message: 'Internal server error' });
const op = (operationId: string) => organizationSpec.byId.get(operationId)!;
const request = (operationId: string): ApiRequest => ({ operation: op(operationId), params: {}, authorization: undefined, body: undefined });

/** A MockApi that answers every request with `handled`. */
function answering(handled: Handled): MockApi {
  return {
    handle: () => handled,
    authenticate: () => ({ ok: false, response: { status: 401, body: { success: false, message: 'no' }, headers: { 'WWW-Authenticate': 'Bearer' } } }),
    reset: () => undefined,
    advanceClock: () => ({ now: new Date(0).toISOString(), offsetSeconds: 0 }),
    principals: async () => [],
    validateUser: () => false,
    outbox: () => [],
    exportState: () => ({}),
    importState: () => undefined,
  };
}

/** A persister that counts its writes, and fails them when told to. */
function persister(fail = false): StatePersister & { writes: number } {
  const p = {
    writes: 0,
    persist: async () => {
      p.writes += 1;
      if (fail) throw new Error('ENOSPC: no space left on device');
    },
    idle: async () => undefined,
  };
  return p;
}

describe('changesState', () => {
  it.each([
    ['GET', 200, false],
    ['HEAD', 200, false],
    ['POST', 200, true],
    ['POST', 201, true],
    ['PUT', 200, true],
    ['PATCH', 200, true],
    ['DELETE', 200, true],
    ['POST', 400, false],
    ['DELETE', 404, false],
    ['POST', 500, false],
  ])('%s answered %i: %s', (method, status, expected) => {
    expect(changesState(method, status)).toBe(expected);
  });
});

describe('the mock service', () => {
  it('writes the state before it answers a write that succeeded, and logs the caller the pipeline reported', async () => {
    const state = persister();
    const service = createMockService({
      api: answering({ response: { status: 201, body: { success: true } }, principal: 'owner@acme.test' }),
      persister: state,
      reportError: () => undefined,
    });
    const reply = await service.operation(request('createOrganizationUser'), INTERNAL_ERROR);
    expect(state.writes).toBe(1);
    expect(reply).toEqual({ status: 201, headers: undefined, json: '{"success":true}', principal: 'owner@acme.test' });
  });

  it('writes nothing for a read or a refused write, and answers a read at once', () => {
    const state = persister();
    const read = createMockService({
      api: answering({ response: { status: 200, body: {} }, principal: 'owner@acme.test' }),
      persister: state,
      reportError: () => undefined,
    });
    expect(read.operation(request('listOrganizationUsers'), INTERNAL_ERROR)).not.toBeInstanceOf(Promise);
    const refused = createMockService({
      api: answering({ response: { status: 403, body: {} }, principal: 'billing@acme.test' }),
      persister: state,
      reportError: () => undefined,
    });
    expect(refused.operation(request('createOrganizationUser'), INTERNAL_ERROR)).not.toBeInstanceOf(Promise);
    expect(state.writes).toBe(0);
  });

  it("answers a write whose state could not be written with the operation's documented 500, and reports it", async () => {
    const reported: string[] = [];
    const service = createMockService({
      api: answering({ response: { status: 200, body: { success: true } }, principal: 'owner@acme.test' }),
      persister: persister(true),
      reportError: (_error, where) => void reported.push(where),
    });
    const reply = await service.operation(request('updateOrganizationUser'), INTERNAL_ERROR);
    expect(reply).toMatchObject({ status: 500, principal: 'owner@acme.test' });
    expect(Buffer.from(reply.json as Buffer).toString('utf8')).toBe('{"success":false,"data":null,"message":"Internal server error"}');
    expect(reported).toEqual(['writing the state file after updateOrganizationUser']);
  });

  it('sends the bytes an API registered for its body', async () => {
    const bytes = Buffer.from('{"success":true, "data":[]}');
    const service = createMockService({
      api: answering({ response: { status: 200, body: withJson({ success: true, data: [] }, bytes) }, principal: '-' }),
      persister: null,
      reportError: () => undefined,
    });
    expect((await service.operation(request('listOrganizationUsers'), INTERNAL_ERROR)).json).toBe(bytes);
  });

  it("gives Prefer the API's refusal of a credential as a reply, headers and all", async () => {
    const service = createMockService({
      api: answering({ response: { status: 200, body: {} }, principal: '-' }),
      persister: null,
      reportError: () => undefined,
    });
    expect(await service.authenticate({ authorization: 'Bearer nope' })).toEqual({
      ok: false,
      reply: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, json: '{"success":false,"message":"no"}', principal: '-' },
    });
  });
});
