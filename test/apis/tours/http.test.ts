/**
 * The Tours & Events mock over HTTP (`--api tours`): the engine's order of checks (docs/decisions/tours.md,
 * section 4) read from the spec's access vocabulary, with this API's domain behind it. Every answer is
 * checked against openapi/tours-organizations.yaml by the harness, and carries an X-Request-Id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startToursServer, type ToursListing, type ToursServer } from '../../helpers/tours-server.js';

const GLOBEX_OWNER_MEMBER = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';

let s: ToursServer;
let listing: ToursListing;
const key = (name: string): string => listing.principals.find((p) => p.name === name)!.apiKey;
const session = (name: string): string => listing.principals.find((p) => p.name === name)!.sessionToken;

beforeAll(async () => {
  s = await startToursServer();
  listing = await s.listing();
});
afterAll(() => s.close());
beforeEach(async () => {
  await s.send('POST', '/__mock/reset');
});

describe('Tours & Events over HTTP: credentials (section 2)', () => {
  it('TA1: an API key as a bearer token and the better-auth session cookie both reach the organization', async () => {
    for (const credential of [{ key: key('acme-owner') }, { session: session('acme-owner') }]) {
      const answer = await s.send('GET', '/api/organizations/me', credential);
      expect(answer.status).toBe(200);
      expect((answer.body as { name: string }).name).toBe('Acme Tours');
    }
  });

  it('TA2: sign-in sets the HttpOnly session cookie; get-session reads it, and answers null without one; sign-out ends it', async () => {
    const owner = listing.principals.find((p) => p.name === 'acme-owner')!;
    const signedIn = await s.send('POST', '/api/auth/sign-in/email', { body: { email: owner.email, password: owner.password } });
    expect(signedIn.status).toBe(200);
    const cookie = String(signedIn.headers['set-cookie']);
    expect(cookie).toMatch(/^better-auth\.session_token=[^;]+;.*HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token = (signedIn.body as { token: string }).token;
    expect(((await s.send('GET', '/api/auth/get-session', { session: token })).body as { user: { email: string } }).user.email).toBe(owner.email);
    expect((await s.send('GET', '/api/auth/get-session')).body).toBeNull();
    expect((await s.send('POST', '/api/auth/sign-out', { session: token })).body).toEqual({ success: true });
    expect((await s.send('GET', '/api/organizations/me', { session: token })).body).toEqual({ error: 'Invalid or expired session' });
  });

  it.each([
    ['nothing sent', {}, 'Authentication required'],
    ['a malformed key', { key: 'tke_test_short' }, 'Invalid API key'],
    ['a bearer value that is not a tke_ key', { key: 'eyJhbGciOiJIUzI1NiJ9.e30.sig' }, 'Invalid API key'],
    ['an unknown session', { session: 'no-such-session' }, 'Invalid or expired session'],
  ])('TA3: %s is a 401 %s, before anything else', async (_what, credential, error) => {
    const answer = await s.send('PATCH', '/api/organizations/me', { ...credential, body: 'not json' });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error });
    expect(answer.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('TA3: the seeded expired and revoked keys are refused with their own messages', async () => {
    expect((await s.send('GET', '/api/organizations/me', { key: listing.expiredApiKey })).body).toEqual({ error: 'API key has expired' });
    expect((await s.send('GET', '/api/organizations/me', { key: listing.revokedApiKey })).body).toEqual({ error: 'API key has been revoked' });
  });

  it('TA5: an API key on a session-only route is a 403 session_required; the session passes', async () => {
    const refused = await s.send('GET', '/api/api-keys', { key: key('acme-owner') });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: 'This endpoint requires a signed-in session', reason: 'session_required' });
    expect((await s.send('GET', '/api/api-keys', { session: session('acme-owner') })).status).toBe(200);
  });

  it('TA3, TA2: a session past its 7 days on the mock clock is refused', async () => {
    await s.send('POST', '/__mock/clock', { body: { advanceSeconds: 7 * 24 * 3600 + 1 } });
    expect((await s.send('GET', '/api/organizations/me', { session: session('acme-owner') })).body).toEqual({ error: 'Invalid or expired session' });
  });
});

describe('Tours & Events over HTTP: the order of checks (section 4)', () => {
  it('TM1: a user with no organization and a suspended member are refused with their reasons', async () => {
    expect((await s.send('GET', '/api/organizations/members', { key: key('orgless') })).body).toEqual({
      error: 'You are not a member of an organization',
      reason: 'no_organization',
    });
    expect((await s.send('GET', '/api/organizations/members', { key: key('acme-suspended') })).body).toEqual({
      error: 'Your membership is suspended',
      reason: 'member_suspended',
    });
  });

  it('TR3: "Role: Admin" lets owner and admin update the organization, not a member', async () => {
    expect((await s.send('PATCH', '/api/organizations/me', { key: key('acme-member'), body: { name: 'Renamed' } })).body).toEqual({
      error: 'Insufficient permissions',
    });
    expect((await s.send('PATCH', '/api/organizations/me', { key: key('acme-admin'), body: { name: 'Renamed' } })).status).toBe(200);
  });

  it('TR3: the platform routes need the Super Admin flag, and a session', async () => {
    expect((await s.send('GET', '/api/organizations', { session: session('superadmin') })).status).toBe(200);
    expect((await s.send('GET', '/api/organizations', { session: session('acme-owner') })).body).toEqual({ error: 'Insufficient permissions' });
    expect((await s.send('GET', '/api/organizations', { key: key('superadmin') })).status).toBe(403);
  });

  it('TR4: a permission key gates the list: guide-lead (users.read) lists members, member does not', async () => {
    expect((await s.send('GET', '/api/organizations/members', { key: key('acme-guide-lead') })).status).toBe(200);
    expect((await s.send('GET', '/api/organizations/members', { key: key('acme-member') })).status).toBe(403);
  });

  it("section 4, step 7: another organization's member is a 404 Member not found, never a 403", async () => {
    const answer = await s.send('PATCH', `/api/organizations/members/${GLOBEX_OWNER_MEMBER}`, { key: key('acme-owner'), body: { role: 'member' } });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: 'Member not found' });
  });

  it('section 4, step 6 before 7: a body of the wrong shape is a 400 even for a member that does not exist', async () => {
    const answer = await s.send('PATCH', '/api/organizations/members/no-such-member', { key: key('acme-owner'), body: { role: 5 } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: "Invalid request body: 'role' must be a string" });
  });

  it('TR5: a coordinator may not invite someone as admin (permissions it does not hold); as member it may', async () => {
    const escalated = await s.send('POST', '/api/organizations/invitations', {
      key: key('acme-coordinator'),
      body: { email: 'new@guests.example', role: 'admin' },
    });
    expect(escalated.body).toEqual({ error: 'You cannot grant permissions you do not hold', reason: 'permission_escalation' });
    expect(
      (await s.send('POST', '/api/organizations/invitations', { key: key('acme-coordinator'), body: { email: 'new@guests.example', role: 'member' } })).status,
    ).toBe(201);
  });

  it('TR6: a system role is read-only', async () => {
    expect((await s.send('PATCH', '/api/organizations/roles/role_admin', { key: key('acme-owner'), body: { description: 'x' } })).body).toEqual({
      error: 'System roles cannot be changed',
      reason: 'system_role',
    });
  });
});

describe('Tours & Events over HTTP: lists and limits', () => {
  it('TE2: members are paged; a limit above 100 is capped; a page past the end is empty; a bad page is a 400', async () => {
    const first = (await s.send('GET', '/api/organizations/members?limit=2', { key: key('acme-owner') })).body as {
      data: unknown[];
      total: number;
      page: number;
      limit: number;
      totalPages: number;
    };
    expect(first).toMatchObject({ page: 1, limit: 2, totalPages: Math.ceil(first.total / 2) });
    expect(first.data).toHaveLength(2);
    expect(((await s.send('GET', '/api/organizations/members?limit=500', { key: key('acme-owner') })).body as { limit: number }).limit).toBe(100);
    expect(((await s.send('GET', '/api/organizations/members?page=99', { key: key('acme-owner') })).body as { data: unknown[] }).data).toEqual([]);
    expect((await s.send('GET', '/api/organizations/members?page=0', { key: key('acme-owner') })).body).toEqual({
      error: 'Invalid query: page must be a positive integer',
    });
    expect((await s.send('GET', '/api/organizations/members?sortBy=role', { key: key('acme-owner') })).body).toEqual({
      error: 'Invalid query: sortBy must be one of createdAt, name, email',
    });
  });
});

describe('Tours & Events over HTTP: rate limits (TL1)', () => {
  let limited: ToursServer;
  beforeAll(async () => {
    limited = await startToursServer({ rateLimit: { limit: 3, windowSeconds: 60 } });
  });
  afterAll(() => limited.close());

  it('TL1: every authenticated answer carries the headers; over the limit a 429 with retryAfter; a new window on the mock clock', async () => {
    const ownerKey = (await limited.principal('acme-owner')).apiKey;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++)
      remaining.push(String((await limited.send('GET', '/api/organizations/me', { key: ownerKey })).headers['x-ratelimit-remaining']));
    expect(remaining).toEqual(['2', '1', '0']);
    const over = await limited.send('GET', '/api/organizations/me', { key: ownerKey });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ error: 'Rate limit exceeded' });
    expect((over.body as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
    expect(over.headers['x-ratelimit-limit']).toBe('3');
    await limited.send('POST', '/__mock/clock', { body: { advanceSeconds: 61 } });
    expect((await limited.send('GET', '/api/organizations/me', { key: ownerKey })).status).toBe(200);
  });

  it('TL1: --rate-limit off sends no headers', async () => {
    const off = await startToursServer({ rateLimit: null });
    try {
      const answer = await off.send('GET', '/api/organizations/me', { key: (await off.principal('acme-owner')).apiKey });
      expect(answer.status).toBe(200);
      expect(answer.headers['x-ratelimit-limit']).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});

describe('Tours & Events over HTTP: the browser and the control plane', () => {
  it('section 9: CORS echoes the origin with Allow-Credentials, so a browser app can send the session cookie', async () => {
    const answer = await s.send('GET', '/api/organizations/me', { session: session('acme-owner'), headers: { origin: 'https://app.example.com' } });
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(answer.headers['access-control-allow-credentials']).toBe('true');
  });

  it('section 9: /__mock/principals lists the ten named principals with live sessions and keys, the extra keys and the invitation', async () => {
    expect(listing.principals.map((p) => p.name)).toEqual([
      'acme-owner',
      'acme-admin',
      'acme-coordinator',
      'acme-member',
      'acme-guide-lead',
      'acme-suspended',
      'globex-owner',
      'globex-coordinator',
      'orgless',
      'superadmin',
    ]);
    expect(listing.invitation).toMatchObject({ email: expect.any(String), role: expect.any(String), token: expect.any(String) });
    const publicView = await s.send('GET', `/api/invitations/${listing.invitation.token}`);
    expect(publicView.status).toBe(200);
  });

  it('TI1: an invitation email, with its accept link, reaches the outbox only', async () => {
    const created = await s.send('POST', '/api/organizations/invitations', { key: key('acme-owner'), body: { email: 'guide@guests.example', role: 'member' } });
    expect(JSON.stringify(created.body)).not.toMatch(/token/i);
    const outbox = (await s.send('GET', '/__mock/outbox')).body as { emails: { to: string; acceptUrl: string; token: string }[] };
    const email = outbox.emails.find((e) => e.to === 'guide@guests.example')!;
    expect(email.acceptUrl).toBe(`/api/invitations/${email.token}`);
    expect((await s.send('GET', email.acceptUrl)).status).toBe(200);
  });
});

describe('Tours & Events over HTTP: cached reads stay true to the state', () => {
  it('TE2: a member list served from its cache changes as soon as a member does', async () => {
    const page = async (): Promise<{ data: { id: string; role: string }[] }> =>
      (await s.send('GET', '/api/organizations/members?limit=100&sortBy=name', { key: key('acme-owner') })).body as { data: { id: string; role: string }[] };
    const before = await page();
    expect(await page()).toEqual(before);
    const member = listing.principals.find((p) => p.name === 'acme-member')!;
    expect((await s.send('PATCH', `/api/organizations/members/${member.memberId}`, { key: key('acme-owner'), body: { role: 'coordinator' } })).status).toBe(
      200,
    );
    const after = await page();
    expect(after.data.find((m) => m.id === member.memberId)?.role).toBe('coordinator');
    expect(before.data.find((m) => m.id === member.memberId)?.role).toBe('member');
  });

  it('TO1: the organization served from its cache changes as soon as it is renamed', async () => {
    expect(((await s.send('GET', '/api/organizations/me', { key: key('acme-owner') })).body as { name: string }).name).toBe('Acme Tours');
    await s.send('PATCH', '/api/organizations/me', { key: key('acme-owner'), body: { name: 'Acme Travel' } });
    expect(((await s.send('GET', '/api/organizations/me', { key: key('acme-owner') })).body as { name: string }).name).toBe('Acme Travel');
  });
});

describe('Tours & Events over HTTP: the engine features every API gets', () => {
  it('section 8: Prefer answers a documented response of a Tours operation, for a valid credential only', async () => {
    const preferred = await s.send('GET', '/api/organizations/members', { key: key('acme-owner'), headers: { prefer: 'code=403' } });
    expect(preferred.status).toBe(403);
    expect(preferred.headers['preference-applied']).toBe('code=403');
    const refused = await s.send('GET', '/api/organizations/members', { key: 'tke_test_nope', headers: { prefer: 'code=200' } });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'Invalid API key' });
  });

  it('section 8: the state exports and imports whole; a change made after an export is gone after its import', async () => {
    const exported = (await s.send('GET', '/__mock/state')).body;
    await s.send('POST', '/api/organizations/invitations', { key: key('acme-owner'), body: { email: 'later@guests.example', role: 'member' } });
    const invitations = async (): Promise<number> =>
      ((await s.send('GET', '/api/organizations/invitations', { key: key('acme-owner') })).body as { total: number }).total;
    const withNew = await invitations();
    expect((await s.send('PUT', '/__mock/state', { body: exported })).status).toBe(200);
    expect(await invitations()).toBe(withNew - 1);
  });

  it("section 8: --error-rate answers an operation with its documented 500, in this API's error body", async () => {
    const failing = await startToursServer({ errorRate: 1 });
    try {
      const answer = await failing.send('GET', '/api/organizations/me', { key: (await failing.principal('acme-owner')).apiKey });
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({ error: 'Internal server error' });
    } finally {
      await failing.close();
    }
  });

  it('section 8: a --state-file keeps what was written across a restart', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tours-state-'));
    const stateFile = join(folder, 'state.json');
    try {
      const first = await startToursServer({ stateFile });
      const ownerKey = (await first.principal('acme-owner')).apiKey;
      expect((await first.send('PATCH', '/api/organizations/me', { key: ownerKey, body: { name: 'Acme Persisted' } })).status).toBe(200);
      await first.close();
      const second = await startToursServer({ stateFile });
      try {
        expect(((await second.send('GET', '/api/organizations/me', { key: ownerKey })).body as { name: string }).name).toBe('Acme Persisted');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('section 4 over HTTP: a PATCH naming no known field is the 400 of step 6, before the 404 of step 7', () => {
  it.each([
    ['/api/organizations/roles/no-such-role', 'acme-owner'],
    ['/api/organizations/members/no-such-member', 'acme-owner'],
    [`/api/organizations/members/${GLOBEX_OWNER_MEMBER}`, 'acme-owner'],
    ['/api/api-keys/no-such-key', 'acme-owner'],
    ['/api/organizations/no-such-organization', 'superadmin'],
  ])('PATCH %s as %s', async (path, name) => {
    const answer = await s.send('PATCH', path, { session: session(name), body: { unknown: 1 } });
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 400, body: { error: 'Invalid request body: no fields to update' } });
  });
});
