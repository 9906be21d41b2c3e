/**
 * What a reset between tests keeps, as the README promises a frontend team: the seeded principals'
 * credentials stay valid (a test may take them once, in a global setup), while whatever a test made
 * (Flashback's refresh tokens, Tours sessions from a sign-in and API keys it created) is gone.
 * Over HTTP, through the package's own `startMock`, as a team's test would use it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type FlashbackPrincipal, type RunningMock, type ToursPrincipal } from '../../src/mock.js';

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('a reset keeps access tokens but revokes refresh tokens (Flashback)', () => {
  let mock: RunningMock<FlashbackPrincipal>;
  beforeAll(async () => {
    mock = await startMock({ api: 'flashback' });
  });
  afterAll(() => mock.close());

  it('a token from a login before the reset still reads; its refresh token is refused', async () => {
    const owner = mock.principals.find((p) => p.name === 'owner');
    if (!owner) throw new Error('no seeded owner');
    const login = (await (await post(`${mock.url}/user/login`, { email: owner.email, password: owner.password })).json()) as {
      accessToken: string;
      refreshToken: string;
    };
    await mock.reset();
    const read = await fetch(`${mock.url}/organization/users`, { headers: { authorization: `Bearer ${login.accessToken}` } });
    expect(read.status).toBe(200);
    const refresh = await post(`${mock.url}/user/refresh`, { refreshToken: login.refreshToken });
    expect(refresh.status).toBe(401);
    // The principals' own tokens, taken at start, outlive any number of resets.
    const seeded = await fetch(`${mock.url}/organization/users`, { headers: { authorization: `Bearer ${owner.accessToken ?? ''}` } });
    expect(seeded.status).toBe(200);
  });
});

describe('a reset keeps the seeded sessions and keys, and drops those a test made (Tours & Events)', () => {
  let mock: RunningMock<ToursPrincipal>;
  beforeAll(async () => {
    mock = await startMock({ api: 'tours', rateLimit: null });
  });
  afterAll(() => mock.close());

  const me = (mockUrl: string, headers: Record<string, string>): Promise<Response> => fetch(`${mockUrl}/api/organizations/me`, { headers });

  it('a signed-in session and a created key answer 401 after the reset; the seeded ones 200', async () => {
    const owner = mock.principals.find((p) => p.name === 'acme-owner');
    if (!owner) throw new Error('no seeded acme-owner');
    const signIn = await post(`${mock.url}/api/auth/sign-in/email`, { email: owner.email, password: owner.password });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const created = (await (await post(`${mock.url}/api/api-keys`, { name: 'made by a test' }, { cookie })).json()) as { key: string };
    expect((await me(mock.url, { cookie })).status).toBe(200);
    expect((await me(mock.url, { authorization: `Bearer ${created.key}` })).status).toBe(200);

    await mock.reset();

    expect((await me(mock.url, { cookie })).status).toBe(401);
    expect((await me(mock.url, { authorization: `Bearer ${created.key}` })).status).toBe(401);
    expect((await me(mock.url, { cookie: `better-auth.session_token=${owner.sessionToken}` })).status).toBe(200);
    expect((await me(mock.url, { authorization: `Bearer ${owner.apiKey}` })).status).toBe(200);
  });
});
