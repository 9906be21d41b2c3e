/** Section 8: the /__mock control plane, every endpoint, each answer checked against openapi/mock-control.yaml. */
import { describe, expect, it } from 'vitest';
import principalsFixture from '../../fixtures/principals.json' with { type: 'json' };
import { startTestServer, useTestServer } from '../helpers/server-harness.js';

const UNVALIDATED = principalsFixture.principals.find((p) => p.name === 'unvalidated')!;
const NEW_USER = { email: 'new.hire@acme.test', password: 'New-Passw0rd', firstName: 'Nina', lastName: 'Newhire' };

const { server, tokens } = useTestServer({ resetBeforeEach: true });

const userCount = async (): Promise<number> => ((await server.send('GET', '/organization/users', { token: tokens.owner })).body as { total: number }).total;

describe('section 8: the /__mock control plane', () => {
  it('GET /__mock/health is 200 {status: "ok"}', async () => {
    const answer = await server.send('GET', '/__mock/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('GET /__mock/principals lists every fixture principal with credentials and working tokens', async () => {
    const answer = await server.send('GET', '/__mock/principals');
    const principals = (answer.body as { principals: { name: string; email: string; password: string; accessToken: string | null }[] }).principals;
    expect(principals.map((p) => p.name)).toEqual(principalsFixture.principals.map((p) => p.name));
    for (const p of principals) {
      expect(p.password).toBe(principalsFixture.principals.find((f) => f.name === p.name)?.password);
    }
    const owner = principals.find((p) => p.name === 'owner')!;
    const me = await server.send('GET', '/organization/users', { token: owner.accessToken });
    expect(me.status).toBe(200);
    expect(principals.find((p) => p.name === 'deleted')?.accessToken).toBeNull();
  });

  it('POST /__mock/clock moves time forward: a token past its lifetime is refused, and reset puts the clock back', async () => {
    expect((await server.send('GET', '/organization/users', { token: tokens.owner })).status).toBe(200);
    const moved = await server.send('POST', '/__mock/clock', { body: { advanceSeconds: 3601 } });
    expect(moved.status).toBe(200);
    expect((moved.body as { offsetSeconds: number }).offsetSeconds).toBe(3601);
    expect(Date.parse((moved.body as { now: string }).now) - Date.now()).toBeGreaterThan(3590 * 1000);
    expect((await server.send('GET', '/organization/users', { token: tokens.owner })).status).toBe(401);
    const again = await server.send('POST', '/__mock/clock', { body: { advanceSeconds: 0 } });
    expect((again.body as { offsetSeconds: number }).offsetSeconds).toBe(3601);
    await server.send('POST', '/__mock/reset');
    const fresh = await server.send('POST', '/__mock/clock', { body: { advanceSeconds: 0 } });
    expect((fresh.body as { offsetSeconds: number }).offsetSeconds).toBe(0);
    expect((await server.send('GET', '/organization/users', { token: tokens.owner })).status).toBe(200);
  });

  it.each([[{}], [{ advanceSeconds: -1 }], [{ advanceSeconds: 1.5 }], [{ advanceSeconds: '60' }], [{ advanceSeconds: 315360001 }], [[60]]])(
    'POST /__mock/clock refuses %j with a 400 and leaves the clock alone',
    async (body) => {
      const answer = await server.send('POST', '/__mock/clock', { body });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ success: false, message: 'Invalid clock: advanceSeconds must be a whole number from 0 to 315360000' });
      expect(((await server.send('POST', '/__mock/clock', { body: { advanceSeconds: 0 } })).body as { offsetSeconds: number }).offsetSeconds).toBe(0);
    },
  );

  it('POST /__mock/reset puts back the seeded state', async () => {
    const before = await userCount();
    expect((await server.send('POST', '/organization/users', { token: tokens.owner, body: NEW_USER })).status).toBe(201);
    expect(await userCount()).toBe(before + 1);
    const answer = await server.send('POST', '/__mock/reset');
    expect(answer.body).toEqual({ success: true, message: 'State reset to the seeded state' });
    expect(await userCount()).toBe(before);
  });

  it('POST /__mock/users/{userId}/validate lets an unvalidated user log in', async () => {
    const login = { email: UNVALIDATED.email, password: UNVALIDATED.password };
    expect((await server.send('POST', '/user/login', { body: login })).body).toMatchObject({ error_code: 'USER_INACTIVE' });
    const answer = await server.send('POST', `/__mock/users/${UNVALIDATED.id}/validate`);
    expect(answer.body).toEqual({ success: true, message: 'User validated' });
    expect((await server.send('POST', '/user/login', { body: login })).status).toBe(200);
  });

  it('POST /__mock/users/{userId}/validate is a 404 for an unknown user', async () => {
    const answer = await server.send('POST', '/__mock/users/no-such-user/validate');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ success: false, message: 'User not found' });
  });

  it('GET /__mock/outbox lists the verification email of a created user; reset empties it', async () => {
    await server.send('POST', '/organization/users', { token: tokens.owner, body: NEW_USER });
    const answer = await server.send('GET', '/__mock/outbox');
    const outbox = answer.body as { emails: { to: string; kind: string }[]; total: number };
    expect(outbox.emails.map((e) => e.to)).toContain(NEW_USER.email);
    expect(outbox.total).toBe(outbox.emails.length);
    await server.send('POST', '/__mock/reset');
    expect((await server.send('GET', '/__mock/outbox')).body).toEqual({ emails: [], total: 0 });
  });

  it('GET then PUT /__mock/state round-trips the whole state', async () => {
    const seeded = (await server.send('GET', '/__mock/state')).body;
    await server.send('POST', '/organization/users', { token: tokens.owner, body: NEW_USER });
    const withUser = (await server.send('GET', '/__mock/state')).body;
    await server.send('POST', '/__mock/reset');
    expect((await server.send('GET', '/__mock/state')).body).toEqual(seeded);
    const answer = await server.send('PUT', '/__mock/state', { body: withUser });
    expect(answer.body).toEqual({ success: true, message: 'State imported' });
    expect((await server.send('GET', '/__mock/state')).body).toEqual(withUser);
    const created = await server.send('POST', '/user/login', { body: { email: NEW_USER.email, password: NEW_USER.password } });
    expect(created.body).toMatchObject({ error_code: 'USER_INACTIVE' });
  });

  it.each([
    ['not JSON', 400, 'Invalid JSON body', { body: '{"format":', headers: { 'content-type': 'application/json' } }],
    [
      'no body',
      400,
      'Invalid state: the body must be a snapshot from GET /__mock/state',
      { headers: { 'content-type': 'application/json', 'content-length': 0 } },
    ],
    ['text/plain', 415, 'Unsupported content type: send application/json', { body: '{}', headers: { 'content-type': 'text/plain' } }],
  ])('PUT /__mock/state with %s is a %s and changes nothing', async (_name, status, message, request) => {
    const before = (await server.send('GET', '/__mock/state')).body;
    const answer = await server.send('PUT', '/__mock/state', request);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ success: false, message });
    expect((await server.send('GET', '/__mock/state')).body).toEqual(before);
  });

  it.each([
    ['an array', []],
    ['another format', { format: 'something-else', version: 1 }],
    ['users that are not a list', { format: 'org-contract-mock-state', version: 1, organizations: [], users: 'x', refreshTokens: [], outbox: [] }],
  ])('PUT /__mock/state with %s is a 400 that says what is wrong, and changes nothing', async (_name, snapshot) => {
    const before = (await server.send('GET', '/__mock/state')).body;
    const answer = await server.send('PUT', '/__mock/state', { body: snapshot });
    expect(answer.status).toBe(400);
    expect((answer.body as { message: string }).message).toMatch(/^Invalid state: \S/);
    expect((await server.send('GET', '/__mock/state')).body).toEqual(before);
  });

  it('PUT /__mock/state takes snapshots over the API 1 MiB limit', async () => {
    const big = await startTestServer({ users: 5000 });
    try {
      const state = (await big.send('GET', '/__mock/state')).text;
      expect(state.length).toBeGreaterThan(1024 * 1024);
      const answer = await big.send('PUT', '/__mock/state', { body: state, headers: { 'content-type': 'application/json' } });
      expect(answer.status).toBe(200);
    } finally {
      await big.close();
    }
  });
});

describe('section 8: --no-control-plane switches /__mock off', () => {
  it('makes every /__mock path a 404 and leaves the API alone', async () => {
    const off = await startTestServer({ controlPlane: false });
    try {
      for (const [method, path] of [
        ['GET', '/__mock/health'],
        ['POST', '/__mock/reset'],
        ['GET', '/__mock/principals'],
        ['GET', '/__mock/state'],
        ['PUT', '/__mock/state'],
        ['GET', '/__mock/outbox'],
        ['POST', '/__mock/users/x/validate'],
      ] as const) {
        // sendRaw: the harness would read these paths as mock-control.yaml's, which is switched off here.
        const answer = await off.sendRaw(method, path);
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({ success: false, message: 'Not found' });
      }
      expect((await off.send('GET', '/organization/users')).status).toBe(401);
    } finally {
      await off.close();
    }
  });
});
