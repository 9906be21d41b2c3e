/**
 * Robustness: the whole-server rules W1–W4 of docs/decisions/flashback.md as section 9 of
 * docs/decisions/tours.md applies them to this API, and step 6 of its order of checks (section 4).
 * A body that is not JSON, not an object, with a field of the wrong type or a required field
 * missing is a 400 in `{error}` with the spec's message (TE4's `Invalid request body: <what>`); a
 * PATCH with no known field is a 400 too, before the target is looked up; a body over 1 MiB is a 413
 * and one that is not JSON a 415 (W1); all of them after the credential, membership and gate
 * (section 4). Unknown fields and query parameters are ignored (TE3). CORS lets a browser app of
 * another origin send its session cookie (W4). And over the whole run: no 5xx, no dropped connection
 * (W3).
 *
 * The bodies go to ids no record has wherever the operation names one: step 6 comes before the
 * target's 404 (step 7), so a target that keeps the order answers the 400, and one that does not
 * changes nothing.
 */
import { resolvePointer, type OperationSpec } from '../../../../src/contract/index.js';
import { byRule, type Expected } from '../../../kernel/expected.js';
import type { FailureKind } from '../../../kernel/failure.js';
import type { RequestSpec } from '../../../kernel/http/client.js';
import { bodyField, bodyMessage, type Exchange } from '../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { sweepServerErrors } from '../../../kernel/sweeps.js';
import type { Actor, CredentialKind } from '../actors.js';
import type { CallArgs, ToursContext } from '../context.js';
import { answer } from '../fixtures.js';
import { OTHER_ORIGIN, preflight } from './envelopes.js';
import { trackCreated } from './records.js';

const GROUP = 'robustness';

type Json = Record<string, unknown>;

/** Just over the 1 MiB limit of W1. */
const OVERSIZED_BYTES = 1024 * 1024 + 4096;

export async function runRobustness(ctx: ToursContext): Promise<void> {
  await notJson(ctx);
  await notAnObject(ctx);
  await wrongType(ctx);
  await missingField(ctx);
  await noKnownField(ctx);
  await noKnownFieldBeforeTarget(ctx);
  await oversized(ctx);
  await wrongContentType(ctx);
  await accessBeforeBody(ctx);
  await unknownFieldsIgnored(ctx);
  await cors(ctx);
  await oddRequests(ctx);
}

export async function sweepRobustness(ctx: ToursContext): Promise<void> {
  await sweepServerErrors(ctx, GROUP, 'no 5xx and no dropped connection anywhere in the run (W3)');
}

// ---- who sends, and what ---------------------------------------------------------------------------

/**
 * The principals that send the bodies, in turn (so that no credential nears its rate limit): for an
 * organization operation Acme's admin and owner, for a session-only one any signed-in member, for the
 * platform the Super Admin; nobody on a public one.
 */
const SENDERS: Readonly<Record<'organization' | 'session' | 'platform', readonly (readonly [string, CredentialKind])[]>> = {
  organization: [
    ['globex-owner', 'apiKey'],
    ['acme-admin', 'apiKey'],
    ['acme-owner', 'apiKey'],
  ],
  session: [
    ['orgless', 'session'],
    ['acme-guide-lead', 'session'],
    ['acme-member', 'session'],
  ],
  platform: [['superadmin', 'session']],
};

let turn = 0;

/** A sender that passes the operation's credential, membership and gate (section 4, steps 1–5); null for a public operation. */
function sender(ctx: ToursContext, scope: CaseScope, op: OperationSpec): Actor | null {
  if (op.access.credentials.length === 0) return null;
  const pool = op.access.gate?.kind === 'platform' ? SENDERS.platform : op.access.credentials.includes('apiKey') ? SENDERS.organization : SENDERS.session;
  for (let i = 0; i < pool.length; i++) {
    const [name, kind] = pool[(turn + i) % pool.length] as readonly [string, CredentialKind];
    const actor = ctx.actor(name, kind);
    if (!actor) continue;
    const expected = ctx.expected(op.operationId, actor, op.access.target ? { target: 'missing' } : {});
    if (expected.status === null || expected.status === 401 || expected.status === 403) continue;
    turn++;
    return actor;
  }
  return scope.skip(`needs a principal that passes ${op.operationId}'s credential and gate: ${pool.map(([n, k]) => `${n} (${k})`).join(', ')}`);
}

/** An id no record has, for every path parameter: the body is judged before the target (section 4). */
function missingParams(ctx: ToursContext, op: OperationSpec): Record<string, string> {
  return Object.fromEntries(op.pathParams.map((name) => [name, `conf-${ctx.runId}-missing`]));
}

/** The operations that take a body. */
function withBody(ctx: ToursContext): OperationSpec[] {
  return ctx.spec.operations.filter((op) => op.requestBody !== null);
}

/** A body the operation takes, to spoil one field of: creates make records named for the run. */
function validBody(ctx: ToursContext, op: OperationSpec): Json {
  switch (op.operationId) {
    case 'createRole':
      return { name: ctx.fixtures.name('robustness'), permissions: [] };
    case 'createInvitation':
      return { email: ctx.fixtures.email('robustness'), role: 'member' };
    case 'createApiKey':
      return { name: ctx.fixtures.name('robustness') };
    case 'signInEmail':
      return { email: ctx.fixtures.email('nobody'), password: 'Not-the-passw0rd' };
    case 'updateMember':
      return { status: 'active' };
    case 'updateRole':
      return { description: 'unchanged' };
    default:
      return { name: 'Unchanged' };
  }
}

/** The first property of the request schema with a declared type of string (a text field to send a number in). */
function textField(ctx: ToursContext, op: OperationSpec): string | null {
  const schema = follow(ctx, resolve(ctx, op.requestBody?.schemaPointer ?? ''));
  const props = (schema.properties ?? {}) as Json;
  for (const [name, raw] of Object.entries(props)) {
    const field = flatten(ctx, raw);
    if (field.type === 'string') return name;
  }
  return null;
}

function requiredFields(ctx: ToursContext, op: OperationSpec): string[] {
  const schema = follow(ctx, resolve(ctx, op.requestBody?.schemaPointer ?? ''));
  return Array.isArray(schema.required) ? (schema.required as string[]) : [];
}

function resolve(ctx: ToursContext, pointer: string): unknown {
  return resolvePointer(ctx.spec.document, pointer);
}

function follow(ctx: ToursContext, node: unknown): Json {
  let current = (node ?? {}) as Json;
  while (typeof current.$ref === 'string') current = (resolve(ctx, current.$ref) ?? {}) as Json;
  return current;
}

/** A property schema with its `$ref` and `allOf` parts merged. */
function flatten(ctx: ToursContext, node: unknown): Json {
  const schema = follow(ctx, node);
  const parts = Array.isArray(schema.allOf) ? schema.allOf.map((part) => flatten(ctx, part)) : [];
  return Object.assign({}, ...parts, schema) as Json;
}

// ---- the expected 400s -------------------------------------------------------------------------------

/** What a 400 must say: the example's exact text, or, where the spec documents none for this operation, TE4's prefix. */
interface BodyMessage {
  readonly exact: string | null;
  readonly prefix: string;
}

/** TE4's `Invalid request body: ` prefix, read from the spec's shared example of a body that is not JSON. */
function prefixOf(ctx: ToursContext): string {
  const invalid = ctx.messages.shared('InvalidJson');
  return invalid.slice(0, invalid.indexOf(':') + 1);
}

/** The example `name` of the operation's 400, its quoted field swapped for `field` (`'name' is required` → `'role' is required`). */
function bodyMessageFor(ctx: ToursContext, op: OperationSpec, name: string, field?: string): BodyMessage {
  const prefix = prefixOf(ctx);
  if (!op.responses.get(400)?.examples.has(name)) return { exact: null, prefix };
  const text = ctx.messages.example(op.operationId, 400, name);
  return { exact: field === undefined ? text : text.replace(/'[^']+'/, `'${field}'`), prefix };
}

function expectBodyMessage(ctx: ToursContext, scope: CaseScope, exchange: Exchange, message: BodyMessage, rule: string, says: string): void {
  const expected = byRule('robustness', rule, says, 400, message.exact);
  if (!ctx.expect(scope, exchange, expected) || message.exact !== null || ctx.options.lenientMessages) return;
  const received = bodyMessage(exchange);
  if (received?.startsWith(message.prefix)) return;
  scope.failOn(exchange, { type: 'message', kind: 'robustness', reason: `${rule}: ${says}`, expected: `${message.prefix} <what>`, received });
}

/** Tracks a record a wrong answer made after all (a create the target should have refused). */
async function keepTrack(ctx: ToursContext, op: OperationSpec, actor: Actor | null, exchange: Exchange): Promise<void> {
  if (actor && exchange.response && exchange.response.status < 300) await trackCreated(ctx, op, actor, exchange);
}

async function sendBody(ctx: ToursContext, scope: CaseScope, op: OperationSpec, args: CallArgs, actor = sender(ctx, scope, op)): Promise<Exchange> {
  const exchange = await ctx.call(scope, actor, op.operationId, { params: missingParams(ctx, op), ...args });
  await keepTrack(ctx, op, actor, exchange);
  return exchange;
}

const raw = (body: string, summary: string, contentType: string | null = 'application/json'): RequestSpec['raw'] => ({ body, contentType, summary });

// ---- the cases -------------------------------------------------------------------------------------

async function notJson(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(
    GROUP,
    'a body that is not JSON is a 400 "Invalid request body: not valid JSON" on every operation with a body (W1, TE4)',
    { mutates: false },
    async (scope) => {
      const broken = raw('{"name": "conf-', '{"name": "conf-  (cut short: not JSON)');
      for (const op of withBody(ctx)) {
        const exchange = await sendBody(ctx, scope, op, { raw: broken });
        expectBodyMessage(
          ctx,
          scope,
          exchange,
          bodyMessageFor(ctx, op, 'invalidJson'),
          'W1',
          `a body that is not JSON is a 400 in {error}, before ${op.operationId} looks at anything else`,
        );
      }
    },
  );
}

/** JSON values that are not an object, one per operation in turn. */
const NOT_OBJECTS: readonly string[] = ['[1, 2]', '"conformance"', 'null', '42', 'true'];

async function notAnObject(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'a JSON body that is not an object is a 400 (TE4, section 4)', { mutates: true }, async (scope) => {
    let i = 0;
    for (const op of withBody(ctx)) {
      const value = NOT_OBJECTS[i++ % NOT_OBJECTS.length] as string;
      const exchange = await sendBody(ctx, scope, op, { raw: raw(value, value) });
      expectBodyMessage(ctx, scope, exchange, bodyMessageFor(ctx, op, 'notAnObject'), 'TE4', `the body of ${op.operationId} is a JSON object`);
    }
  });
}

async function wrongType(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'a field of the wrong type is a 400 that names it (TE4, section 4)', { mutates: true }, async (scope) => {
    for (const op of withBody(ctx)) {
      const field = textField(ctx, op);
      if (!field) continue;
      const exchange = await sendBody(ctx, scope, op, { json: { ...validBody(ctx, op), [field]: 42 } });
      expectBodyMessage(
        ctx,
        scope,
        exchange,
        bodyMessageFor(ctx, op, 'wrongType', field),
        'TE4',
        `${field} of ${op.operationId} is a string; a number is a malformed body`,
      );
    }
  });
}

async function missingField(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'a body without a required field is a 400 that names it (TE4, section 4)', { mutates: true }, async (scope) => {
    for (const op of withBody(ctx)) {
      const field = requiredFields(ctx, op).at(-1);
      if (!field) continue;
      const { [field]: _dropped, ...body } = validBody(ctx, op);
      const documented = op.responses.get(400)?.examples;
      // Each operation documents its own example: `missingField`, or sign-in's `missingPassword`.
      const example = [...(documented?.keys() ?? [])].find((name) => /^missing/.test(name)) ?? 'missingField';
      const exchange = await sendBody(ctx, scope, op, { json: body });
      expectBodyMessage(ctx, scope, exchange, bodyMessageFor(ctx, op, example, field), 'TE4', `${op.operationId} requires ${field}`);
    }
  });
}

const UNKNOWN_ONLY = { conformanceUnknown: 'ignored' } as const;

/** A record of the caller's own that a PATCH may name: the record is there, so only the body decides. */
async function ownRecord(ctx: ToursContext, scope: CaseScope, op: OperationSpec, actor: Actor): Promise<Record<string, string>> {
  const first = (exchange: Exchange, pick: (item: Json) => boolean): string => {
    const data = bodyField(exchange, 'data');
    const found = Array.isArray(data) ? (data as Json[]).find(pick) : undefined;
    return typeof found?.id === 'string' ? found.id : scope.skip(`found no record for ${op.operationId} to name: ${answer(exchange)}`);
  };
  switch (op.operationId) {
    case 'updateOrganizationById':
      return { id: ctx.orgId('acme') ?? scope.skip("Acme's id is unknown") };
    case 'updateMember': {
      const self = actor.principal?.userId;
      return { memberId: first(await ctx.call(scope, actor, 'listMembers', { query: '?limit=100' }), (m) => m.userId !== self && m.role !== 'owner') };
    }
    case 'updateRole':
      return { id: first(await ctx.call(scope, actor, 'listRoles', { query: '?limit=100' }), (r) => r.scope !== 'system') };
    case 'updateApiKey':
      return { id: first(await ctx.call(scope, actor, 'listApiKeys'), () => true) };
    default:
      return {};
  }
}

/** Every PATCH of the spec. */
function patches(ctx: ToursContext): OperationSpec[] {
  return ctx.spec.operations.filter((op) => op.method === 'PATCH');
}

async function noKnownField(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(
    GROUP,
    'a PATCH body with no known field is the 400 "no fields to update", on every PATCH (TO1, section 4)',
    { mutates: true },
    async (scope) => {
      for (const op of patches(ctx)) {
        const actor = sender(ctx, scope, op);
        if (!actor) continue;
        const params = await ownRecord(ctx, scope, op, actor);
        const exchange = await ctx.call(scope, actor, op.operationId, { params, json: UNKNOWN_ONLY });
        expectBodyMessage(
          ctx,
          scope,
          exchange,
          bodyMessageFor(ctx, op, 'noFields'),
          'TO1',
          `a body of ${op.operationId} with none of its fields is a malformed request`,
        );
      }
    },
  );
}

async function noKnownFieldBeforeTarget(ctx: ToursContext): Promise<void> {
  const title = 'a PATCH body with no known field is the 400 before the target is looked up: an id that names nothing gets it too (section 4)';
  await ctx.recorder.run(GROUP, title, { mutates: false }, async (scope) => {
    for (const op of patches(ctx).filter((p) => p.access.target)) {
      const exchange = await sendBody(ctx, scope, op, { json: UNKNOWN_ONLY });
      expectBodyMessage(
        ctx,
        scope,
        exchange,
        bodyMessageFor(ctx, op, 'noFields'),
        'section 4',
        `step 6 (a malformed body) comes before step 7 (the target's 404) on ${op.operationId}`,
      );
    }
  });
}

/** The operations the size and content-type checks send to: a write that names a record (no record has the id) and the public sign-in. */
function w1Targets(ctx: ToursContext): OperationSpec[] {
  return ['updateMember', 'signInEmail'].map((id) => ctx.op(id));
}

function w1Expected(ctx: ToursContext, op: OperationSpec, status: 413 | 415, says: string): Expected {
  const example = [...(op.responses.get(status)?.examples.keys() ?? [])][0];
  const message =
    example === undefined ? ctx.messages.shared(status === 413 ? 'TooLarge' : 'Unsupported') : ctx.messages.example(op.operationId, status, example);
  return byRule('robustness', 'W1', says, status, message);
}

async function oversized(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'a body over 1 MiB is a 413 (W1)', { mutates: false }, async (scope) => {
    for (const op of w1Targets(ctx)) {
      const padded = JSON.stringify({ ...validBody(ctx, op), padding: 'x'.repeat(OVERSIZED_BYTES) });
      const exchange = await sendBody(ctx, scope, op, { raw: raw(padded, `a valid ${op.operationId} body padded to ${padded.length} bytes`) });
      ctx.expect(scope, exchange, w1Expected(ctx, op, 413, `a body over 1 MiB to ${op.operationId} is a 413`));
    }
  });
}

async function wrongContentType(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'a body sent as another content type, or none, is a 415 (W1)', { mutates: false }, async (scope) => {
    for (const op of w1Targets(ctx)) {
      const body = JSON.stringify(validBody(ctx, op));
      for (const type of ['text/plain', null]) {
        const summary = `${body.replace(/"password":"[^"]*"/, '"password":"***"')} (${type === null ? 'no Content-Type' : `as ${type}`})`;
        const exchange = await sendBody(ctx, scope, op, { raw: raw(body, summary, type) });
        ctx.expect(scope, exchange, w1Expected(ctx, op, 415, `a body of ${op.operationId} ${type === null ? 'with no content type' : `as ${type}`} is a 415`));
      }
    }
  });
}

async function accessBeforeBody(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'the credential, the membership and the gate come before the body (section 4)', { mutates: false }, async (scope) => {
    const op = ctx.op('updateMember');
    const broken = raw('{"status": ', '{"status":   (cut short: not JSON)');
    const callers: (Actor | undefined)[] = [ctx.pseudo[0], ctx.actor('acme-member', 'apiKey'), ctx.actor('orgless'), ctx.actor('acme-suspended')];
    let sent = 0;
    for (const actor of callers) {
      if (!actor) continue;
      const expected = ctx.expected(op.operationId, actor, { target: 'missing' });
      if (expected.status === null || expected.status < 400 || expected.status === 404) continue;
      sent++;
      const exchange = await ctx.call(scope, actor, op.operationId, { params: missingParams(ctx, op), raw: broken });
      ctx.expect(scope, exchange, { ...expected, kind: 'robustness', reason: `section 4: ${expected.reason}, whatever the body` });
    }
    if (sent === 0) scope.skip('needs a principal the credential, membership or gate step refuses');
  });
}

async function unknownFieldsIgnored(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'unknown fields of a body and unknown query parameters are ignored (TE3)', { mutates: true }, async (scope) => {
    const admin = ctx.actor('globex-owner', 'apiKey') ?? ctx.need(scope, 'acme-admin', 'apiKey');
    const ignored = (says: string): Expected => byRule('robustness', 'TE3', `${says}: unknown fields are ignored`, 200);
    // The organization's own name written back, beside a field no schema has.
    const current = await ctx.call(scope, admin, 'getCurrentOrganization');
    const name = bodyField(current, 'name');
    if (typeof name !== 'string') scope.skip(`could not read the organization's name: ${answer(current)}`);
    const patched = await ctx.call(scope, admin, 'updateCurrentOrganization', { json: { name, conformanceUnknown: 'ignored' } });
    if (ctx.expect(scope, patched, ignored('PATCH /me with its name and a field it does not know'))) notEchoed(scope, patched);
    const keeper = ctx.actor('orgless') ?? ctx.need(scope, 'acme-admin');
    const created = await ctx.call(scope, keeper, 'createApiKey', { json: { name: ctx.fixtures.name('unknown-field'), conformanceUnknown: 'ignored' } });
    await keepTrack(ctx, ctx.op('createApiKey'), keeper, created);
    if (ctx.expect(scope, created, { ...ignored('a new key with a field it does not know'), status: 201 })) notEchoed(scope, created);
    // A query parameter an operation does not have; the roles are not sorted, so their sortBy is one.
    for (const [operationId, query] of [
      ['listMembers', '?conformanceUnknown=1'],
      ['listRoles', '?sortBy=unknown&sortDir=sideways'],
    ] as const) {
      ctx.expect(scope, await ctx.call(scope, admin, operationId, { query }), ignored(`${operationId}${query}`));
    }
  });
}

function notEchoed(scope: CaseScope, exchange: Exchange): void {
  if (bodyField(exchange, 'conformanceUnknown') === undefined) return;
  scope.failOn(exchange, {
    type: 'state',
    kind: 'robustness',
    reason: 'TE3: an unknown field of a request is ignored, not stored',
    expected: 'no conformanceUnknown in the answer',
    received: 'conformanceUnknown echoed back',
  });
}

/** W4 on a preflight and on a request from another origin: that origin allowed, with credentials (never `*`). */
async function cors(ctx: ToursContext): Promise<void> {
  const fail = (scope: CaseScope, exchange: Exchange, header: string, expected: string): void => {
    scope.failOn(exchange, {
      type: 'header',
      kind: 'robustness',
      reason: "W4: a browser app of another origin may call the API with its session cookie (section 9): its origin allowed, with credentials, never '*'",
      header,
      expected,
      received: exchange.response?.headers[header.toLowerCase()] ?? null,
    });
  };
  const allowsOrigin = (scope: CaseScope, exchange: Exchange): void => {
    const headers = exchange.response?.headers ?? {};
    if (headers['access-control-allow-origin'] !== OTHER_ORIGIN) fail(scope, exchange, 'Access-Control-Allow-Origin', OTHER_ORIGIN);
    if (headers['access-control-allow-credentials']?.toLowerCase() !== 'true') fail(scope, exchange, 'Access-Control-Allow-Credentials', 'true');
  };
  await ctx.recorder.run(
    GROUP,
    'a CORS preflight from another origin is a 204 allowing it, with credentials, Authorization and Content-Type (W4)',
    { mutates: false },
    async (scope) => {
      const exchange = await preflight(ctx, scope, '/api/organizations/members', 'GET');
      const status = exchange.response?.status ?? null;
      if (status !== 204) {
        scope.failOn(exchange, {
          type: 'state',
          kind: 'robustness',
          reason: 'W4: a preflight is answered with a 204',
          expected: '204',
          received: String(status ?? exchange.error),
        });
        return;
      }
      allowsOrigin(scope, exchange);
      const allowed = (exchange.response?.headers['access-control-allow-headers'] ?? '').toLowerCase();
      for (const header of ['authorization', 'content-type']) {
        if (allowed !== '*' && !allowed.split(',').some((h) => h.trim() === header))
          fail(scope, exchange, 'Access-Control-Allow-Headers', `a list with ${header}`);
      }
    },
  );
  await ctx.recorder.run(
    GROUP,
    "an answer to a request from another origin allows that origin with credentials, not '*' (W4)",
    { mutates: false },
    async (scope) => {
      const member = ctx.need(scope, 'acme-member');
      const { exchange, ok } = await ctx.callExpecting(scope, member, 'getCurrentOrganization', { headers: { origin: OTHER_ORIGIN } });
      if (ok) allowsOrigin(scope, exchange);
    },
  );
}

/** Requests no client should send, each answered below 500 (W3). */
async function oddRequests(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, 'odd requests are answered, never with a 5xx or a dropped connection (W3)', { mutates: false }, async (scope) => {
    const depth = 5000;
    const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const probes: [string, CallArgs][] = [
      ['updateMember', { raw: raw(nested, `an object nested ${depth} deep`) }],
      ['updateMember', { json: JSON.parse('{"__proto__": {"role": "owner"}, "constructor": {"prototype": {"status": "active"}}}') as unknown }],
      ['listMembers', { query: '?page=99999999999999999999999&limit=1e3' }],
      ['listMembers', { query: '?page=%00&limit=%ff&sortBy[]=name' }],
      ['updateRole', { params: { id: 'x'.repeat(600) }, json: { description: 'unchanged' } }],
      ['updateRole', { params: { id: '../../me' }, json: { description: 'unchanged' } }],
    ];
    for (const [operationId, args] of probes) {
      const op = ctx.op(operationId);
      const exchange = await sendBody(ctx, scope, op, args);
      const status = exchange.response?.status;
      if (status !== undefined && status < 500) continue;
      const kind: FailureKind = 'robustness';
      scope.failOn(exchange, {
        type: exchange.response ? 'state' : 'transport',
        kind,
        reason: 'W3: however odd a request, it is answered, never with a 5xx',
        expected: 'a status below 500',
        received: exchange.response ? `${status} ${exchange.response.text.slice(0, 120)}` : (exchange.error ?? 'no response'),
      });
    }
  });
}
