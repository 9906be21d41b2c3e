/**
 * The mock's share of W1 and W3, in-process: body problems come back in each endpoint's own
 * envelope, and no input, however odd, makes `handle` throw or answer an undocumented status
 * (the harness checks every answer against the spec).
 */
import { describe, expect, it } from 'vitest';
import { createHarness, ORG_A, spec } from '../helpers/mock-harness.js';

const withBody = () => spec().operations.filter((op) => op.requestBody);

describe("W1 (in-process): body problems in the endpoint's own envelope", () => {
  it('W1: every operation with a body answers 413, 415 and 400 Invalid JSON body, documented and in its envelope', async () => {
    const h = createHarness();
    const owner = await h.login('owner');
    const cases = [
      ['too-large', 413, 'Request body too large'],
      ['unsupported-media-type', 415, 'Unsupported content type: send application/json'],
      ['invalid-json', 400, 'Invalid JSON body'],
    ] as const;
    for (const op of withBody()) {
      const params = Object.fromEntries(op.pathParams.map((p) => [p, p === 'orgId' ? ORG_A : h.userId('user')]));
      for (const [bodyProblem, status, message] of cases) {
        const response = await h.call(op.operationId, { token: owner, params, bodyProblem });
        expect(response.status, `${op.operationId} ${bodyProblem}`).toBe(status);
        expect(response.body.message, `${op.operationId} ${bodyProblem}`).toBe(message);
      }
    }
  });

  it('W1: an operation without a request body ignores a body and its problems', async () => {
    const h = createHarness();
    const response = await h.call('getOrganizationUser', {
      token: await h.login('owner'),
      params: { userId: h.userId('user') },
      body: { junk: true },
      bodyProblem: 'invalid-json',
    });
    expect(response.status).toBe(200);
  });
});

describe('W3 (in-process): odd input never throws and is always a documented answer', () => {
  const bodies: unknown[] = [
    undefined,
    null,
    0,
    -1,
    'text',
    true,
    [],
    [{}],
    {},
    { orgRole: {} },
    { orgRole: [2] },
    { email: {}, password: [], firstName: null, lastName: 1 },
    { name: 'x'.repeat(100_000) },
    { email: 'a@b.c'.repeat(100), password: 'P'.repeat(10_000) },
    JSON.parse('{"__proto__": {"orgRole": 255, "polluted": true}, "name": "Proto"}'),
    { constructor: { prototype: { polluted: true } } },
    { refreshToken: 123, refresh_token: {} },
    { refreshToken: '.'.repeat(50) },
    { a: { b: { c: { d: { e: { f: [1, 2, 3] } } } } } },
  ];
  const params = ['', ' ', '../../etc/passwd', '%00', 'x'.repeat(5000), '123e4567-e89b-12d3-a456-426614174000', '__proto__', 'constructor'];
  const headers = ['', 'Bearer', 'Bearer ', 'bearer a.b.c', 'Bearer ' + 'a'.repeat(10_000), 'Token x', 'Bearer a.b.c.d', 'Bearer ..', 'Bearer eyJ.eyJ.sig'];

  it('W3: every operation, every odd body, param and header: a documented answer, never a throw, never a 5xx', async () => {
    const h = createHarness();
    const tokens = [await h.login('owner'), await h.login('billing'), await h.login('orgless')];
    let calls = 0;
    for (const op of spec().operations) {
      for (const [i, body] of bodies.entries()) {
        const param = params[i % params.length] as string;
        const authorization = i % 3 === 0 ? headers[i % headers.length] : `Bearer ${tokens[i % tokens.length]}`;
        const response = await h.call(op.operationId, { params: Object.fromEntries(op.pathParams.map((p) => [p, param])), body, authorization });
        expect(response.status, `${op.operationId} ${JSON.stringify(body)?.slice(0, 80)}`).toBeLessThan(500);
        calls += 1;
      }
    }
    expect(calls).toBe(spec().operations.length * bodies.length);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('W3: a __proto__ key in a body neither pollutes prototypes nor grants a role', async () => {
    const h = createHarness();
    const body = JSON.parse('{"email": "proto@acme.test", "password": "Proto-Passw0rd", "firstName": "P", "lastName": "Q", "__proto__": {"orgRole": 255}}');
    const response = await h.call('createOrganizationUser', { token: await h.login('workspaces'), body });
    expect(response.status).toBe(201);
    expect(response.body.data.orgRole).toBe(0);
  });
});
