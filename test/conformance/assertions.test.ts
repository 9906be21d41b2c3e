/**
 * The pure assertions, one row that must be flagged and one that must not for each: envelopes
 * (schema, content type, headers, undocumented status, lenient messages), secrets and outcomes.
 */
import { describe, expect, it } from 'vitest';
import { checkEnvelope } from '../../conformance/kernel/assertions/envelope.js';
import { checkOutcome } from '../../conformance/kernel/assertions/outcome.js';
import { findSecrets, redact, SecretBook } from '../../conformance/kernel/assertions/secrets.js';
import type { Expected } from '../../conformance/profiles/flashback/expectations.js';
import type { Exchange, ExchangeSubject } from '../../conformance/kernel/http/exchange.js';
import { compileValidators, loadSpec } from '../../src/contract/index.js';

const spec = loadSpec();
const validators = compileValidators(spec);
const JSON_TYPE = 'application/json; charset=utf-8';

const user = {
  id: 'u1',
  email: 'jane@example.com',
  name: 'Jane',
  lastName: 'Doe',
  orgId: 'o1',
  orgRole: 2,
  validated: true,
  deletedAt: null,
  orgRoleDescription: 'WORKSPACES',
  orgRoles: [0, 1, 2],
};

function exchange(subject: ExchangeSubject | string, status: number, body: unknown, headers: Record<string, string> = {}): Exchange {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const allHeaders = { 'content-type': JSON_TYPE, ...headers };
  return {
    id: 1,
    meta: { subject: typeof subject === 'string' ? { kind: 'operation', operationId: subject } : subject, principal: 'owner', caseId: 'c' },
    request: { method: 'GET', path: '/x', authorization: null, contentType: null, bodySummary: null },
    response: { status, headers: allHeaders, contentType: allHeaders['content-type'] ?? null, text, json, jsonError: json === undefined ? 'not JSON' : null },
    error: null,
    durationMs: 1,
  };
}

const strict = { spec, validators, lenientMessages: false };
const lenient = { ...strict, lenientMessages: true };
const unauthorized = { success: false, error_code: 'NO_AUTH_USER', message: 'Authentication required' };

describe('checkEnvelope', () => {
  const rows: [string, Exchange, typeof strict, string | null][] = [
    ['a valid list passes', exchange('listOrganizationUsers', 200, { success: true, data: [user], total: 1 }), strict, null],
    ['a list without total is flagged', exchange('listOrganizationUsers', 200, { success: true, data: [user] }), strict, 'schema'],
    ['the bare single user passes', exchange('getOrganizationUser', 200, user), strict, null],
    ['the single user in an envelope is flagged', exchange('getOrganizationUser', 200, { success: true, data: user }), strict, 'schema'],
    ['a password in a user is flagged', exchange('getOrganizationUser', 200, { ...user, password: 'x' }), strict, 'schema'],
    ['a 401 with WWW-Authenticate passes', exchange('listOrganizationUsers', 401, unauthorized, { 'www-authenticate': 'Bearer' }), strict, null],
    ['a 401 without WWW-Authenticate is flagged', exchange('listOrganizationUsers', 401, unauthorized), strict, 'header'],
    ['an undocumented status is flagged', exchange('createOrganizationUser', 422, { success: false, data: null, message: 'x' }), strict, 'undocumented-status'],
    ['another content type is flagged', exchange('getOrganizationUser', 200, user, { 'content-type': 'text/plain' }), strict, 'content-type'],
    ['a body that is not JSON is flagged', exchange('getOrganizationUser', 200, 'oops'), strict, 'schema'],
    ['an unknown route answer passes', exchange({ kind: 'route', component: 'RouteNotFound' }, 404, { success: false, message: 'Not found' }), strict, null],
    [
      'a 405 without Allow is flagged',
      exchange({ kind: 'route', component: 'MethodNotAllowed' }, 405, { success: false, message: 'Method not allowed' }),
      strict,
      'header',
    ],
    // Only the message differs: a message failure (the recorder files it under `message` when the spec documents it nowhere).
    ['another message pinned by the schema is flagged', exchange('deleteOrganizationUser', 200, { success: true, message: 'Deleted' }), strict, 'message'],
    ['... and with another departure too, a schema failure', exchange('deleteOrganizationUser', 200, { success: 'yes', message: 'Deleted' }), strict, 'schema'],
    ['... and passes with lenient messages', exchange('deleteOrganizationUser', 200, { success: true, message: 'Deleted' }), lenient, null],
    ['an empty pinned message fails even lenient', exchange('deleteOrganizationUser', 200, { success: true, message: '' }), lenient, 'schema'],
  ];
  it.each(rows)('%s', (_name, ex, ctx, type) => {
    const failures = checkEnvelope(ex, ctx);
    if (type === null) expect(failures).toEqual([]);
    else expect(failures.map((f) => f.type)).toContain(type);
    for (const f of failures) expect(f.kind).toBe('envelope');
  });
});

describe('findSecrets', () => {
  const book = new SecretBook();
  book.add('Owner-Passw0rd', "owner's password");
  book.add('eyJhbGciOiJIUzI1NiJ9.e30.sig', "owner's token");
  const rows: [string, unknown, string[]][] = [
    ['a clean user', user, []],
    ['a key named password', { ...user, password: 'whatever' }, ['password']],
    ['a key named passwordHash inside a list', { success: true, data: [user, { ...user, passwordHash: 'x' }] }, ['data[1].passwordHash']],
    ['a known token as a value', { ...user, lastName: 'eyJhbGciOiJIUzI1NiJ9.e30.sig' }, ['lastName']],
    ['a bcrypt-shaped value', { ...user, name: '$2b$10$abcdefghijklmnopqrstuv' }, ['name']],
    ['a salted-SHA-256-shaped value', { ...user, lastName: 'sha256$c2FsdA$0123456789abcdef' }, ['lastName']],
    ['a dollar in an ordinary value', { ...user, lastName: 'Cash$Money' }, []],
  ];
  it.each(rows)('%s', (_name, value, locations) => {
    expect(findSecrets(value, book).map((f) => f.location)).toEqual(locations);
  });

  it('redacts known secrets from report text', () => {
    expect(redact('{"accessToken":"eyJhbGciOiJIUzI1NiJ9.e30.sig"}', book)).toBe(`{"accessToken":"<owner's token>"}`);
  });
});

describe('checkOutcome', () => {
  const forbidden: Expected = { status: 403, message: 'Insufficient permissions to view users', kind: 'role', rule: 'x', reason: 'BILLING may not view users' };
  const ex = (status: number, message?: string): Exchange => exchange('getOrganizationUser', status, { success: false, message });
  const rows: [string, Exchange, boolean, string[]][] = [
    ['the expected status and message pass', ex(403, 'Insufficient permissions to view users'), false, []],
    ["another status is a status failure of the rule's kind", ex(200, 'x'), false, ['status']],
    ['another message is a message failure', ex(403, 'Forbidden'), false, ['message']],
    ['another message passes with lenient messages', ex(403, 'Forbidden'), true, []],
    ['no message fails even lenient', ex(403), true, ['message']],
  ];
  it.each(rows)('%s', (_name, exchangeRow, lenientMessages, types) => {
    const failures = checkOutcome(exchangeRow, forbidden, { lenientMessages });
    expect(failures.map((f) => f.type)).toEqual(types);
    for (const f of failures) expect(f.kind).toBe('role');
  });

  const allowed: Expected = { status: 200, message: null, kind: 'role', rule: 'x-access.gate', reason: 'OWNER may view users' };
  const filed: [string, Expected, Exchange, string][] = [
    ['a 500 where a 403 was due is robustness, not a wrong role', forbidden, ex(500, 'Internal server error'), 'robustness'],
    ['a 503 where a success was due is robustness', allowed, ex(503), 'robustness'],
    ['a 401 where a success was due is auth, not a wrong role', allowed, ex(401, 'Authentication required'), 'auth'],
    ['a 403 where a success was due is a wrong role', allowed, ex(403, 'Insufficient permissions to view users'), 'role'],
    ['a 403 where a business rule expected success is a wrong role too', { ...allowed, kind: 'business' }, ex(403), 'role'],
    ['a 400 where a success was due is a business rule applied wrongly', allowed, ex(400, 'Cannot change your own role'), 'business'],
    ['a 404 where a success was due is a business failure', allowed, ex(404, 'User not found'), 'business'],
    ['a 201 where a 200 was due is an envelope failure (it succeeded, under another status)', allowed, ex(201), 'envelope'],
    ['a 401 where a 403 was due stays a wrong role', forbidden, ex(401, 'Authentication required'), 'role'],
    ['a 401 where a business 400 was due stays a business failure', { ...forbidden, status: 400, kind: 'business' }, ex(401), 'business'],
  ];
  it.each(filed)('%s', (_name, expected, exchangeRow, kind) => {
    const failures = checkOutcome(exchangeRow, expected, { lenientMessages: false });
    expect(failures).toMatchObject([{ type: 'status', kind, expected: expected.status, received: exchangeRow.response?.status }]);
    if (kind === 'robustness') expect(failures[0]?.reason).toMatch(/^W3: .*; /);
  });

  it('a dropped connection is a robustness failure', () => {
    const dropped: Exchange = { ...ex(403), response: null, error: 'connection reset before a response' };
    expect(checkOutcome(dropped, forbidden, { lenientMessages: false })).toMatchObject([{ type: 'transport', kind: 'robustness' }]);
  });
});
