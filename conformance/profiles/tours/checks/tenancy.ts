/**
 * Tenancy (docs/decisions/tours.md, section 4, step 7; TE4; TA6): a principal of Acme who passes an
 * operation's gate, aiming at a record of Globex by its real id, gets the 404 of a record that does
 * not exist, never a 403: the same body as for an id that names nothing, and nothing of Globex in it.
 * A write so aimed changes nothing: Globex's owner reads the record back afterwards (and puts it back
 * if it did change). Another user's API key is a 404 too (TA6). The lists hold the caller's
 * organization's records only, and the platform routes, which are not tenant-scoped, read any
 * organization (TO2).
 *
 * The Globex records aimed at: a member who is not its owner (a status change, put back if let
 * through), its owner's membership for a removal (the last owner, which even a target that lets the
 * call through should refuse to remove), an organization role of its own (a description, put back),
 * a role no member holds and a pending invitation, each made for the run when Globex has none.
 */
import type { Expected } from '../../../kernel/expected.js';
import { bodyMessage, type Exchange } from '../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import type { Actor, CredentialKind } from '../actors.js';
import type { CallArgs, ToursContext } from '../context.js';
import { answer } from '../fixtures.js';
import { trackCreated } from './records.js';

const GROUP = 'tenancy';

type Json = Record<string, unknown>;

/** What the run knows of Globex, read by its owner: the ids a check aims at and every string that would give Globex away. */
interface GlobexView {
  readonly orgId: string | null;
  readonly members: Json[];
  /** Globex's own roles (scope organization); the system roles are every organization's. */
  readonly roles: Json[];
  readonly invitations: Json[];
  /** Ids, names and emails of Globex's records: none may appear in an answer to Acme. */
  readonly strings: Set<string>;
}

/** One kind of Globex record, the operations that name it, and how a write is read back. */
interface Aim {
  readonly operationId: string;
  /** `Globex's member`, for case names. */
  readonly what: string;
  /** The rules the case cites. */
  readonly cites: string;
  /** The Acme callers that pass the operation's gate, by principal and credential. */
  readonly callers: readonly (readonly [string, CredentialKind])[];
  /** The record aimed at, found or made; skips the case when there is none. */
  target(ctx: ToursContext, scope: CaseScope, globex: GlobexView): Promise<Json>;
  readonly body?: (target: Json) => unknown;
  /** After a write: what of the record changed (null: nothing), putting it back where it can. */
  readonly unchanged?: (ctx: ToursContext, scope: CaseScope, before: Json) => Promise<string | null>;
}

/** Acme's callers, by API key: the suite's other groups already spend the sessions of these principals most. */
const OWNER_AND_ADMIN: readonly (readonly [string, CredentialKind])[] = [
  ['acme-admin', 'apiKey'],
  ['acme-owner', 'apiKey'],
];

export async function runTenancy(ctx: ToursContext): Promise<void> {
  for (const aim of aims()) {
    for (const [name, kind] of aim.callers) await aimAt(ctx, aim, name, kind);
  }
  await anotherUsersKey(ctx);
  for (const operationId of ['updateApiKey', 'deleteApiKey'] as const) await anotherUsersKeyWrite(ctx, operationId);
  await listsStayHome(ctx);
  await platformSeesAll(ctx);
}

// ---- Globex's records ------------------------------------------------------------------------------

const views = new WeakMap<ToursContext, GlobexView>();

/** Globex's owner, who reads (and makes, and puts back) Globex's records: by key where the run has it, since the other groups spend its session. */
function globexReader(ctx: ToursContext, scope: CaseScope): Actor {
  return ctx.actor('globex-owner', 'apiKey') ?? ctx.need(scope, 'globex-owner');
}

function itemsOf(exchange: Exchange): Json[] {
  const data = (exchange.response?.json as Json | undefined)?.data;
  return Array.isArray(data) ? data.filter((d): d is Json => typeof d === 'object' && d !== null) : [];
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length >= 4 ? value : null);

/** Reads Globex's organization, members, roles and invitations once per run (refreshed after the run adds to them). */
async function globexView(ctx: ToursContext, scope: CaseScope, refresh = false): Promise<GlobexView> {
  const known = views.get(ctx);
  if (known && !refresh) return known;
  const reader = globexReader(ctx, scope);
  const read = async (operationId: string, query = ''): Promise<Exchange> => {
    const exchange = await ctx.call(scope, reader, operationId, { query });
    if (exchange.response?.status !== 200) scope.skip(`globex-owner could not read Globex (${operationId}): ${answer(exchange)}`);
    return exchange;
  };
  const org = (await read('getCurrentOrganization')).response?.json as Json;
  const members = itemsOf(await read('listMembers', '?limit=100'));
  const systemIds = new Set(ctx.model.roles.kind === 'system' ? ctx.model.roles.system.map((r) => r.id) : []);
  const systemNames = new Set(ctx.model.roles.kind === 'system' ? ctx.model.roles.system.map((r) => r.name) : []);
  const roles = itemsOf(await read('listRoles', '?limit=100')).filter((r) => r.scope === 'organization' && !systemIds.has(String(r.id)));
  const invitations = itemsOf(await read('listInvitations', '?limit=100'));
  const strings = new Set<string>();
  const add = (value: unknown): void => {
    const s = text(value);
    if (s) strings.add(s);
  };
  for (const key of ['id', 'name', 'slug'] as const) add(org[key]);
  for (const m of members) {
    const user = (m.user ?? {}) as Json;
    for (const value of [m.id, m.userId, user.id, user.email, user.name]) add(value);
  }
  for (const r of roles) {
    add(r.id);
    if (!systemNames.has(String(r.name))) add(r.name);
  }
  for (const i of invitations) for (const value of [i.id, i.email]) add(value);
  const view: GlobexView = { orgId: typeof org.id === 'string' ? org.id : ctx.orgId('globex'), members, roles, invitations, strings };
  views.set(ctx, view);
  return view;
}

/** A record Globex's owner makes for the run (tracked, removed at the end); the view is read again. */
async function makeInGlobex(ctx: ToursContext, scope: CaseScope, operationId: string, json: unknown): Promise<GlobexView> {
  const maker = globexReader(ctx, scope);
  const exchange = await ctx.call(scope, maker, operationId, { json });
  if (exchange.response?.status !== 201) scope.skip(`globex-owner could not make a record for the check (${operationId}): ${answer(exchange)}`);
  await trackCreated(ctx, ctx.op(operationId), maker, exchange);
  return globexView(ctx, scope, true);
}

function byId(list: readonly Json[], id: unknown): Json | undefined {
  return list.find((item) => item.id === id);
}

/** Globex's member to change: the coordinator principal's membership, else any member that is not an owner. */
function globexMember(ctx: ToursContext, scope: CaseScope, globex: GlobexView): Json {
  const known = ctx.principal('globex-coordinator')?.memberId;
  return (
    (known ? byId(globex.members, known) : undefined) ??
    globex.members.find((m) => m.role !== 'owner' && m.status === 'active') ??
    scope.skip('Globex has no member besides its owners to aim a change at')
  );
}

/** Globex's owner's own membership: the last owner, so that even a target that lets the removal through should refuse it. */
function globexOwnerMember(ctx: ToursContext, scope: CaseScope, globex: GlobexView): Json {
  const known = ctx.principal('globex-owner')?.memberId;
  return (known ? byId(globex.members, known) : undefined) ?? globex.members.find((m) => m.role === 'owner') ?? scope.skip('Globex lists no owner');
}

async function globexRole(ctx: ToursContext, scope: CaseScope, globex: GlobexView, unheld: boolean): Promise<Json> {
  const held = new Set(globex.members.map((m) => m.role));
  const found = globex.roles.find((r) => !unheld || !held.has(r.name));
  if (found) return found;
  const made = await makeInGlobex(ctx, scope, 'createRole', { name: ctx.fixtures.name('tenancy'), description: 'conformance tenancy', permissions: [] });
  return made.roles.find((r) => !held.has(r.name)) ?? scope.skip('the role made in Globex is not in its list');
}

async function globexInvitation(ctx: ToursContext, scope: CaseScope, globex: GlobexView): Promise<Json> {
  const pending = globex.invitations.find((i) => i.status === 'pending');
  if (pending) return pending;
  const made = await makeInGlobex(ctx, scope, 'createInvitation', { email: ctx.fixtures.email('tenancy'), role: 'member' });
  return made.invitations.find((i) => i.status === 'pending') ?? scope.skip('the invitation made in Globex is not pending in its list');
}

/** The record as Globex's owner reads it now, from the list of `operationId`. */
async function readBack(ctx: ToursContext, scope: CaseScope, operationId: string, id: unknown): Promise<Json | null> {
  const exchange = await ctx.call(scope, globexReader(ctx, scope), operationId, { query: '?limit=100' });
  if (exchange.response?.status !== 200) scope.skip(`globex-owner could not read Globex back (${operationId}): ${answer(exchange)}`);
  return byId(itemsOf(exchange), id) ?? null;
}

/** The fields of `before` that differ in `after`, `status active → suspended`; `gone` when the record is no more. */
function changes(before: Json, after: Json | null, fields: readonly string[]): string | null {
  if (!after) return 'the record is gone';
  const changed = fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  return changed.length === 0 ? null : changed.map((f) => `${f} ${JSON.stringify(before[f])} → ${JSON.stringify(after[f])}`).join(', ');
}

/** Puts back what a write let through changed, as Globex's owner; the note says whether it could. */
async function putBack(ctx: ToursContext, scope: CaseScope, operationId: string, id: string, json: Json): Promise<string> {
  const owner = globexReader(ctx, scope);
  const param = ctx.op(operationId).pathParams[0] as string;
  const exchange = await ctx.call(scope, owner, operationId, { params: { [param]: id }, json });
  return exchange.response?.status === 200 ? 'put back by globex-owner' : `could not be put back: ${answer(exchange)}`;
}

function aims(): Aim[] {
  const member: Pick<Aim, 'what' | 'cites' | 'callers'> = { what: "Globex's member", cites: 'TM1, TE4', callers: OWNER_AND_ADMIN };
  const role: Pick<Aim, 'what' | 'cites' | 'callers'> = { what: "Globex's role", cites: 'TE4, section 4', callers: OWNER_AND_ADMIN };
  const invitation: Pick<Aim, 'what' | 'cites' | 'callers'> = {
    what: "Globex's invitation",
    cites: 'TE4, section 4',
    callers: [...OWNER_AND_ADMIN, ['acme-coordinator', 'apiKey']],
  };
  const memberFields = ['role', 'status'];
  const roleFields = ['name', 'description', 'permissions'];
  const invitationFields = ['status', 'expiresAt', 'role', 'email'];
  return [
    {
      ...member,
      operationId: 'updateMember',
      target: async (ctx, scope, globex) => globexMember(ctx, scope, globex),
      body: (target) => ({ status: target.status === 'suspended' ? 'active' : 'suspended' }),
      unchanged: async (ctx, scope, before) => {
        const changed = changes(before, await readBack(ctx, scope, 'listMembers', before.id), memberFields);
        if (changed === null || changed === 'the record is gone') return changed;
        return `${changed} (${await putBack(ctx, scope, 'updateMember', String(before.id), { role: before.role, status: before.status })})`;
      },
    },
    {
      ...member,
      operationId: 'removeMember',
      target: async (ctx, scope, globex) => globexOwnerMember(ctx, scope, globex),
      unchanged: async (ctx, scope, before) => changes(before, await readBack(ctx, scope, 'listMembers', before.id), memberFields),
    },
    {
      ...role,
      operationId: 'updateRole',
      target: async (ctx, scope, globex) => globexRole(ctx, scope, globex, false),
      body: () => ({ description: 'changed by another organization' }),
      unchanged: async (ctx, scope, before) => {
        const changed = changes(before, await readBack(ctx, scope, 'listRoles', before.id), roleFields);
        if (changed === null || changed === 'the record is gone') return changed;
        return `${changed} (${await putBack(ctx, scope, 'updateRole', String(before.id), { name: before.name, description: before.description, permissions: before.permissions })})`;
      },
    },
    {
      ...role,
      operationId: 'deleteRole',
      target: async (ctx, scope, globex) => globexRole(ctx, scope, globex, true),
      unchanged: async (ctx, scope, before) => changes(before, await readBack(ctx, scope, 'listRoles', before.id), roleFields),
    },
    {
      ...invitation,
      operationId: 'resendInvitation',
      target: async (ctx, scope, globex) => globexInvitation(ctx, scope, globex),
      unchanged: async (ctx, scope, before) => changes(before, await readBack(ctx, scope, 'listInvitations', before.id), invitationFields),
    },
    {
      ...invitation,
      operationId: 'revokeInvitation',
      target: async (ctx, scope, globex) => globexInvitation(ctx, scope, globex),
      unchanged: async (ctx, scope, before) => changes(before, await readBack(ctx, scope, 'listInvitations', before.id), invitationFields),
    },
  ];
}

// ---- the 404 and its body ------------------------------------------------------------------------

/** An id no record has. */
function missingId(ctx: ToursContext): string {
  return `conf-${ctx.runId}-missing`;
}

function credentialWord(kind: CredentialKind): string {
  return kind === 'session' ? 'session' : 'API key';
}

/** The expectation for a caller aiming at a record that is there (but another's) or at none; skips a caller the gate stops. */
function expectedFor(ctx: ToursContext, scope: CaseScope, operationId: string, actor: Actor, target: 'foreign' | 'missing'): Expected {
  const expected = ctx.expected(operationId, actor, { target });
  if (expected.status === null) return scope.skip(expected.why);
  if (expected.status !== 404) return scope.skip(`${actor.name} does not pass the gate of ${operationId} (${expected.reason})`);
  return expected;
}

/** Sends the call at another's record and at a missing one; compares the two 404s and looks for the other's data. */
async function foreignAndMissing(
  ctx: ToursContext,
  scope: CaseScope,
  actor: Actor,
  operationId: string,
  target: string,
  args: CallArgs,
  strings: ReadonlySet<string>,
): Promise<Exchange> {
  const param = ctx.op(operationId).pathParams[0] as string;
  const expected = expectedFor(ctx, scope, operationId, actor, 'foreign');
  const none = expectedFor(ctx, scope, operationId, actor, 'missing');
  const foreign = await ctx.call(scope, actor, operationId, { ...args, params: { [param]: target } });
  ctx.expect(scope, foreign, expected);
  const missing = await ctx.call(scope, actor, operationId, { ...args, params: { [param]: missingId(ctx) } });
  ctx.expect(scope, missing, none);
  sameAsMissing(scope, foreign, missing, expected.rule);
  leaksNothing(scope, foreign, strings, expected.rule);
  return foreign;
}

function shapeOf(exchange: Exchange): string {
  const body = exchange.response?.json;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return JSON.stringify(body ?? null);
  const record = body as Json;
  return JSON.stringify({ keys: Object.keys(record).sort(), error: bodyMessage(exchange), reason: record.reason ?? null });
}

/** The 404 for another's record is the 404 for no record: the same keys, message and reason. */
function sameAsMissing(scope: CaseScope, foreign: Exchange, missing: Exchange, rule: string): void {
  if (foreign.response?.status !== 404 || missing.response?.status !== 404) return;
  if (shapeOf(foreign) === shapeOf(missing)) return;
  scope.failOn(foreign, {
    type: 'state',
    kind: 'tenant',
    reason: `${rule}: a record of another organization (or user) is answered exactly as one that does not exist, so that its existence does not show`,
    expected: `the body of the 404 for an unknown id, ${missing.response.text.slice(0, 160)}`,
    received: foreign.response.text.slice(0, 160),
  });
}

/** No id, name or email of the other party in the answer. */
function leaksNothing(scope: CaseScope, exchange: Exchange, strings: ReadonlySet<string>, rule: string): void {
  const body = exchange.response?.text ?? '';
  const found = [...strings].filter((s) => body.includes(s));
  if (found.length === 0) return;
  scope.failOn(exchange, {
    type: 'state',
    kind: 'tenant',
    reason: `${rule}: the answer shows nothing of another organization's (or user's) record`,
    expected: 'no id, name or email of the record or its organization in the body',
    received: `the body holds ${found.slice(0, 3).join(', ')}`,
  });
}

function unchangedFailure(scope: CaseScope, exchange: Exchange, what: string, rule: string, changed: string): void {
  scope.failOn(exchange, {
    type: 'state',
    kind: 'tenant',
    reason: `${rule}: a write aimed at another organization's (or user's) record changes nothing`,
    expected: `${what} as it was`,
    received: changed,
  });
}

// ---- members, roles, invitations of Globex ------------------------------------------------------

async function aimAt(ctx: ToursContext, aim: Aim, name: string, kind: CredentialKind): Promise<void> {
  const op = ctx.op(aim.operationId);
  const title = `${aim.operationId} on ${aim.what} as ${name} by ${credentialWord(kind)} is the 404 of no record, never a 403 (${aim.cites})`;
  await ctx.recorder.run(GROUP, title, { mutates: op.method !== 'GET' }, async (scope) => {
    const actor = ctx.need(scope, name, kind);
    expectedFor(ctx, scope, aim.operationId, actor, 'foreign');
    const globex = await globexView(ctx, scope);
    const target = await aim.target(ctx, scope, globex);
    const strings = (await globexView(ctx, scope)).strings;
    const args: CallArgs = aim.body ? { json: aim.body(target) } : {};
    const exchange = await foreignAndMissing(ctx, scope, actor, aim.operationId, String(target.id), args, strings);
    const changed = await aim.unchanged?.(ctx, scope, target);
    if (changed)
      unchangedFailure(scope, exchange, `${aim.what} ${String(target.id)}`, expectedFor(ctx, scope, aim.operationId, actor, 'foreign').rule, changed);
  });
}

// ---- another user's API key (TA6) ----------------------------------------------------------------

const ownKeys = new WeakMap<ToursContext, Json>();

/** acme-admin's own key, as acme-admin's session lists it: the one its principal holds, else its first. */
async function adminKey(ctx: ToursContext, scope: CaseScope): Promise<Json> {
  const admin = ctx.need(scope, 'acme-admin');
  const exchange = await ctx.call(scope, admin, 'listApiKeys');
  if (exchange.response?.status !== 200) scope.skip(`acme-admin could not list its keys: ${answer(exchange)}`);
  const keys = itemsOf(exchange);
  const prefix = admin.principal?.apiKey?.slice(0, 12);
  return keys.find((k) => prefix !== undefined && k.keyPrefix === prefix) ?? keys[0] ?? scope.skip('acme-admin has no API key to aim at');
}

/** A key acme-admin makes for the run, so that a write let through harms no principal's key (removed at the end). */
async function disposableAdminKey(ctx: ToursContext, scope: CaseScope): Promise<Json> {
  const known = ownKeys.get(ctx);
  if (known) return known;
  const admin = ctx.need(scope, 'acme-admin');
  const exchange = await ctx.call(scope, admin, 'createApiKey', { json: { name: ctx.fixtures.name('tenancy-key') } });
  if (exchange.response?.status !== 201) scope.skip(`acme-admin could not make a key for the check: ${answer(exchange)}`);
  await trackCreated(ctx, ctx.op('createApiKey'), admin, exchange);
  const { key: _secret, ...record } = exchange.response.json as Json;
  ownKeys.set(ctx, record);
  return record;
}

function keyStrings(ctx: ToursContext, key: Json): Set<string> {
  const admin = ctx.principal('acme-admin');
  return new Set([key.id, key.name, key.keyPrefix, admin?.userId, admin?.email].map(text).filter((s): s is string => s !== null));
}

async function anotherUsersKey(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(GROUP, "getApiKey on acme-admin's key as acme-owner is the 404 of no key (TA6)", { mutates: false }, async (scope) => {
    const owner = ctx.need(scope, 'acme-owner');
    const key = await adminKey(ctx, scope);
    await foreignAndMissing(ctx, scope, owner, 'getApiKey', String(key.id), {}, keyStrings(ctx, key));
  });
}

/** updateApiKey and deleteApiKey on a key of acme-admin's, as another user of its organization: a 404, and the key is as it was. */
async function anotherUsersKeyWrite(ctx: ToursContext, operationId: 'updateApiKey' | 'deleteApiKey'): Promise<void> {
  const title = `${operationId} on a key of acme-admin's as acme-coordinator is the 404 of no key and changes nothing (TA6)`;
  await ctx.recorder.run(GROUP, title, { mutates: true }, async (scope) => {
    const owner = ctx.need(scope, 'acme-coordinator');
    const admin = ctx.need(scope, 'acme-admin');
    const key = await disposableAdminKey(ctx, scope);
    const args: CallArgs = operationId === 'updateApiKey' ? { json: { name: 'renamed by another user', status: 'revoked' } } : {};
    const exchange = await foreignAndMissing(ctx, scope, owner, operationId, String(key.id), args, keyStrings(ctx, key));
    const after = await ctx.call(scope, admin, 'getApiKey', { params: { id: String(key.id) } });
    const now = after.response?.status === 200 ? (after.response.json as Json) : null;
    const changed = changes(key, now, ['name', 'status', 'keyPrefix']);
    if (changed) unchangedFailure(scope, exchange, `acme-admin's key ${String(key.id)}`, 'TA6', changed);
  });
}

// ---- the lists stay home; the platform sees every organization ------------------------------------

/** The list of `operationId` as an Acme reader holds nothing of Globex's (TM1, TR8, TI1). */
async function listsStayHome(ctx: ToursContext): Promise<void> {
  const lists = [
    { operationId: 'listMembers', what: 'members', cites: 'TM1', ids: (g: GlobexView) => g.members.map((m) => m.id) },
    { operationId: 'listRoles', what: 'roles', cites: 'TR8', ids: (g: GlobexView) => g.roles.map((r) => r.id) },
    { operationId: 'listInvitations', what: 'invitations', cites: 'TI1', ids: (g: GlobexView) => g.invitations.map((i) => i.id) },
  ];
  for (const list of lists) {
    const title = `the ${list.what} an Acme member lists are ${list.operationId === 'listRoles' ? "the system's and Acme's" : "Acme's"} only, none of Globex's (${list.cites})`;
    await ctx.recorder.run(GROUP, title, { mutates: false }, async (scope) => {
      const reader = ctx.actor('acme-coordinator', 'apiKey') ?? ctx.need(scope, 'acme-coordinator');
      const globex = await globexView(ctx, scope);
      const foreignIds = new Set(list.ids(globex));
      const acme = ctx.orgId('acme');
      const { exchange, ok } = await ctx.callExpecting(scope, reader, list.operationId, { query: '?limit=100' });
      if (!ok) return;
      itemsOf(exchange).forEach((item, i) => {
        const foreign =
          foreignIds.has(item.id) ||
          (item.organizationId !== undefined && (item.organizationId === globex.orgId || (acme !== null && item.organizationId !== acme)));
        if (!foreign) return;
        scope.failOn(exchange, {
          type: 'state',
          kind: 'tenant',
          reason: `${list.cites}: a list holds the caller's organization's ${list.what} only`,
          expected: `no ${list.what.slice(0, -1)} of another organization`,
          received: `data[${i}] is ${JSON.stringify(item.id)}${item.organizationId !== undefined ? ` of organization ${JSON.stringify(item.organizationId)}` : ''}, another organization's`,
        });
      });
    });
  }
}

/** TO2: the platform routes are not tenant-scoped: a Super Admin reads Globex and Acme alike. */
async function platformSeesAll(ctx: ToursContext): Promise<void> {
  await ctx.recorder.run(
    GROUP,
    'a Super Admin reads every organization by its id: the platform routes are not tenant-scoped (TO2)',
    { mutates: false },
    async (scope) => {
      const superadmin = ctx.need(scope, 'superadmin');
      const ids = [ctx.orgId('globex'), ctx.orgId('acme')].filter((id): id is string => id !== null);
      if (ids.length === 0) scope.skip('the organizations of the principals are unknown');
      for (const id of ids) {
        const { exchange, ok } = await ctx.callExpecting(scope, superadmin, 'getOrganizationById', { params: { id } }, { target: 'present' });
        if (ok && (exchange.response?.json as Json | undefined)?.id !== id) {
          scope.failOn(exchange, {
            type: 'state',
            kind: 'tenant',
            reason: 'TO2: a Super Admin gets the organization the id names, whichever it is',
            expected: `the organization ${id}`,
            received: `the organization ${String((exchange.response?.json as Json | undefined)?.id)}`,
          });
        }
      }
    },
  );
}
