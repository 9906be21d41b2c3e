/**
 * `Prefer: code=N` / `example=NAME` (section 8, README.md "Prefer"): the documented response itself,
 * state untouched; on an operation that needs a token, honoured only with a valid one, except a 401.
 */
import { describe, expect, it } from 'vitest';
import type { OperationSpec } from '../../src/contract/index.js';
import { flashbackApi } from '../../src/apis/index.js';
import type { MockApi } from '../../src/engine/api.js';
import { headerValue } from '../../src/server/prefer.js';
import { organizationSpec, startTestServer, useTestServer } from '../helpers/server-harness.js';

const OWNER_ID = '11111111-1111-4111-8111-111111111111';
const USER_ID = '55555555-5555-4555-8555-555555555555';
const ORG_ID = '123e4567-e89b-12d3-a456-426614174000';

const { server, tokens } = useTestServer({ resetBeforeEach: true });

const pathOf = (op: OperationSpec): string => op.path.replace('{orgId}', ORG_ID).replace('{userId}', USER_ID);
const state = async (): Promise<string> => (await server.send('GET', '/__mock/state')).text;

describe('section 8: Prefer answers every documented response', () => {
  const rows = organizationSpec.operations.flatMap((op) =>
    [...op.responses.values()].flatMap((response) => [...response.examples].map(([name, value]) => ({ op, status: response.status, name, value }))),
  );

  it.each(rows.map((r) => [r.op.operationId, r.status, r.name, r] as const))('%s %s example=%s', async (_id, status, name, row) => {
    const before = await state();
    const answer = await server.send(row.op.method, pathOf(row.op), {
      token: tokens.owner,
      headers: { prefer: `code=${status}, example=${name}` },
      ...(row.op.requestBody ? { body: row.op.requestBody.examples.values().next().value } : {}),
    });
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual(row.value);
    expect(answer.headers['preference-applied']).toBe(`code=${status}, example=${name}`);
    // Every header the response documents with a value (WWW-Authenticate on a 401, Allow, ...), as the answer without Prefer carries it.
    const response = row.op.responses.get(status);
    for (const [header, { required, schema }] of response?.headers ?? []) {
      const value = headerValue(schema);
      if (value !== undefined) expect(answer.headers[header], header).toBe(value);
      else if (required) expect(answer.headers[header], header).toBeDefined();
    }
    expect(await state()).toBe(before);
  });

  it.each(['/user/login', '/user/refresh'])('POST %s with Prefer: code=401 carries WWW-Authenticate: Bearer, as its real 401 does', async (path) => {
    const forced = await server.send('POST', path, { headers: { prefer: 'code=401' }, body: {} });
    expect(forced.status).toBe(401);
    expect(forced.headers['www-authenticate']).toBe('Bearer');
    const real = await server.send('POST', path, { body: path === '/user/login' ? { email: 'nobody@example.com', password: 'x' } : { refreshToken: 'x' } });
    expect(real.status).toBe(401);
    expect(real.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('section 8: Prefer', () => {
  it('code=N alone answers that status with its first example', async () => {
    const answer = await server.send('GET', `/organization/users/${OWNER_ID}`, { token: tokens.owner, headers: { prefer: 'code=404' } });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ success: false, message: 'User not found' });
    expect(answer.headers['preference-applied']).toBe('code=404');
  });

  it('example=NAME alone answers the status that documents it', async () => {
    const answer = await server.send('PUT', `/organization/users/${USER_ID}`, {
      token: tokens.owner,
      body: { name: 'Ignored' },
      headers: { prefer: 'example=ownRole' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ success: false, data: {}, message: 'Cannot change your own role' });
  });

  it('reads code and example among other preferences, quoted or not', async () => {
    const answer = await server.send('GET', '/organization/users', { token: tokens.owner, headers: { prefer: 'return=minimal, code="403"; foo=bar' } });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ success: false, data: [], total: 0 });
  });

  it('never touches state: a preferred 201 creates nothing and a preferred 200 deletes nothing', async () => {
    const before = await state();
    const created = await server.send('POST', '/organization/users', {
      token: tokens.owner,
      body: { email: 'x@acme.test', password: 'Xx-Passw0rd', firstName: 'X', lastName: 'Y' },
      headers: { prefer: 'code=201' },
    });
    expect(created.status).toBe(201);
    const deleted = await server.send('DELETE', `/organization/users/${USER_ID}`, { token: tokens.owner, headers: { prefer: 'code=200' } });
    expect(deleted.body).toEqual({ success: true, message: 'User deleted successfully' });
    expect(await state()).toBe(before);
  });

  it('is not applied to the control plane', async () => {
    const answer = await server.send('GET', '/__mock/health', { headers: { prefer: 'code=500' } });
    expect(answer.status).toBe(200);
  });
});

describe('section 8: Prefer and authentication', () => {
  it('code=401 needs no token and carries WWW-Authenticate: Bearer', async () => {
    const answer = await server.send('GET', '/organization/users', { headers: { prefer: 'code=401' } });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(answer.headers['preference-applied']).toBe('code=401');
  });

  it('a 401 chosen by example name needs no token either', async () => {
    const answer = await server.send('DELETE', `/organization/users/${USER_ID}`, { headers: { prefer: 'example=authenticationRequired' } });
    expect(answer.status).toBe(401);
    expect(answer.headers['preference-applied']).toBe('example=authenticationRequired');
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'not-a-jwt'],
  ])('with %s any other preference is ignored and the answer is the 401', async (_name, token) => {
    const answer = await server.send('GET', `/organization/users/${OWNER_ID}`, { token, headers: { prefer: 'code=200' } });
    expect(answer.status).toBe(401);
    expect(answer.headers['preference-applied']).toBeUndefined();
  });

  it('the token of a user deleted since is no valid token for Prefer', async () => {
    const billingId = '44444444-4444-4444-8444-444444444444';
    expect((await server.send('DELETE', `/organization/users/${billingId}`, { token: tokens.owner })).status).toBe(200);
    const answer = await server.send('GET', '/organization/users', { token: tokens.billing, headers: { prefer: 'code=200' } });
    expect(answer.status).toBe(401);
  });

  it('a role too low for the operation still gets the preferred answer (Prefer asks for a response, not for rights)', async () => {
    const answer = await server.send('GET', '/organization/users', { token: tokens.user, headers: { prefer: 'code=200' } });
    expect(answer.status).toBe(200);
  });

  it('operations without a token take any preference', async () => {
    const answer = await server.send('POST', '/user/login', { body: { email: 'a@b.test', password: 'x' }, headers: { prefer: 'code=401, example=inactive' } });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ success: false, error_code: 'USER_INACTIVE', message: 'User is inactive' });
  });
});

describe('section 8: a preference the operation does not document', () => {
  it('is a 400 in the operation error envelope, with the reason in X-Mock-Prefer-Error and in message', async () => {
    const answer = await server.sendRaw('GET', `/organization/${ORG_ID}`, { token: tokens.owner, headers: { prefer: 'code=418' } });
    expect(answer.status).toBe(400);
    expect(answer.headers['x-mock-prefer-error']).toBe('Prefer code=418 is not documented for getOrganization; documented: 200, 401, 403, 404, 500');
    expect(answer.body).toEqual({ success: false, data: null, message: answer.headers['x-mock-prefer-error'] });
  });

  it('keeps the envelope of an operation whose errors carry no message', async () => {
    const answer = await server.sendRaw('GET', '/organization/users', { token: tokens.owner, headers: { prefer: 'example=nope' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ success: false, data: [], total: 0 });
    expect(answer.headers['x-mock-prefer-error']).toMatch(/^Prefer example=nope is not documented for listOrganizationUsers; documented: twoUsers, /);
  });

  it('names the examples of the status when the code exists but the example does not', async () => {
    const answer = await server.sendRaw('POST', '/user/login', { body: {}, headers: { prefer: 'code=401, example=nope' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, error_code: 'INVALID_REQUEST' });
    expect(answer.headers['x-mock-prefer-error']).toBe(
      'Prefer example=nope is not documented for response 401 of login; documented: notFound, invalidPassword, inactive',
    );
  });

  it('changes nothing, and without a valid token is the plain 401', async () => {
    const before = await state();
    await server.sendRaw('DELETE', `/organization/users/${USER_ID}`, { token: tokens.owner, headers: { prefer: 'code=299' } });
    expect(await state()).toBe(before);
    const anonymous = await server.send('DELETE', `/organization/users/${USER_ID}`, { headers: { prefer: 'code=299' } });
    expect(anonymous.status).toBe(401);
  });
});

describe('section 8: Prefer with a refused credential', () => {
  it("answers the API's 401 after checking the credential once, without reaching the handler", async () => {
    const api = flashbackApi.create({ seed: 42, extraUsers: 0, tokenTtlSeconds: 3600 }, organizationSpec);
    const calls = { authenticate: 0, handle: 0 };
    const counted: MockApi = {
      ...api,
      authenticate: (credentials) => (calls.authenticate++, api.authenticate(credentials)),
      handle: (request) => (calls.handle++, api.handle(request)),
    };
    const test = await startTestServer({ api: counted });
    try {
      const answer = await test.send('GET', '/organization/users', { token: 'not.a.token', headers: { prefer: 'code=200' } });
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(calls).toEqual({ authenticate: 1, handle: 0 });
    } finally {
      await test.close();
    }
  });
});
