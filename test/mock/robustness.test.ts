/**
 * The mock's share of W1 and W3, in-process: body problems come back in each endpoint's own
 * envelope, and no input, however odd, makes `handle` throw or answer an undocumented status
 * (the harness checks every answer against the spec).
 */
import { describe, expect, it } from 'vitest';
import type { OperationSpec } from '../../src/contract/index.js';
import type { MockApi } from '../../src/engine/api.js';
import { observedApi, StageCounts, trimBeforeTypeCheck } from '../fuzz/stages.js';
import { createHarness, fixturePrincipal, ORG_A, spec } from '../helpers/mock-harness.js';

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

  /**
   * Every operation, every odd body: a third of the calls with odd headers and params (refused before
   * the body), the rest as the owner with real path parameters, so that the body checks of every
   * operation with a body are reached (the pipeline's stage counts prove it). Returns what went wrong.
   */
  async function sweep(
    api: MockApi,
    tokens: Readonly<Record<'owner' | 'billing' | 'orgless', string>>,
  ): Promise<{ problems: string[]; validated: Map<string, number> }> {
    const counts = new StageCounts();
    const observed = observedApi(api, counts);
    const problems: string[] = [];
    const realParams = (op: OperationSpec): Record<string, string> =>
      Object.fromEntries(op.pathParams.map((p) => [p, p === 'orgId' ? ORG_A : fixturePrincipal('user').id]));
    for (const op of spec().operations) {
      for (const [i, body] of bodies.entries()) {
        const odd = i % 3 === 0;
        const param = params[i % params.length] as string;
        const authorization = odd ? headers[i % headers.length] : `Bearer ${callerOf(tokens, i)}`;
        const where = `${op.operationId} ${JSON.stringify(body)?.slice(0, 80)}`;
        try {
          const { response } = await observed.handle({
            operation: op,
            params: odd ? Object.fromEntries(op.pathParams.map((p) => [p, param])) : realParams(op),
            authorization,
            body,
          });
          if (response.status >= 500 || !op.responses.has(response.status)) problems.push(`${where}: ${response.status}`);
        } catch (error) {
          problems.push(`${where}: threw ${(error as Error).message}`);
        }
      }
    }
    const validated = new Map([...counts.byOperation].map(([id, row]) => [id, row.validation]));
    return { problems, validated };
  }
  /** The owner (who may reach every body), and now and then a caller refused before it. */
  const callerOf = (tokens: Readonly<Record<'owner' | 'billing' | 'orgless', string>>, i: number): string =>
    i % 9 === 4 ? tokens.billing : i % 9 === 8 ? tokens.orgless : tokens.owner;
  const loginAll = async (h: ReturnType<typeof createHarness>) => ({
    owner: await h.login('owner'),
    billing: await h.login('billing'),
    orgless: await h.login('orgless'),
  });

  it('W3: every operation, every odd body, param and header: a documented answer, never a throw, never a 5xx', async () => {
    const h = createHarness();
    const { problems, validated } = await sweep(h.api, await loginAll(h));
    expect(problems).toEqual([]);
    // The owner may reach every body: each operation with one had a third or more of its odd bodies judged by its validator.
    for (const op of withBody()) expect(validated.get(op.operationId) ?? 0, op.operationId).toBeGreaterThanOrEqual(bodies.length / 3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('W3: the sweep catches a body validator that trims a field before checking its type', async () => {
    const h = createHarness();
    const tokens = await loginAll(h);
    // Planted where the owner's odd bodies are checked: `.trim()` on createOrganizationUser's `lastName`
    // (the sweep sends it a number as the owner; before, that body went as a caller refused at the gate).
    const planted = observedApi(h.api, new StageCounts(), trimBeforeTypeCheck('createOrganizationUser', 'lastName'));
    const { problems } = await sweep(planted, tokens);
    expect(problems.some((p) => p.startsWith('createOrganizationUser') && /threw .*trim/.test(p))).toBe(true);
  });

  it('W3: a __proto__ key in a body neither pollutes prototypes nor grants a role', async () => {
    const h = createHarness();
    const body = JSON.parse('{"email": "proto@acme.test", "password": "Proto-Passw0rd", "firstName": "P", "lastName": "Q", "__proto__": {"orgRole": 255}}');
    const response = await h.call('createOrganizationUser', { token: await h.login('workspaces'), body });
    expect(response.status).toBe(201);
    expect(response.body.data.orgRole).toBe(0);
  });
});
