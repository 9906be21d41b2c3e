/**
 * The Flashback mock from a real browser: a page of another origin, in headless Chromium, logs in,
 * carries the bearer token and a frontend's extra headers (each needing a preflight), lists, creates
 * and meets a 403, with CORS set to that origin (credentials allowed, as axios `withCredentials`
 * sends) and to any origin; an origin off the list is blocked by the browser and named in the mock's log.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { flashbackApi } from '../../src/apis/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { BROWSER_TIMEOUT_MS, eventually, logCollector, openFrontend, type Frontend } from '../helpers/browser.js';

vi.setConfig({ testTimeout: BROWSER_TIMEOUT_MS, hookTimeout: BROWSER_TIMEOUT_MS });

interface FlowArgs {
  readonly api: string;
  readonly credentials: 'include' | 'same-origin';
}

/**
 * Runs in the page: what a frontend does. Self-contained (Playwright sends its source to the page);
 * it reports what the page saw, and Node asserts on that.
 */
async function flashbackFlow({ api, credentials }: FlowArgs) {
  const call = async (method: string, path: string, token: string | null, body?: unknown, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = { ...extra };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${api}${path}`, { method, headers, credentials, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, requestId: response.headers.get('x-request-id'), body: (await response.json()) as Record<string, unknown> };
  };
  const login = async (email: string, password: string) => call('POST', '/user/login', null, { email, password });

  const owner = await login('owner@acme.test', 'Owner-Passw0rd');
  const token = owner.body.accessToken as string;
  const tracing = {
    'X-Request-Id': 'browser-list-1',
    'sentry-trace': '771a43a4192642f0b136d5159a501700-b8b8e6c1f3c7e8a1-1',
    baggage: 'sentry-environment=test,sentry-release=web@1.0.0',
  };
  const list = await call('GET', '/organization/users', token, undefined, tracing);
  const created = await call(
    'POST',
    '/organization/users',
    token,
    { email: 'browser.user@acme.test', password: 'Browser-Passw0rd1', firstName: 'Browser', lastName: 'User' },
    tracing,
  );
  const listAfter = await call('GET', '/organization/users', token);

  // A USER may not create users: the 403 a lower principal gets.
  const user = await login('user@acme.test', 'User-Passw0rd');
  const forbidden = await call('POST', '/organization/users', user.body.accessToken as string, {
    email: 'not.me@acme.test',
    password: 'Browser-Passw0rd1',
    firstName: 'No',
    lastName: 'Way',
  });
  return {
    login: owner.status,
    tokenShape: token.split('.').length,
    list: { status: list.status, total: list.body.total as number, requestId: list.requestId },
    created: { status: created.status, email: (created.body.data as { email?: string } | undefined)?.email },
    totalAfter: listAfter.body.total,
    forbidden: { status: forbidden.status, message: forbidden.body.message },
  };
}

/** In the page: one call the browser must block (no allow header); what the script sees. */
async function blockedCall(api: string) {
  try {
    const response = await fetch(`${api}/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@acme.test', password: 'Owner-Passw0rd' }),
    });
    return { blocked: false, status: response.status, error: null };
  } catch (error) {
    return { blocked: true, status: null, error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

let frontend: Frontend;
beforeAll(async () => {
  frontend = await openFrontend('Flashback frontend');
});
afterAll(() => frontend?.close());

/** The frontend's page with no cookie from an earlier case. */
async function openPage(): Promise<Page> {
  await frontend.context.clearCookies();
  return frontend.page;
}

describe.each([
  { cors: 'the page origin listed', listed: true },
  { cors: 'any origin (the default)', listed: false },
])('Flashback in Chromium, CORS $cors', ({ listed }) => {
  let mock: RunningServer;
  const { lines, log } = logCollector();
  beforeAll(async () => {
    mock = await startServer({ definition: flashbackApi, corsOrigins: listed ? [frontend.origin] : '*', log });
  });
  afterAll(() => mock?.close());

  it('logs in, lists with extra headers, creates a user and gets a 403 as USER', async () => {
    const page = await openPage();
    // A listed origin allows credentials, so the page sends them as axios withCredentials does.
    const args: FlowArgs = { api: mock.url, credentials: listed ? 'include' : 'same-origin' };
    const report = await page.evaluate(flashbackFlow, args);

    expect(report).toEqual({
      login: 200,
      tokenShape: 3,
      list: { status: 200, total: expect.any(Number) as number, requestId: 'browser-list-1' },
      created: { status: 201, email: 'browser.user@acme.test' },
      totalAfter: report.list.total + 1,
      forbidden: { status: 403, message: 'Insufficient permissions to create users' },
    });
    await eventually(() => lines.join('\n')).toMatch(/ POST \/organization\/users 403 /);
    // The extra headers made the browser ask first; the mock allowed what it asked for.
    expect(lines.some((line) => / OPTIONS \/organization\/users 204 /.test(line))).toBe(true);
    expect(lines.some((line) => /GET \/organization\/users 200 \S+ owner@acme\.test/.test(line))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/CORS refused/);
  });
});

describe('Flashback in Chromium, an origin off the list', () => {
  let mock: RunningServer;
  const { lines, log } = logCollector();
  beforeAll(async () => {
    mock = await startServer({ definition: flashbackApi, corsOrigins: ['https://app.example.com'], log });
  });
  afterAll(() => mock?.close());

  it('is blocked by the browser, and the mock logs the refused origin', async () => {
    const page = await openPage();
    const seen = await page.evaluate(blockedCall, mock.url);

    expect(seen).toEqual({ blocked: true, status: null, error: 'TypeError: Failed to fetch' });
    const refused = `(CORS refused origin ${frontend.origin}: not in --cors-origin)`;
    await eventually(() => lines.find((line) => line.endsWith(refused))).toBeDefined();
  });
});
