/**
 * (6) Robustness: a body that is not JSON, a wrong content type, an oversized body, an unknown
 * route, a wrong method (W1, W2, section 3), a CORS preflight (W4), and, over the whole run, no 5xx
 * and no dropped connection (W3).
 */
import { sweepServerErrors as sweepKernelServerErrors } from '../../../kernel/sweeps.js';
import type { RunContext } from '../context.js';
import { because, byRule, expectedOutcome, type Because, type Expected } from '../expectations.js';
import { componentMessage, exampleMessage, OP } from '../operations.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import type { RequestSpec } from '../../../kernel/http/client.js';
import { allowListsServed, type Exchange } from '../../../kernel/http/exchange.js';
import type { Actor } from '../principals/actors.js';
import { expectThat } from './targets.js';

/** Just over the 1 MiB limit of W1. */
const OVERSIZED_BYTES = 1024 * 1024 + 4096;

export async function runRobustness(ctx: RunContext): Promise<void> {
  const run = (name: string, mutates: boolean, body: (scope: CaseScope) => Promise<void>): Promise<unknown> =>
    ctx.recorder.run('robustness', name, { mutates }, body);
  const invalidJson = (op: string): Expected =>
    status(400, exampleMessage(ctx.spec, OP.createUser, 400, 'invalidJson'), 'W1', `a body that is not JSON is a 400 in the error envelope of ${op}`);
  const broken: RequestSpec['raw'] = { body: '{"email": "conf-', contentType: 'application/json', summary: '{"email": "conf-  (cut short: not JSON)' };

  await run('a body that is not JSON is a 400 "Invalid JSON body" (W1)', false, async (scope) => {
    const owner = ctx.need(scope, 'owner');
    const home = ctx.homeOrgId ?? scope.skip("the members' organization id is unknown");
    // The user id names no one: the body is checked before the target (section 3), and nothing can be written.
    const missing = `conf-${ctx.runId}-missing`;
    for (const [operationId, params] of [
      [OP.createUser, {}],
      [OP.updateOrganization, { orgId: home }],
      [OP.updateUser, { userId: missing }],
    ] as const) {
      ctx.expect(scope, await ctx.call(scope, owner, operationId, { params, raw: broken }), invalidJson(operationId));
    }
    ctx.expect(scope, await ctx.call(scope, null, OP.login, { raw: broken }), {
      ...invalidJson(OP.login),
      message: componentMessage(ctx.spec, 'AuthBadRequest'),
    });
  });

  await run('authentication and role come before the body (section 3)', false, async (scope) => {
    const billing = ctx.need(scope, 'billing');
    for (const actor of [billing, ctx.pseudo[0]].filter((a): a is Actor => a !== undefined)) {
      const expected = expectedOutcome(ctx.spec, ctx.op(OP.createUser), actor, {});
      if (expected.status === null) continue;
      const exchange = await ctx.call(scope, actor, OP.createUser, { raw: broken });
      ctx.expect(scope, exchange, { ...expected, kind: 'robustness', reason: `section 3: ${expected.reason}, whatever the body` });
    }
  });

  await run('another content type is a 415 (W1)', true, async (scope) => {
    const owner = ctx.need(scope, 'owner');
    const body = JSON.stringify(ctx.fixtures.createBody('text-plain'));
    const exchange = await ctx.call(scope, owner, OP.createUser, {
      raw: { body, contentType: 'text/plain', summary: `${body.replace(/"password":"[^"]*"/, '"password":"***"')} (as text/plain)` },
    });
    ctx.expect(scope, exchange, status(415, componentMessage(ctx.spec, 'NullDataUnsupportedMediaType'), 'W1', 'a body that is not application/json is a 415'));
  });

  await run('a body over 1 MiB is a 413 (W1)', true, async (scope) => {
    const owner = ctx.need(scope, 'owner');
    const padded = JSON.stringify({ ...ctx.fixtures.createBody('oversized'), padding: 'x'.repeat(OVERSIZED_BYTES) });
    const exchange = await ctx.call(scope, owner, OP.createUser, {
      raw: { body: padded, contentType: 'application/json', summary: `a valid create body padded to ${padded.length} bytes` },
    });
    ctx.expect(scope, exchange, status(413, componentMessage(ctx.spec, 'NullDataPayloadTooLarge'), 'W1', 'a body over 1 MiB is a 413'));
  });

  await run('an unknown path is a 404 "Not found" (W2)', false, async (scope) => {
    const message = componentMessage(ctx.spec, 'RouteNotFound');
    const expected = status(404, message, 'W2', 'an unknown path is a 404 {success: false, message: "Not found"}');
    ctx.expect(scope, await ctx.stray(scope, null, 'RouteNotFound', { method: 'GET', path: `/conformance-${ctx.runId}-unknown` }), expected);
    const owner = ctx.actor('owner') ?? null;
    ctx.expect(scope, await ctx.stray(scope, owner, 'RouteNotFound', { method: 'GET', path: `/organization/users/conf-${ctx.runId}/unknown` }), expected);
  });

  await run('a known path with another method is a 405 with Allow (W2)', false, async (scope) => {
    const owner = ctx.need(scope, 'owner');
    const home = ctx.homeOrgId ?? scope.skip("the members' organization id is unknown");
    const probes: [string, string, string][] = [
      ['PATCH', '/organization/users', '/organization/users'],
      ['PATCH', `/organization/${encodeURIComponent(home)}`, '/organization/{orgId}'],
      ['GET', `/organization/users/conf-${ctx.runId}/activate`, '/organization/users/{userId}/activate'],
    ];
    for (const [method, path, template] of probes) {
      const exchange = await ctx.stray(scope, owner, 'MethodNotAllowed', { method, path });
      if (!ctx.expect(scope, exchange, status(405, componentMessage(ctx.spec, 'MethodNotAllowed'), 'W2', `${template} does not serve ${method}`))) continue;
      checkAllow(scope, exchange, ctx.spec.methodsByPath.get(template) ?? [], method);
    }
  });

  await run('a CORS preflight is a 204 allowing the origin, Authorization and Content-Type (W4)', false, (scope) => corsPreflight(ctx, scope));
}

/** An origin no deployment is likely to list: by default (W4) every origin is allowed. */
const ORIGIN = 'https://conformance.example';

/**
 * W4: a browser's preflight for an authenticated JSON write is a 204 that allows the origin, the
 * method and the Authorization and Content-Type headers, and the answer itself names the origin.
 * The allowed origins are configurable: a target that does not allow this one is skipped, not failed.
 */
async function corsPreflight(ctx: RunContext, scope: CaseScope): Promise<void> {
  const create = ctx.op(OP.createUser);
  const w4 = (says: string): Because => because('robustness', 'W4', says);
  const preflight = await ctx.internal(scope, {
    method: 'OPTIONS',
    path: create.path,
    headers: { origin: ORIGIN, 'access-control-request-method': create.method, 'access-control-request-headers': 'authorization, content-type' },
  });
  const res = preflight.response;
  const received = res ? `status ${res.status}` : `no response (${preflight.error ?? 'connection failed'})`;
  if (!expectThat(scope, preflight, res?.status === 204, { ...w4('a preflight is answered with a 204'), expected: 'status 204', received })) return;
  const allowOrigin = res?.headers['access-control-allow-origin'];
  if (allowOrigin === undefined) return scope.skip(`the target does not allow the origin ${ORIGIN} (W4: the allowed origins are configurable)`);
  const allowed = (header: string): Set<string> =>
    new Set(
      (res?.headers[header] ?? '')
        .split(',')
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean),
    );
  expectThat(scope, preflight, allowOrigin === '*' || allowOrigin === ORIGIN, {
    ...w4('the preflight allows the origin'),
    expected: `Access-Control-Allow-Origin: * or ${ORIGIN}`,
    received: `Access-Control-Allow-Origin: ${allowOrigin}`,
  });
  // `*` does not cover Authorization (Fetch standard): it must be named.
  const headers = allowed('access-control-allow-headers');
  expectThat(scope, preflight, headers.has('authorization') && (headers.has('content-type') || headers.has('*')), {
    ...w4('Authorization and Content-Type are allowed request headers'),
    expected: 'Access-Control-Allow-Headers naming Authorization and Content-Type',
    received: `Access-Control-Allow-Headers: ${res?.headers['access-control-allow-headers'] ?? '(none)'}`,
  });
  const methods = allowed('access-control-allow-methods');
  expectThat(scope, preflight, methods.has(create.method.toLowerCase()) || methods.has('*'), {
    ...w4(`the preflight allows the method asked for`),
    expected: `Access-Control-Allow-Methods with ${create.method}`,
    received: `Access-Control-Allow-Methods: ${res?.headers['access-control-allow-methods'] ?? '(none)'}`,
  });
  const actual = await ctx.call(scope, ctx.actor('owner') ?? null, OP.listUsers, { headers: { origin: ORIGIN } });
  const named = actual.response?.headers['access-control-allow-origin'];
  expectThat(scope, actual, named === '*' || named === ORIGIN, {
    ...w4('an answer to an allowed origin names it'),
    expected: `Access-Control-Allow-Origin: * or ${ORIGIN}`,
    received: named === undefined ? 'no Access-Control-Allow-Origin' : `Access-Control-Allow-Origin: ${named}`,
  });
}

function status(code: number, message: string, rule: string, says: string): Expected {
  return byRule('robustness', rule, says, code, message);
}

/** W2: `Allow` lists the methods the path serves (and not the one that was refused). */
function checkAllow(scope: CaseScope, exchange: Exchange, served: readonly string[], sent: string): void {
  const { ok, header } = allowListsServed(exchange, served, sent);
  expectThat(scope, exchange, ok, {
    ...because('robustness', 'W2', 'a 405 carries an Allow header listing the methods the path serves'),
    expected: `Allow: ${served.join(', ')}`,
    received: header === null ? 'no Allow header' : `Allow: ${header}`,
  });
}

/** W3 over the whole run, as every profile sweeps it (kernel/sweeps.ts). */
export async function sweepServerErrors(ctx: RunContext): Promise<void> {
  await sweepKernelServerErrors(ctx, 'robustness', 'no 5xx and no dropped connection anywhere in the run (W3)');
}
