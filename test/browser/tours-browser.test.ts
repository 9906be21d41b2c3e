/**
 * The Tours & Events mock from a real browser: a page of another origin (another port of localhost,
 * so the same site), in headless Chromium, signs in with `credentials: 'include'`; the browser keeps
 * the `HttpOnly; SameSite=Lax` session cookie the script cannot read and sends it back. The page lists
 * members with a frontend's extra headers, invites someone, uses an API key it created, and as a
 * plain member meets a 403; with CORS set to that origin and to any origin (Tours echoes the origin
 * with credentials either way). An origin off the list is blocked and named in the mock's log.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMock, type RunningMock, type ToursPrincipal } from '../../src/mock.js';
import { BROWSER_TIMEOUT_MS, eventually, logCollector, openFrontend, type Frontend } from '../helpers/browser.js';

vi.setConfig({ testTimeout: BROWSER_TIMEOUT_MS, hookTimeout: BROWSER_TIMEOUT_MS });

/** Runs in the page: what a frontend does (self-contained; Playwright sends its source to the page). */
async function toursFlow(api: string) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
    credentials: RequestInit['credentials'] = 'include',
  ) => {
    const headers: Record<string, string> = { ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${api}${path}`, { method, headers, credentials, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return {
      status: response.status,
      requestId: response.headers.get('x-request-id'),
      remaining: response.headers.get('x-ratelimit-remaining'),
      body: (await response.json()) as Record<string, unknown> | null,
    };
  };
  const signIn = (email: string, password: string) => call('POST', '/api/auth/sign-in/email', { email, password });
  const tracing = {
    'X-Request-Id': 'browser-members-1',
    'sentry-trace': '771a43a4192642f0b136d5159a501700-b8b8e6c1f3c7e8a1-1',
    baggage: 'sentry-environment=test,sentry-release=web@1.0.0',
  };

  const owner = await signIn('olivia@acme-tours.example', 'Owner-Passw0rd');
  const scriptSeesCookie = (globalThis as unknown as { document: { cookie: string } }).document.cookie.includes('better-auth.session_token');
  const session = await call('GET', '/api/auth/get-session');
  const members = await call('GET', '/api/organizations/members?limit=50', undefined, tracing);
  const invited = await call('POST', '/api/organizations/invitations', { email: 'browser.guide@example.com', role: 'member' }, tracing);
  const invitations = await call('GET', '/api/organizations/invitations');
  // An API key made with the session, then used on its own, as a script would (no cookie).
  const key = await call('POST', '/api/api-keys', { name: 'browser test' });
  const withKey = await call('GET', '/api/organizations/me', undefined, { authorization: `Bearer ${key.body?.key as string}` }, 'omit');

  // A plain member has no users.read: the 403 a lower principal gets.
  const member = await signIn('sam@acme-tours.example', 'Member-Passw0rd');
  const forbidden = await call('GET', '/api/organizations/members');
  const memberSession = await call('GET', '/api/auth/get-session');
  return {
    signIn: owner.status,
    scriptSeesCookie,
    session: (session.body?.user as { email?: string } | undefined)?.email,
    members: { status: members.status, requestId: members.requestId, total: members.body?.total },
    invited: { status: invited.status, email: invited.body?.email, role: invited.body?.role, status_: invited.body?.status },
    invitationEmails: ((invitations.body?.data ?? []) as { email: string }[]).map((i) => i.email),
    key: key.status,
    withKey: { status: withKey.status, name: withKey.body?.name, remaining: withKey.remaining },
    member: member.status,
    forbidden: { status: forbidden.status, body: forbidden.body },
    memberSession: (memberSession.body?.user as { email?: string } | undefined)?.email,
  };
}

/** In the page: one call the browser must block (no allow header); what the script sees. */
async function blockedCall(api: string) {
  try {
    const response = await fetch(`${api}/api/auth/sign-in/email`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'olivia@acme-tours.example', password: 'Owner-Passw0rd' }),
    });
    return { blocked: false, status: response.status, error: null };
  } catch (error) {
    return { blocked: true, status: null, error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

let frontend: Frontend;
beforeAll(async () => {
  frontend = await openFrontend('Tours frontend');
});
afterAll(() => frontend?.close());

/** The frontend's page with no cookie from an earlier case. */
async function openPage(): Promise<{ context: BrowserContext; page: Page }> {
  await frontend.context.clearCookies();
  return { context: frontend.context, page: frontend.page };
}

/** The mock on localhost: another port than the page (cross-origin), the same host (same-site). */
const localhostUrl = (mock: RunningMock<ToursPrincipal>): string => `http://localhost:${mock.port}`;

describe.each([
  { cors: 'the page origin listed', listed: true },
  { cors: 'any origin (the default)', listed: false },
])('Tours in Chromium, CORS $cors', ({ listed }) => {
  let mock: RunningMock<ToursPrincipal>;
  const { lines, log } = logCollector();
  beforeAll(async () => {
    mock = await startMock({ api: 'tours', corsOrigins: listed ? [frontend.origin] : '*', log });
  });
  afterAll(() => mock?.close());

  it('signs in with the cookie, lists with extra headers, invites, uses a key and gets a 403 as a member', async () => {
    const { context, page } = await openPage();
    const report = await page.evaluate(toursFlow, localhostUrl(mock));
    const cookies = await context.cookies(localhostUrl(mock));

    expect(report).toEqual({
      signIn: 200,
      scriptSeesCookie: false,
      session: 'olivia@acme-tours.example',
      members: { status: 200, requestId: 'browser-members-1', total: expect.any(Number) as number },
      invited: { status: 201, email: 'browser.guide@example.com', role: 'member', status_: 'pending' },
      invitationEmails: expect.arrayContaining(['browser.guide@example.com']) as string[],
      key: 201,
      withKey: { status: 200, name: 'Acme Tours', remaining: '99' },
      member: 200,
      forbidden: { status: 403, body: { error: 'Insufficient permissions' } },
      memberSession: 'sam@acme-tours.example',
    });
    // The browser holds the session as the mock set it: HttpOnly, SameSite=Lax, for the mock's host.
    expect(cookies).toEqual([expect.objectContaining({ name: 'better-auth.session_token', domain: 'localhost', path: '/', httpOnly: true, sameSite: 'Lax' })]);
    await eventually(() => lines.join('\n')).toMatch(/ GET \/api\/organizations\/members 403 \S+ sam@acme-tours\.example/);
    expect(lines.some((line) => / OPTIONS \/api\/organizations\/members\?limit=50 204 /.test(line))).toBe(true);
    expect(lines.some((line) => / POST \/api\/organizations\/invitations 201 \S+ olivia@acme-tours\.example/.test(line))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/CORS refused/);
  });

  it("after a reset, uses a seeded principal's session from /__mock/principals as the cookie (the README's Playwright recipe)", async () => {
    await mock.reset();
    const listing = (await (await fetch(`${mock.url}/__mock/principals`)).json()) as { principals: ToursPrincipal[] };
    const admin = listing.principals.find((p) => p.name === 'acme-admin');
    const { context, page } = await openPage();
    await context.addCookies([{ name: 'better-auth.session_token', value: String(admin?.sessionToken), url: localhostUrl(mock) }]);
    const seen = await page.evaluate(async (api) => {
      const session = await fetch(`${api}/api/auth/get-session`, { credentials: 'include' });
      const invitations = await fetch(`${api}/api/organizations/invitations`, { credentials: 'include' });
      const page = (await invitations.json()) as { data: { email: string }[] };
      return { session: ((await session.json()) as { user: { email: string } }).user.email, invitations: page.data.map((i) => i.email) };
    }, localhostUrl(mock));
    // The reset dropped the invitation the first case made; the seeded one stands.
    expect(seen).toEqual({ session: 'arjun@acme-tours.example', invitations: ['newhire@example.com'] });
  });
});

describe('Tours in Chromium, an origin off the list', () => {
  let mock: RunningMock<ToursPrincipal>;
  const { lines, log } = logCollector();
  beforeAll(async () => {
    mock = await startMock({ api: 'tours', corsOrigins: ['https://app.example.com'], log });
  });
  afterAll(() => mock?.close());

  it('is blocked by the browser, sets no cookie, and the mock logs the refused origin', async () => {
    const { context, page } = await openPage();
    const seen = await page.evaluate(blockedCall, localhostUrl(mock));
    const cookies = await context.cookies(localhostUrl(mock));

    expect(seen).toEqual({ blocked: true, status: null, error: 'TypeError: Failed to fetch' });
    const refused = `(CORS refused origin ${frontend.origin}: not in --cors-origin)`;
    await eventually(() => lines.find((line) => line.endsWith(refused))).toBeDefined();
    expect(cookies).toEqual([]);
  });
});
