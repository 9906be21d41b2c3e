/**
 * Envelopes (TE1, TE3, TE4; W2): every answer of the run, whatever its status, is one the spec
 * documents for its operation, JSON in UTF-8, valid against the schema of that status (the bare
 * resource, `{success: true}`, the paged list, or the error `{error, reason?, retryAfter?}` with a
 * documented reason) and with its required headers, `X-Request-Id` first (kernel/sweeps.ts over
 * kernel/assertions/envelope.ts). Besides: `X-Request-Id` on every answer at all, stray routes and
 * CORS preflights included (TE3); every timestamp ISO 8601 in UTC (TE3); an unknown path is the
 * spec's RouteNotFound, a known path with another method its MethodNotAllowed (W2, TE4).
 *
 * When the matrix is not part of the run, every operation is called once here so that the sweep has
 * an answer of each to judge; where nothing may change (--read-only), each write is sent once with no
 * credential, a 401 that changes nothing.
 */
import type { OperationSpec } from '../../../../src/contract/index.js';
import { byRule, type Expected } from '../../../kernel/expected.js';
import { allowListsServed, bodyField, operationLabel, type Exchange } from '../../../kernel/http/exchange.js';
import { CaseScope, SkipCase } from '../../../kernel/recorder.js';
import { sweepEnvelopes as sweepEnvelopesOfRun, type EnvelopeSubject } from '../../../kernel/sweeps.js';
import type { Actor } from '../actors.js';
import type { CallArgs, ToursContext } from '../context.js';
import { trackCreated } from './records.js';

const GROUP = 'envelopes';

type Json = Record<string, unknown>;

/** The paged lists, whose schema is the list envelope of TE2 as well. */
const PAGED = new Set(['listMembers', 'listRoles', 'listInvitations', 'listOrganizations']);

/** A browser app's origin on another host, for the preflights (W4). */
export const OTHER_ORIGIN = 'https://app.conformance.example';

export async function runEnvelopes(ctx: ToursContext): Promise<void> {
  await sampleEveryOperation(ctx);
  await unknownPaths(ctx);
  await wrongMethods(ctx);
  await preflightRequestId(ctx);
}

export async function sweepEnvelopes(ctx: ToursContext): Promise<void> {
  const title = (subject: EnvelopeSubject): string => {
    if (subject.kind === 'route') {
      return subject.component === 'RouteNotFound'
        ? 'every unknown-path answer matches RouteNotFound (TE4, W2)'
        : 'every wrong-method answer matches MethodNotAllowed (W2)';
    }
    const cites = PAGED.has(subject.operationId) ? 'TE1, TE2, TE3' : 'TE1, TE3';
    return `every ${subject.operationId} answer has a documented status, its schema's JSON body and X-Request-Id (${cites})`;
  };
  await sweepEnvelopesOfRun(ctx, GROUP, { title, rules: { contentType: 'TE1', envelope: 'TE1' } });
  await requestIdEverywhere(ctx);
  await timestampsInUtc(ctx);
  await errorBodies(ctx);
}

// ---- stray routes --------------------------------------------------------------------------------

/** An actor that may be absent: the request is then sent with no credential. */
const orNone = (actor: Actor | undefined): Actor | null => actor ?? null;

async function unknownPaths(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'an unknown path is a 404 {error: "Not found"}, with or without a credential (TE4, W2)', { mutates: false }, async (scope) => {
    const expected = routeNotFound(ctx);
    const probes: [Actor | null, string, string][] = [
      [null, 'GET', `/conformance-${ctx.runId}-unknown`],
      [orNone(ctx.actor('acme-guide-lead')), 'GET', `/api/conformance-${ctx.runId}`],
      [orNone(ctx.actor('acme-owner', 'apiKey')), 'POST', `/api/organizations/members/conf-${ctx.runId}/unknown`],
    ];
    for (const [actor, method, path] of probes) ctx.expect(scope, await ctx.stray(scope, actor, 'RouteNotFound', { method, path }), expected);
  });
}

/** A known path with a method it does not serve: the path as sent, its template, and the method. */
function wrongMethodProbes(ctx: ToursContext): [string, string, string][] {
  const missing = `conf-${ctx.runId}-missing`;
  return [
    ['PUT', '/api/organizations/members', '/api/organizations/members'],
    ['DELETE', '/api/organizations/me', '/api/organizations/me'],
    ['GET', `/api/organizations/invitations/${missing}`, '/api/organizations/invitations/{id}'],
    ['POST', '/api/auth/get-session', '/api/auth/get-session'],
  ];
}

async function wrongMethods(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(
    GROUP,
    'a known path with another method is a 405 MethodNotAllowed whose Allow lists the served methods (W2)',
    { mutates: false },
    async (scope) => {
      const actor = ctx.actor('acme-owner', 'apiKey') ?? ctx.need(scope, 'acme-owner');
      const message = ctx.messages.component('MethodNotAllowed');
      for (const [method, path, template] of wrongMethodProbes(ctx)) {
        const expected = byRule('envelope', 'W2', `${template} does not serve ${method}`, 405, message);
        const exchange = await ctx.stray(scope, actor, 'MethodNotAllowed', { method, path });
        if (!ctx.expect(scope, exchange, expected)) continue;
        const served = ctx.spec.methodsByPath.get(template) ?? [];
        const { ok, header } = allowListsServed(exchange, served, method);
        if (ok) continue;
        scope.failOn(exchange, {
          type: 'header',
          kind: 'envelope',
          reason: 'W2: a 405 carries an Allow header listing the methods the path serves',
          header: 'Allow',
          expected: served.join(', '),
          received: header,
        });
      }
    },
  );
}

/** A CORS preflight, sent as a browser sends it: outside the operations (nothing of the spec's but W4 and TE3 applies). */
export async function preflight(ctx: ToursContext, scope: CaseScope, path: string, method: string): Promise<Exchange> {
  const exchange = await ctx.http.send(
    {
      method: 'OPTIONS',
      path,
      headers: { origin: OTHER_ORIGIN, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
    },
    { subject: { kind: 'internal' }, principal: 'browser preflight', caseId: scope.id },
  );
  return scope.attach(exchange);
}

async function preflightRequestId(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'a CORS preflight carries X-Request-Id too (TE3)', { mutates: false }, async (scope) => {
    for (const [path, method] of [
      ['/api/organizations/members', 'GET'],
      ['/api/api-keys', 'POST'],
    ] as const) {
      const exchange = await preflight(ctx, scope, path, method);
      if (!exchange.response) {
        scope.failOn(exchange, {
          type: 'transport',
          kind: 'robustness',
          reason: 'W3: no request drops the connection',
          expected: 'an answer',
          received: exchange.error ?? 'none',
        });
      } else if (!requestIdOf(exchange)) {
        scope.failOn(exchange, { ...requestIdFailure, received: null });
      }
    }
  });
}

// ---- the sweeps besides the schemas ----------------------------------------------------------------

const requestIdFailure = {
  type: 'header',
  kind: 'envelope',
  reason: 'TE3: every response carries X-Request-Id, stray routes and CORS preflights included',
  header: 'X-Request-Id',
  expected: 'present',
} as const;

function requestIdOf(exchange: Exchange): string | null {
  const value = exchange.response?.headers['x-request-id'];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

async function requestIdEverywhere(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(
    GROUP,
    'every answer of the run carries X-Request-Id, whatever the route, method or status (TE3)',
    { mutates: false },
    async (scope) => {
      const answered = ctx.http.exchanges.filter((e) => e.response !== null);
      if (answered.length === 0) scope.skip('no answer in this run');
      for (const exchange of answered) {
        if (requestIdOf(exchange)) continue;
        scope.attach(exchange);
        scope.failOn(exchange, { ...requestIdFailure, received: null });
      }
    },
  );
}

/** ISO 8601 in UTC, as the spec's Timestamp has it. */
const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Every `...At` field of a body, with its path: `data[2].createdAt`. */
function timestamps(body: unknown, at = ''): [string, unknown][] {
  const found: [string, unknown][] = [];
  if (Array.isArray(body)) body.forEach((item, i) => found.push(...timestamps(item, `${at}[${i}]`)));
  else if (typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body as Json)) {
      const path = at ? `${at}.${key}` : key;
      if (/At$/.test(key) && value !== null) found.push([path, value]);
      else found.push(...timestamps(value, path));
    }
  }
  return found;
}

function validInstant(value: string): boolean {
  if (!UTC.test(value)) return false;
  const parsed = new Date(value);
  // Date accepts 2026-02-30 as 2026-03-02: a real instant reads back the same date and time.
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === value.slice(0, 19);
}

async function timestampsInUtc(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'every timestamp of every answer is ISO 8601 in UTC (TE3)', { mutates: false }, async (scope) => {
    let seen = 0;
    for (const exchange of ctx.http.exchanges) {
      if (exchange.meta.subject.kind !== 'operation' || exchange.response?.json === undefined) continue;
      for (const [path, value] of timestamps(exchange.response.json)) {
        seen++;
        if (typeof value === 'string' && validInstant(value)) continue;
        scope.attach(exchange);
        scope.failOn(exchange, {
          type: 'state',
          kind: 'envelope',
          reason: 'TE3: timestamps are ISO 8601 in UTC',
          expected: `${path} like 2026-02-01T09:00:00.000Z`,
          received: `${path} ${JSON.stringify(value)}`,
        });
      }
    }
    if (seen === 0) scope.skip('no answer of this run carries a timestamp');
  });
}

/** TE1 on every error answer, its status documented or not: `{error, reason?, retryAfter?}` with a reason from the documented set. */
async function errorBodies(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'every error answer is {error, reason?, retryAfter?} with a documented reason (TE1)', { mutates: false }, async (scope) => {
    const validate = ctx.validators.schema('#/components/schemas/Error');
    const errors = ctx.http.exchanges.filter((e) => e.meta.subject.kind !== 'internal' && (e.response?.status ?? 0) >= 400);
    if (errors.length === 0) scope.skip('no error answer in this run');
    for (const exchange of errors) {
      const body = exchange.response?.json;
      if (body !== undefined && validate(body)) continue;
      scope.attach(exchange);
      scope.failOn(exchange, {
        type: 'schema',
        kind: 'envelope',
        reason: `TE1: an error of ${operationLabel(exchange)} is {error, reason?, retryAfter?}`,
        expected: 'Error',
        received: body === undefined ? `a body that is not JSON: ${(exchange.response?.text ?? '').slice(0, 80)}` : JSON.stringify(body).slice(0, 160),
      });
    }
  });
}

// ---- a response of every operation, when the matrix does not run --------------------------------

const sampled = new WeakSet<ToursContext>();

/** Who calls an operation for the sample: nobody on a public one, the Super Admin on the platform, else Acme's owner (by session where only a session passes). */
function sampleActor(ctx: ToursContext, op: OperationSpec): Actor | null | undefined {
  if (op.access.credentials.length === 0) return null;
  if (op.access.gate?.kind === 'platform') return ctx.actor('superadmin');
  if (op.operationId === 'signOut') return null; // served without a session (x-access.optional), nothing ended
  return op.access.credentials.includes('apiKey') ? ctx.actor('acme-owner', 'apiKey') : ctx.actor('acme-owner');
}

/** The call's arguments: ids no record has (the 404 after every check), bodies that change nothing that stays. */
function sampleArgs(ctx: ToursContext, op: OperationSpec, currentName: unknown): CallArgs {
  const params: Record<string, string> = {};
  for (const name of op.pathParams) params[name] = `conf-${ctx.runId}-missing`;
  const bodies: Readonly<Record<string, unknown>> = {
    updateCurrentOrganization: { name: typeof currentName === 'string' ? currentName : undefined },
    updateOrganizationById: { name: 'Unchanged' },
    updateMember: { status: 'active' },
    updateRole: { description: 'unchanged' },
    updateApiKey: { name: 'unchanged' },
    createRole: { name: ctx.fixtures.name('sample'), permissions: [] },
    createInvitation: { email: ctx.fixtures.email('sample'), role: 'member' },
    createApiKey: { name: ctx.fixtures.name('sample') },
    signInEmail: { email: ctx.fixtures.email('nobody'), password: 'Not-the-passw0rd' },
  };
  return op.operationId in bodies ? { params, json: bodies[op.operationId] } : { params };
}

/** Whether the sample call may write (skipped by --read-only): a write that names a record, or a create. */
function sampleWrites(op: OperationSpec): boolean {
  return op.method !== 'GET' && op.operationId !== 'signInEmail' && op.operationId !== 'signOut';
}

export async function sampleEveryOperation(ctx: ToursContext): Promise<void> {
  if (sampled.has(ctx)) return;
  sampled.add(ctx);
  const scope = new CaseScope(ctx.recorder, `${GROUP}: a call of every operation`, GROUP);
  const matrix = ctx.options.only.includes('matrix');
  let currentName: unknown;
  for (const op of ctx.spec.operations) {
    const writes = ctx.options.readOnly && sampleWrites(op);
    // The matrix calls every operation; where nothing may change, a write is sent with no credential, refused before anything (TA3).
    if (matrix && !writes) continue;
    const actor = writes ? (op.access.credentials.length > 0 && !op.access.optional ? null : undefined) : sampleActor(ctx, op);
    if (actor === undefined) continue;
    try {
      const exchange = await ctx.call(scope, actor, op.operationId, sampleArgs(ctx, op, currentName));
      if (op.operationId === 'getCurrentOrganization') currentName = bodyField(exchange, 'name');
      if (actor && exchange.response && exchange.response.status < 300) await trackCreated(ctx, op, actor, exchange);
    } catch (err) {
      if (!(err instanceof SkipCase)) throw err;
    }
  }
}

/** The answer to a path the API does not have: the spec's RouteNotFound (TE4, W2). */
function routeNotFound(ctx: ToursContext): Expected {
  return byRule('envelope', 'TE4', 'a route the API does not have is a 404 {error: "Not found"}', 404, ctx.messages.component('RouteNotFound'));
}
