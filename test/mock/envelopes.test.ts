/** docs/decisions/flashback.md, section 4: envelopes (E1 to E3) and the envelope of every error status read from the spec. */
import { beforeEach, describe, expect, it } from 'vitest';
import { compileValidators, describeSchemaErrors } from '../../src/contract/index.js';
import { readErrorBodies } from '../../src/engine/error-bodies.js';
import { createHarness, fixturePrincipal, newUserBody, ORG_A, spec, type Harness, type HarnessResponse } from '../helpers/mock-harness.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Every key and string value in a JSON value, walked deeply. */
function walk(value: unknown, visit: (key: string | null, leaf: unknown) => void): void {
  if (Array.isArray(value)) value.forEach((item) => walk(item, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      visit(key, item);
      walk(item, visit);
    }
  } else visit(null, value);
}

describe('section 4: envelopes', () => {
  it('E1: no password, hash or token appears in any user or organization object', async () => {
    const owner = await h.loginBody('owner');
    const token = owner.accessToken as string;
    const created = await h.call('createOrganizationUser', { token, body: newUserBody({ password: 'Secret-Passw0rd' }) });
    const responses: HarnessResponse[] = [
      await h.call('listOrganizationUsers', { token }),
      await h.call('getOrganizationUser', { token, params: { userId: h.userId('user') } }),
      created,
      await h.call('updateOrganizationUser', { token, params: { userId: created.body.data.id }, body: { name: 'Renamed' } }),
      await h.call('getOrganization', { token, params: { orgId: ORG_A } }),
      await h.call('updateOrganization', { token, params: { orgId: ORG_A }, body: { city: 'Springfield' } }),
    ];
    const state = h.api.exportState() as { users: { passwordHash: string }[] };
    const secrets = new Set<string>([
      'Secret-Passw0rd',
      fixturePrincipal('owner').password,
      fixturePrincipal('user').password,
      owner.accessToken,
      owner.refreshToken,
      ...state.users.map((u) => u.passwordHash),
    ]);
    for (const response of responses) {
      walk(response.body, (key, leaf) => {
        if (key !== null) expect(key).not.toMatch(/password|hash|token|secret/i);
        if (typeof leaf === 'string') expect(secrets.has(leaf), `${leaf} leaked`).toBe(false);
      });
    }
  });

  it('E2: timestamps are ISO 8601 UTC with milliseconds (deletedAt, expiresAt)', async () => {
    const token = await h.login('owner');
    const deleted = await h.call('getOrganizationUser', { token, params: { userId: h.userId('deleted') } });
    expect(deleted.body.deletedAt).toMatch(TIMESTAMP);
    await h.call('deleteOrganizationUser', { token, params: { userId: h.userId('billing') } });
    const billing = await h.call('getOrganizationUser', { token, params: { userId: h.userId('billing') } });
    expect(billing.body.deletedAt).toMatch(TIMESTAMP);
    expect((await h.loginBody('user')).expiresAt).toMatch(TIMESTAMP);
  });

  it.each([
    ['listOrganizationUsers', {}, undefined, { success: false, data: [], total: 0 }],
    ['createOrganizationUser', {}, newUserBody(), { success: false, data: null, message: 'Insufficient permissions to create users' }],
    ['getOrganizationUser', { userId: 'x' }, undefined, { success: false, message: 'Insufficient permissions to view users' }],
    ['updateOrganizationUser', { userId: 'x' }, { name: 'X' }, { success: false, data: {}, message: 'Insufficient permissions to update users' }],
    ['deleteOrganizationUser', { userId: 'x' }, undefined, { success: false, message: 'Insufficient permissions to delete users' }],
    ['activateOrganizationUser', { userId: 'x' }, undefined, { success: false, message: 'Insufficient permissions to activate users' }],
    [
      'updateOrganization',
      { orgId: ORG_A },
      { name: 'X' },
      { success: false, data: null, message: 'Insufficient permissions: only OWNER and ADMINISTRATOR roles can modify organization' },
    ],
  ])('E3: the 403 of %s, in its own envelope', async (operationId, params, body, expected) => {
    const response = await h.call(operationId, { token: await h.login('billing'), params, body });
    expect(response.status).toBe(403);
    expect(response.body).toEqual(expected);
  });

  it("E3: the 404 messages are User not found and Organization not found, each in its endpoint's envelope", async () => {
    const token = await h.login('owner');
    const missing = { userId: 'missing' };
    expect((await h.call('getOrganizationUser', { token, params: missing })).body).toEqual({ success: false, message: 'User not found' });
    expect((await h.call('updateOrganizationUser', { token, params: missing, body: { name: 'X' } })).body).toEqual({
      success: false,
      data: {},
      message: 'User not found',
    });
    expect((await h.call('activateOrganizationUser', { token, params: missing })).body).toEqual({ success: false, message: 'User not found' });
    expect((await h.call('getOrganization', { token, params: { orgId: 'missing' } })).body).toEqual({
      success: false,
      data: null,
      message: 'Organization not found',
    });
  });

  it('E3: the envelope of every documented error status of every operation, built from the spec, matches its schema (500 Internal server error included)', () => {
    const errorAnswer = readErrorBodies(spec());
    const validators = compileValidators(spec());
    let checked = 0;
    for (const op of spec().operations) {
      for (const status of op.responses.keys()) {
        if (status < 400 || status === 401) continue;
        const validate = validators.response(op.operationId, status);
        if (!validate) continue;
        // Login and refresh 401s are handler-made (LoginError, RefreshError); every other error status is an envelope.
        const response = errorAnswer(op, status, 'Internal server error', null);
        expect(validate(response.body), `${op.operationId} ${status}: ${describeSchemaErrors(validate.errors)}`).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it("E3: every answer carries principal and mutated for the server's log and persistence", async () => {
    const token = await h.login('owner');
    const created = await h.call('createOrganizationUser', { token, body: newUserBody() });
    expect(created).toMatchObject({ principal: 'owner@acme.test', mutated: true });
    const listed = await h.call('listOrganizationUsers', { token });
    expect(listed).toMatchObject({ principal: 'owner@acme.test', mutated: false });
    const denied = await h.call('listOrganizationUsers', { token: await h.login('billing') });
    expect(denied).toMatchObject({ principal: 'billing@acme.test', mutated: false });
    const anonymous = await h.call('listOrganizationUsers', {});
    expect(anonymous).toMatchObject({ principal: '-', mutated: false });
  });
});
