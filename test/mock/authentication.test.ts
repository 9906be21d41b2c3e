/** docs/decisions/flashback.md, section 2: authentication (A1 to A5), through the in-process harness. */
import { SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { authenticatedOperations, createHarness, decodeJwt, fixturePrincipal, manualClock, ORG_A, type Harness } from '../helpers/mock-harness.js';

const UNAUTHORIZED = { success: false, error_code: 'NO_AUTH_USER', message: 'Authentication required' };
const SIGNING_KEY = 'a-test-signing-key-of-reasonable-length';

let h: Harness;
beforeEach(() => {
  h = createHarness({ signingKey: SIGNING_KEY });
});

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function expectUnauthorized(authorization: string | undefined): Promise<void> {
  const response = await h.call('listOrganizationUsers', { authorization });
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer');
  expect(response.body).toEqual(UNAUTHORIZED);
}

describe('section 2: authentication', () => {
  describe('A1: Authorization: Bearer <accessToken>, scheme word in any case, token case-sensitive', () => {
    it.each(['Bearer', 'bearer', 'BEARER', 'BeArEr'])('A1: the scheme word "%s" is accepted', async (scheme) => {
      const token = await h.login('owner');
      const response = await h.call('listOrganizationUsers', { authorization: `${scheme} ${token}` });
      expect(response.status).toBe(200);
    });

    it('A1: the token is case-sensitive (a changed letter case is a 401)', async () => {
      const token = await h.login('owner');
      const flipped = token.replace(/[a-z]/, (c) => c.toUpperCase());
      expect(flipped).not.toBe(token);
      await expectUnauthorized(`Bearer ${flipped}`);
    });

    it('A1: the token is read from the Authorization header only (none there is a 401)', async () => {
      await h.login('owner');
      await expectUnauthorized(undefined);
    });
  });

  describe('A2: every failed authentication is the same 401 with WWW-Authenticate: Bearer', () => {
    it.each([
      ['a missing header', undefined],
      ['an empty header', ''],
      ['another scheme', 'Basic b3duZXJAYWNtZS50ZXN0Ok93bmVyLVBhc3N3MHJk'],
      ['the scheme alone', 'Bearer'],
      ['a malformed token', 'Bearer not-a-jwt'],
      ['two tokens', 'Bearer a.b.c d.e.f'],
      [
        'an unsigned token (alg none, empty signature)',
        `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ userId: '11111111-1111-4111-8111-111111111111', type: 'access' })}.`,
      ],
    ])('A2: %s is a 401', async (_label, authorization) => {
      await expectUnauthorized(authorization);
    });

    it('A2: a token signed with another key is a 401', async () => {
      const token = await h.login('owner');
      const other = createHarness({ signingKey: 'another-key-entirely-different' });
      const forged = await other.login('owner');
      expect(forged).not.toBe(token);
      await expectUnauthorized(`Bearer ${forged}`);
    });

    it('A2: a token with a tampered payload is a 401', async () => {
      const [header, , signature] = (await h.login('user')).split('.');
      const payload = b64({ ...decodeJwt(await h.login('owner')).payload });
      await expectUnauthorized(`Bearer ${header}.${payload}.${signature}`);
    });

    it('A2: a refresh token used as an access token is a 401', async () => {
      const { refreshToken } = await h.loginBody('owner');
      await expectUnauthorized(`Bearer ${refreshToken}`);
    });

    it('A2: the token of a deleted user is a 401', async () => {
      const token = await h.login('user');
      await h.call('deleteOrganizationUser', { token: await h.login('owner'), params: { userId: h.userId('user') } });
      await expectUnauthorized(`Bearer ${token}`);
    });

    it('A2: the token of a user that no longer exists is a 401', async () => {
      const token = await h.login('user');
      const state = h.api.exportState() as { users: { id: string }[]; refreshTokens: { userId: string }[] };
      h.api.importState({
        ...state,
        users: state.users.filter((u) => u.id !== h.userId('user')),
        refreshTokens: state.refreshTokens.filter((t) => t.userId !== h.userId('user')),
      });
      await expectUnauthorized(`Bearer ${token}`);
    });

    it('A2: the 401 body and header are the same on every authenticated endpoint', async () => {
      for (const op of authenticatedOperations(h)) {
        const response = await h.call(op.operationId, { params: op.params, body: op.body, authorization: 'Bearer nope' });
        expect(response.status, op.operationId).toBe(401);
        expect(response.body, op.operationId).toEqual(UNAUTHORIZED);
        expect(response.headers['www-authenticate'], op.operationId).toBe('Bearer');
      }
    });

    it('A2: authenticate() reports the caller for the server, and ok: false with the one 401 for a bad header', async () => {
      const token = await h.login('owner');
      expect(await h.api.authenticate({ authorization: `Bearer ${token}` })).toEqual({ ok: true, userId: h.userId('owner'), email: 'owner@acme.test' });
      for (const authorization of ['Bearer x.y.z', undefined]) {
        const refused = await h.api.authenticate({ authorization });
        expect(refused).toMatchObject({ ok: false, response: { status: 401, body: UNAUTHORIZED, headers: { 'WWW-Authenticate': 'Bearer' } } });
      }
    });
  });

  describe('A3: POST /user/login', () => {
    it('A3: a valid login answers the documented body', async () => {
      const response = await h.call('login', { body: { email: 'owner@acme.test', password: 'Owner-Passw0rd' } });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        success: true,
        user: { id: h.userId('owner'), email: 'owner@acme.test', name: 'Olivia', orgId: ORG_A },
      });
      expect(typeof response.body.tokenId).toBe('string');
      expect(decodeJwt(response.body.refreshToken).payload.jti).toBe(response.body.tokenId);
    });

    it('A3: email matching is case-insensitive', async () => {
      const response = await h.call('login', { body: { email: 'OWNER@Acme.TEST', password: 'Owner-Passw0rd' } });
      expect(response.status).toBe(200);
      expect(response.body.user.email).toBe('owner@acme.test');
    });

    it.each([
      ['an unknown email', { email: 'nobody@acme.test', password: 'Owner-Passw0rd' }, 'USER_NOT_FOUND'],
      ['a wrong password', { email: 'owner@acme.test', password: 'owner-passw0rd' }, 'INVALID_PASSWORD'],
      ['a soft-deleted user', { email: fixturePrincipal('deleted').email, password: fixturePrincipal('deleted').password }, 'USER_INACTIVE'],
      ['an unvalidated user', { email: fixturePrincipal('unvalidated').email, password: fixturePrincipal('unvalidated').password }, 'USER_INACTIVE'],
    ])('A3: %s is a 401 with error_code %s', async (_label, body, code) => {
      const response = await h.call('login', { body });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ success: false, error_code: code });
      expect(response.body.message).toBeTruthy();
    });

    it.each([
      ['no password', { email: 'owner@acme.test' }, 'Missing required field: password'],
      ['no email', { password: 'x' }, 'Missing required field: email'],
      ['a bad email', { email: 'not-an-email', password: 'x' }, 'Invalid email address'],
      ['a non-string password', { email: 'owner@acme.test', password: 42 }, 'Invalid field: password must be a string'],
      ['an array body', [], 'Invalid JSON body'],
      ['no body', undefined, 'Invalid JSON body'],
    ])('A3: a malformed body (%s) is a 400 INVALID_REQUEST', async (_label, body, message) => {
      const response = await h.call('login', { body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, error_code: 'INVALID_REQUEST', message });
    });

    it('A3: a body that is not JSON is a 400 INVALID_REQUEST Invalid JSON body', async () => {
      const response = await h.call('login', { bodyProblem: 'invalid-json' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, error_code: 'INVALID_REQUEST', message: 'Invalid JSON body' });
    });
  });

  describe('A4: refresh tokens rotate; logout revokes', () => {
    it('A4: POST /user/refresh with refreshToken answers new tokens that work', async () => {
      const login = await h.loginBody('owner');
      const response = await h.call('refreshToken', { body: { refreshToken: login.refreshToken } });
      expect(response.status).toBe(200);
      expect(response.body.refreshToken).not.toBe(login.refreshToken);
      expect((await h.call('listOrganizationUsers', { token: response.body.accessToken })).status).toBe(200);
    });

    it("A4: refresh_token (the official client's field) is accepted too", async () => {
      const login = await h.loginBody('owner');
      const response = await h.call('refreshToken', { body: { refresh_token: login.refreshToken } });
      expect(response.status).toBe(200);
    });

    it('A4: reusing a rotated refresh token is a 401 INVALID_REFRESH_TOKEN', async () => {
      const login = await h.loginBody('owner');
      expect((await h.call('refreshToken', { body: { refreshToken: login.refreshToken } })).status).toBe(200);
      const reuse = await h.call('refreshToken', { body: { refreshToken: login.refreshToken } });
      expect(reuse.status).toBe(401);
      expect(reuse.body).toMatchObject({ success: false, error_code: 'INVALID_REFRESH_TOKEN' });
    });

    it('A4: two concurrent refreshes of one token: exactly one succeeds', async () => {
      const login = await h.loginBody('owner');
      const results = await Promise.all([1, 2].map(() => h.call('refreshToken', { body: { refreshToken: login.refreshToken } })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it.each([
      ['a forged token', 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl'],
      ['an access token', null],
    ])('A4: refreshing with %s is a 401', async (_label, token) => {
      const refreshToken = token ?? (await h.login('owner'));
      const response = await h.call('refreshToken', { body: { refreshToken } });
      expect(response.status).toBe(401);
    });

    it('A4: a refresh body without a token is a 400', async () => {
      const response = await h.call('refreshToken', { body: {} });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, error_code: 'INVALID_REQUEST', message: 'Missing required field: refreshToken' });
    });

    it('A4: POST /user/logout revokes the refresh token (200 {success: true}); refreshing with it is then a 401', async () => {
      const login = await h.loginBody('owner');
      const logout = await h.call('logout', { body: { refresh_token: login.refreshToken } });
      expect(logout.status).toBe(200);
      expect(logout.body).toEqual({ success: true });
      expect(logout.mutated).toBe(true);
      expect((await h.call('refreshToken', { body: { refreshToken: login.refreshToken } })).status).toBe(401);
    });

    it('A4: logout is idempotent: again, or with an unknown token, it is the same 200', async () => {
      const login = await h.loginBody('owner');
      await h.call('logout', { body: { refreshToken: login.refreshToken } });
      const before = JSON.stringify(h.api.exportState());
      const again = await h.call('logout', { body: { refreshToken: login.refreshToken } });
      expect(again.status).toBe(200);
      // Nothing left to revoke: the state is unchanged (the engine's write after a 200 POST rewrites the same state).
      expect(JSON.stringify(h.api.exportState())).toBe(before);
      expect((await h.call('logout', { body: { refreshToken: 'a.b.c' } })).body).toEqual({ success: true });
    });
  });

  describe('A5: HS256 JWTs with the client payload; other algorithms rejected', () => {
    it('A5: the access token is HS256 and carries userId, email, orgId, type access, iat and exp one hour apart', async () => {
      const { header, payload } = decodeJwt(await h.login('owner'));
      expect(header.alg).toBe('HS256');
      expect(payload).toMatchObject({ userId: h.userId('owner'), email: 'owner@acme.test', orgId: ORG_A, type: 'access' });
      expect(typeof payload.iat).toBe('number');
      expect(payload.exp).toBe((payload.iat as number) + 3600);
    });

    it('A5: login expiresAt is the access token expiry, ISO with milliseconds', async () => {
      const body = await h.loginBody('owner');
      const { payload } = decodeJwt(body.accessToken);
      expect(body.expiresAt).toBe(new Date((payload.exp as number) * 1000).toISOString());
      expect(body.expiresAt).toMatch(/\.\d{3}Z$/);
    });

    it('A5: an alg none token with a valid payload is rejected (401)', async () => {
      const { payload } = decodeJwt(await h.login('owner'));
      await expectUnauthorized(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.c2lnbmF0dXJl`);
    });

    it('A5: an HS512 token signed with the server key is rejected (401)', async () => {
      const { payload } = decodeJwt(await h.login('owner'));
      const hs512 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS512', typ: 'JWT' }).sign(new TextEncoder().encode(SIGNING_KEY));
      await expectUnauthorized(`Bearer ${hs512}`);
    });

    it('A5: an HS256 token signed with the server key is accepted (the control for the two rejections above)', async () => {
      const { payload } = decodeJwt(await h.login('owner'));
      const hs256 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(SIGNING_KEY));
      expect((await h.call('listOrganizationUsers', { authorization: `Bearer ${hs256}` })).status).toBe(200);
    });

    it('A5: an expired token is a 401 (injected clock), also after it was verified and cached', async () => {
      const clock = manualClock();
      const timed = createHarness({ now: clock.now, tokenTtlSeconds: 3600 });
      const token = await timed.login('owner');
      clock.advance(3599_000);
      expect((await timed.call('listOrganizationUsers', { token })).status).toBe(200);
      clock.advance(1_000);
      const response = await timed.call('listOrganizationUsers', { token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(UNAUTHORIZED);
    });

    it('A5: tokenTtlSeconds sets the lifetime', async () => {
      const short = createHarness({ tokenTtlSeconds: 60 });
      const { payload } = decodeJwt(await short.login('owner'));
      expect((payload.exp as number) - (payload.iat as number)).toBe(60);
    });

    it('A5: a verified token is answered synchronously the next time (the hot path)', async () => {
      const token = await h.login('owner');
      const operation = (await import('../helpers/mock-harness.js')).spec().byId.get('listOrganizationUsers')!;
      const request = { operation, params: {}, authorization: `Bearer ${token}`, body: undefined };
      await h.api.handle(request);
      const second = h.api.handle(request);
      expect(second).not.toBeInstanceOf(Promise);
    });
  });
});
