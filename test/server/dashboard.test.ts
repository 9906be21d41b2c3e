/**
 * The dashboard (`/__mock/`), the API's docs (`/__mock/docs`) and the control plane's routes behind
 * them (clock, requests, settings, organizations), over HTTP; every answer sent with `send` is checked
 * against openapi/mock-control.yaml by the harness (JSON bodies by schema, pages and files by their
 * documented media type).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toursApi } from '../../src/apis/index.js';
import { CONTENT_SECURITY_POLICY } from '../../src/server/dashboard.js';
import { createRequestHistory, isRecorded } from '../../src/server/request-history.js';
import { organizationSpec, startTestServer, type Answer, type TestServer } from '../helpers/server-harness.js';
import { toursSpec } from '../helpers/tours-server.js';

const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ACME = '123e4567-e89b-12d3-a456-426614174000';

/** Every `id="..."` of an HTML page. */
const idsOf = (html: string): string[] => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] as string);

/** What makes a page break a strict CSP or reach another host: inline scripts, inline handlers, absolute URLs. */
function cspProblems(html: string): string[] {
  const problems: string[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) if (!/\ssrc="\/__mock\/assets\/[^"]+"/.test(tag)) problems.push(`inline script: ${tag}`);
  if (/<script\b[^>]*>[^<\s]/.test(html)) problems.push('a script with inline code');
  if (/\son[a-z]+=/i.test(html)) problems.push('an inline event handler');
  if (/<style\b/.test(html)) problems.push('an inline style sheet');
  for (const [, url] of html.matchAll(/\s(?:src|href)="([^"]+)"/g))
    if (!/^(\/__mock\/|data:,$)/.test(url as string)) problems.push(`a URL off the mock: ${url}`);
  return problems;
}

describe('the dashboard and the docs (Flashback)', () => {
  let server: TestServer;
  const seen: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      seed: 7,
      users: 3,
      tokenTtlSeconds: 900,
      latency: { min: 0, max: 0 },
      errorRate: 0,
      corsOrigins: ['http://localhost:5173'],
      log: (chunk) => void seen.push(chunk),
    });
  });
  afterAll(() => server.close());

  const ownerToken = async (): Promise<string> => (await server.tokens()).owner as string;

  it('GET /__mock/ is the dashboard: one HTML page with every section, its own script and style, a strict CSP', async () => {
    const page = await server.send('GET', '/__mock/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(idsOf(page.text)).toEqual(
      expect.arrayContaining([
        'principals-table',
        'organizations-table',
        'requests-table',
        'requests-pause',
        'outbox-table',
        'clock-now',
        'clock-offset',
        'reset-button',
        'settings-list',
        'docs-link',
        'status',
      ]),
    );
    for (const seconds of [3600, 86400, 691200]) expect(page.text).toContain(`data-advance="${seconds}"`);
    expect(page.text).toContain('src="/__mock/assets/dashboard.js"');
    expect(page.text).toContain('href="/__mock/assets/mock.css"');
    expect(cspProblems(page.text)).toEqual([]);
    // Accessible markup: every table has column headers and a caption; every button is labelled by its text or aria-label.
    expect(page.text.match(/<table\b/g)?.length).toBe(page.text.match(/<caption\b/g)?.length);
    for (const [button] of page.text.matchAll(/<button\b[^>]*>([^<]*)<\/button>/g)) expect(button).toMatch(/aria-label="[^"]+"|>[^<\s][^<]*<\/button>$/);
  });

  it('GET /__mock redirects to /__mock/ (a 302: nothing a browser keeps)', async () => {
    const answer = await server.send('GET', '/__mock');
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe('/__mock/');
    expect(answer.text).toBe('');
  });

  it('GET /__mock/docs is Swagger UI from swagger-ui-dist, with the principal picker, loading nothing from elsewhere', async () => {
    const page = await server.send('GET', '/__mock/docs');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(idsOf(page.text)).toEqual(expect.arrayContaining(['swagger-ui', 'principal-select', 'credential-select', 'credential-status', 'dashboard-link']));
    expect(page.text).toContain('src="/__mock/assets/swagger-ui-bundle.js"');
    expect(page.text).toContain('src="/__mock/assets/docs.js"');
    expect(page.text).toContain('href="/__mock/assets/swagger-ui.css"');
    expect(cspProblems(page.text)).toEqual([]);
  });

  it("GET /__mock/docs/openapi.json is the API's document with servers pointing at the mock as it was reached", async () => {
    const direct = await server.send('GET', '/__mock/docs/openapi.json');
    const document = direct.body as { servers: { url: string }[]; paths: object; components: { securitySchemes: object } };
    expect(document.servers).toEqual([{ url: server.url, description: 'This mock server' }]);
    expect(Object.keys(document.paths)).toEqual(Object.keys(organizationSpec.document.paths as object));
    expect(Object.keys(document.components.securitySchemes)).toEqual(['bearerAuth']);
    const named = await server.send('GET', '/__mock/docs/openapi.json', { headers: { host: 'localhost:4999' } });
    expect((named.body as { servers: { url: string }[] }).servers[0]?.url).toBe('http://localhost:4999');
    // A Host that is not a host is not echoed into the document: the server's own address stands.
    const odd = await server.send('GET', '/__mock/docs/openapi.json', { headers: { host: 'x"/><script>' } });
    expect((odd.body as { servers: { url: string }[] }).servers[0]?.url).toBe(server.url);
  });

  it.each([
    ['dashboard.js', 'text/javascript; charset=utf-8'],
    ['docs.js', 'text/javascript; charset=utf-8'],
    ['mock.css', 'text/css; charset=utf-8'],
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['swagger-ui.css', 'text/css; charset=utf-8'],
    ['swagger-ui.css.map', 'application/json; charset=utf-8'],
  ])('GET /__mock/assets/%s is served with %s', async (name, type) => {
    const answer = await server.send('GET', `/__mock/assets/${name}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(type);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    if (name.startsWith('swagger-ui')) expect(answer.text).toBe(readFileSync(join(SWAGGER_UI_DIR, name), 'utf8'));
  });

  it.each([
    '/__mock/assets/..%2Fdashboard.ts',
    '/__mock/assets/..%2F..%2F..%2Fpackage.json',
    '/__mock/assets/%2e%2e%2fcontrol-plane.ts',
    '/__mock/assets/%2E%2E%5Cpackage.json',
    '/__mock/assets/index.html',
    '/__mock/assets/package.json',
    '/__mock/assets/swagger-initializer.js',
    '/__mock/assets/dashboard.js%00.png',
    '/__mock/assets/__proto__',
    '/__mock/assets/constructor',
    '/__mock/assets/DASHBOARD.JS',
  ])('GET %s is a 404: only the listed files are served, by name', async (path) => {
    const answer = await server.sendRaw('GET', path);
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ success: false, message: 'Not found' });
  });

  it('a path that leaves the assets folder is not a file either', async () => {
    for (const path of ['/__mock/assets/', '/__mock/assets/a/b', '/__mock/assets/../../package.json', '/__mock/docs/../../package.json']) {
      expect((await server.sendRaw('GET', path)).status, path).toBe(404);
    }
  });

  it('GET /__mock/requests shows a request just made, with its status, principal and request id, newest first', async () => {
    const token = await ownerToken();
    await server.send('GET', '/organization/users?limit=1', { token, headers: { 'x-request-id': 'dashboard-test-1' } });
    await server.send('GET', '/no-such-path');
    const answer = await server.send('GET', '/__mock/requests');
    const { requests, capacity } = answer.body as {
      requests: { path: string; status: number; principal: string; requestId: string; method: string }[];
      capacity: number;
    };
    expect(capacity).toBe(200);
    expect(requests[0]).toMatchObject({ method: 'GET', path: '/no-such-path', status: 404, principal: '-' });
    expect(requests[1]).toMatchObject({
      method: 'GET',
      path: '/organization/users?limit=1',
      status: 200,
      principal: 'owner@acme.test',
      requestId: 'dashboard-test-1',
    });
    // The control plane's reads (the dashboard's polling, its pages) are left out; its writes are kept.
    expect(requests.some((r) => r.path.startsWith('/__mock') && r.method === 'GET')).toBe(false);
    await server.send('POST', '/__mock/clock', { body: { advanceSeconds: 0 } });
    const after = (await server.send('GET', '/__mock/requests')).body as { requests: { path: string; method: string }[] };
    expect(after.requests[0]).toMatchObject({ method: 'POST', path: '/__mock/clock' });
  });

  it('GET /__mock/requests keeps the last 200, counting all of them', async () => {
    const before = ((await server.send('GET', '/__mock/requests')).body as { total: number }).total;
    for (let i = 0; i < 210; i++) await server.sendRaw('GET', `/nowhere/${i}`);
    const { requests, total } = (await server.send('GET', '/__mock/requests')).body as { requests: { path: string }[]; total: number };
    expect(total).toBe(before + 210);
    expect(requests).toHaveLength(200);
    expect(requests[0]?.path).toBe('/nowhere/209');
    expect(requests[199]?.path).toBe('/nowhere/10');
  });

  it('GET /__mock/settings reflects the flags, without secrets', async () => {
    const settings = (await server.send('GET', '/__mock/settings')).body;
    expect(settings).toEqual({
      api: { name: 'flashback', title: 'Flashback Organization API', specFile: 'openapi/organization.yaml' },
      url: server.url,
      seed: 7,
      users: 3,
      tokenTtlSeconds: 900,
      rateLimit: null,
      latency: { min: 0, max: 0 },
      errorRate: 0,
      corsOrigins: ['http://localhost:5173'],
      stateFile: null,
      controlPlane: true,
      requestLog: true,
    });
  });

  it('GET /__mock/clock reads the clock without moving it', async () => {
    const read = async (): Promise<{ now: string; offsetSeconds: number }> => (await server.send('GET', '/__mock/clock')).body as never;
    await server.send('POST', '/__mock/reset');
    expect((await read()).offsetSeconds).toBe(0);
    await server.send('POST', '/__mock/clock', { body: { advanceSeconds: 86400 } });
    const ahead = await read();
    expect(ahead.offsetSeconds).toBe(86400);
    expect(Date.parse(ahead.now) - Date.now()).toBeGreaterThan(86390 * 1000);
    expect((await read()).offsetSeconds).toBe(86400);
    await server.send('POST', '/__mock/reset');
    expect((await read()).offsetSeconds).toBe(0);
  });

  it('GET /__mock/organizations counts what each organization holds, and follows changes', async () => {
    await server.send('POST', '/__mock/reset');
    const read = async (): Promise<{
      organizations: { id: string; counts: Record<string, number>; roles: Record<string, number> }[];
      usersWithoutOrganization: number;
    }> => (await server.send('GET', '/__mock/organizations')).body as never;
    const before = await read();
    const acme = before.organizations.find((o) => o.id === ACME);
    // Seven fixture users in Acme (one deleted) and the three of --users 3.
    expect(acme?.counts).toEqual({ users: 9, deletedUsers: 1, unvalidatedUsers: 1, sessions: 0 });
    // The generated users' roles are the seed's; every user not deleted is counted once, highest rank first.
    expect(Object.values(acme?.roles ?? {}).reduce((a, b) => a + b, 0)).toBe(9);
    expect(Object.keys(acme?.roles ?? {})[0]).toBe('OWNER');
    expect(before.usersWithoutOrganization).toBe(1);
    const token = await ownerToken();
    const created = await server.send('POST', '/organization/users', {
      token,
      body: { email: 'dash.board@acme.test', password: 'Dash-Passw0rd', firstName: 'Dash', lastName: 'Board', orgRole: 1 },
    });
    expect(created.status).toBe(201);
    await server.send('POST', '/user/login', { body: { email: 'owner@acme.test', password: 'Owner-Passw0rd' } });
    const after = (await read()).organizations.find((o) => o.id === ACME);
    expect(after?.counts).toMatchObject({ users: 10, unvalidatedUsers: 2, sessions: 1 });
    await server.send('POST', '/__mock/reset');
  });

  it('shows no secret: no password hash, no token', async () => {
    const text = (await server.send('GET', '/__mock/organizations')).text + (await server.send('GET', '/__mock/settings')).text;
    expect(text).not.toMatch(/sha256\$|passwordHash|tokenHash|keyHash|signingKey|eyJ/);
  });
});

describe('the dashboard routes (Tours & Events)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ definition: toursApi, spec: toursSpec });
  });
  afterAll(() => server.close());

  const send = (method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> => server.sendRaw(method, path, { headers });

  it('GET /__mock/docs/openapi.json is the Tours document, with both of its security schemes', async () => {
    const document = (await server.send('GET', '/__mock/docs/openapi.json')).body as { info: { title: string }; components: { securitySchemes: object } };
    expect(document.info.title).toBe(toursSpec.document.info && (toursSpec.document.info as { title: string }).title);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKey', 'sessionCookie']);
  });

  it('GET /__mock/settings says the documented rate limit', async () => {
    const settings = (await server.send('GET', '/__mock/settings')).body as { api: { name: string }; rateLimit: unknown; requestLog: boolean };
    expect(settings.api.name).toBe('tours');
    expect(settings.rateLimit).toEqual({ limit: 100, windowSeconds: 60 });
    expect(settings.requestLog).toBe(false);
  });

  it('GET /__mock/requests names the principal of a session and of an API key', async () => {
    const { principals } = (await server.send('GET', '/__mock/principals')).body as {
      principals: { name: string; email: string; apiKey: string; sessionToken: string }[];
    };
    const owner = principals.find((p) => p.name === 'acme-owner')!;
    const admin = principals.find((p) => p.name === 'acme-admin')!;
    expect((await send('GET', '/api/organizations/me', { authorization: `Bearer ${owner.apiKey}` })).status).toBe(200);
    expect((await send('GET', '/api/organizations/me', { cookie: `better-auth.session_token=${admin.sessionToken}` })).status).toBe(200);
    const { requests } = (await server.send('GET', '/__mock/requests')).body as { requests: { principal: string; status: number }[] };
    expect(requests.slice(0, 2).map((r) => [r.status, r.principal])).toEqual([
      [200, admin.email],
      [200, owner.email],
    ]);
  });

  it('GET /__mock/organizations counts members, roles, invitations, keys and sessions, and shows no key or token', async () => {
    await server.send('POST', '/__mock/reset');
    const answer = await server.send('GET', '/__mock/organizations');
    const { organizations, usersWithoutOrganization } = answer.body as {
      organizations: { name: string; counts: Record<string, number>; roles: Record<string, number> }[];
      usersWithoutOrganization: number;
    };
    const acme = organizations.find((o) => o.name === 'Acme Tours');
    expect(acme?.counts).toMatchObject({ members: 5, suspendedMembers: 1, customRoles: 1, pendingInvitations: 1 });
    expect(acme?.counts.apiKeys).toBeGreaterThan(0);
    expect(acme?.roles).toMatchObject({ owner: 1, admin: 1, member: 2 });
    expect(usersWithoutOrganization).toBe(2);
    const listing = (await server.send('GET', '/__mock/principals')).body as { principals: { apiKey: string; sessionToken: string }[] };
    for (const p of listing.principals) {
      expect(answer.text).not.toContain(p.apiKey);
      expect(answer.text).not.toContain(p.sessionToken);
    }
    // Eight days on, the pending invitation (7 days) has expired.
    await server.send('POST', '/__mock/clock', { body: { advanceSeconds: 8 * 86400 } });
    const later = (await server.send('GET', '/__mock/organizations')).body as { organizations: { name: string; counts: Record<string, number> }[] };
    expect(later.organizations.find((o) => o.name === 'Acme Tours')?.counts).toMatchObject({ pendingInvitations: 0, sessions: 0 });
    await server.send('POST', '/__mock/reset');
  });
});

describe('--no-control-plane switches the dashboard off', () => {
  it('answers every page, file and new route with the 404', async () => {
    const off = await startTestServer({ controlPlane: false });
    try {
      for (const path of [
        '/__mock',
        '/__mock/',
        '/__mock/docs',
        '/__mock/docs/openapi.json',
        '/__mock/assets/dashboard.js',
        '/__mock/assets/swagger-ui-bundle.js',
        '/__mock/requests',
        '/__mock/settings',
        '/__mock/organizations',
        '/__mock/clock',
      ]) {
        const answer = await off.sendRaw('GET', path);
        expect(answer.status, path).toBe(404);
        expect(answer.body).toEqual({ success: false, message: 'Not found' });
      }
    } finally {
      await off.close();
    }
  });
});

describe('the request history', () => {
  it('leaves out the control plane reads only', () => {
    expect(isRecorded('GET', '/__mock/requests')).toBe(false);
    expect(isRecorded('GET', '/__mock')).toBe(false);
    expect(isRecorded('HEAD', '/__mock/')).toBe(false);
    expect(isRecorded('POST', '/__mock/reset')).toBe(true);
    expect(isRecorded('GET', '/__mockery')).toBe(true);
    expect(isRecorded('GET', '/organization/users')).toBe(true);
  });

  it('keeps a ring of the newest, with times formatted on reading and long paths cut', () => {
    const history = createRequestHistory(3);
    for (let i = 0; i < 5; i++) history.record(Date.UTC(2026, 0, 1, 0, 0, i), 'GET', `/p/${i}`, 200, 1.26, '-', `id-${i}`);
    history.record(Date.UTC(2026, 0, 1), 'GET', `/${'x'.repeat(300)}`, 404, 0, '-', 'long');
    const { requests, total, capacity } = history.list();
    expect([total, capacity]).toEqual([6, 3]);
    expect(requests.map((r) => r.requestId)).toEqual(['long', 'id-4', 'id-3']);
    expect(requests[1]).toEqual({ time: '2026-01-01T00:00:04.000Z', method: 'GET', path: '/p/4', status: 200, ms: 1.3, principal: '-', requestId: 'id-4' });
    expect(requests[0]?.path).toHaveLength(201);
  });
});
