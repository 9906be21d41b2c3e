/**
 * Paging and sorting (TE2) on the four paged lists: members, roles and invitations of Acme, and the
 * platform's organizations. The envelope's arithmetic is checked on a `limit` where `ceil`, `floor`
 * and rounding give different page counts, so that a target using the wrong one shows; the pages are
 * walked and must hold the whole list once, in one order; a page past the end is empty with the
 * same totals; a limit above the cap is lowered to it; bad values are the spec's 400s. Members sort
 * by every `sortBy` in both directions; every list comes oldest first by default (TR8: system roles
 * first). Defaults, the cap and the sort keys come from the spec, never from here.
 *
 * Whatever the lists hold on the target is used (the mock seeds several members, `--users N` adds
 * more); a list too short to tell right from wrong skips the case that needs more.
 */
import { resolvePointer, type JsonObject, type OperationSpec } from '../../../../src/contract/index.js';
import { byRule, type Expected } from '../../../kernel/expected.js';
import type { FailureKind } from '../../../kernel/failure.js';
import type { Exchange } from '../../../kernel/http/exchange.js';
import { CaseScope, SkipCase } from '../../../kernel/recorder.js';
import type { Actor, CredentialKind } from '../actors.js';
import type { ToursContext } from '../context.js';
import { trackCreated } from './records.js';

const GROUP = 'paging';

/** The most pages a walk reads; a longer list is walked with a larger limit. */
const MAX_WALK = 8;

type Json = Record<string, unknown>;

interface PagedList {
  readonly operationId: string;
  /** `members`, for case names. */
  readonly what: string;
  /** The reader: a principal that passes the list's gate, by one of its credentials (spread so that no credential nears its rate limit). */
  readonly reader: readonly [string, CredentialKind];
  /** Extra rule ids the default order cites (TR8 for the roles). */
  readonly orderCites: readonly string[];
}

const LISTS: readonly PagedList[] = [
  { operationId: 'listMembers', what: 'members', reader: ['acme-guide-lead', 'apiKey'], orderCites: [] },
  { operationId: 'listRoles', what: 'roles', reader: ['acme-coordinator', 'apiKey'], orderCites: ['TR8'] },
  { operationId: 'listInvitations', what: 'invitations', reader: ['acme-guide-lead', 'session'], orderCites: [] },
  { operationId: 'listOrganizations', what: 'organizations', reader: ['superadmin', 'session'], orderCites: ['TO2'] },
];

interface Page {
  readonly exchange: Exchange;
  readonly data: Json[];
  readonly total: number;
  readonly page: number;
  readonly limit: number;
  readonly totalPages: number;
}

export async function runPaging(ctx: ToursContext): Promise<void> {
  await enough(ctx);
  for (const list of LISTS) {
    await defaults(ctx, list);
    await arithmetic(ctx, list);
    await walk(ctx, list);
    await pastTheEnd(ctx, list);
    await cap(ctx, list);
    await badValues(ctx, list);
    await defaultOrder(ctx, list);
  }
  await memberSorting(ctx);
}

/**
 * Lists long enough to tell right from wrong: Acme's invitations up to ENOUGH (a list of one has no
 * second page) and a second role of Acme's own (one has no order). Made for the run, removed at the
 * end; not where nothing may change (--read-only), where the cases make do with what there is.
 */
const ENOUGH = 4;

async function enough(ctx: ToursContext): Promise<void> {
  if (ctx.options.readOnly) return;
  const scope = new CaseScope(ctx.recorder, `${GROUP}: records to page through`, GROUP);
  try {
    const inviter = ctx.need(scope, 'acme-coordinator', 'apiKey');
    const invitations = await ctx.call(scope, inviter, 'listInvitations');
    const count = Number((invitations.response?.json as Json | undefined)?.total ?? ENOUGH);
    for (let n = count; n < ENOUGH; n++) await make(ctx, scope, inviter, 'createInvitation', { email: ctx.fixtures.email('paging'), role: 'member' });
    const admin = ctx.need(scope, 'acme-admin', 'apiKey');
    const roles = await ctx.call(scope, admin, 'listRoles', { query: '?limit=100' });
    const own = ((roles.response?.json as Json | undefined)?.data as Json[] | undefined)?.filter((r) => r.scope !== 'system').length ?? 2;
    for (let n = own; n < 2; n++) await make(ctx, scope, admin, 'createRole', { name: ctx.fixtures.name('paging'), permissions: [] });
  } catch (err) {
    if (!(err instanceof SkipCase)) throw err;
  }
}

async function make(ctx: ToursContext, scope: CaseScope, actor: Actor, operationId: string, json: unknown): Promise<void> {
  const exchange = await ctx.call(scope, actor, operationId, { json });
  if (exchange.response?.status === 201) await trackCreated(ctx, ctx.op(operationId), actor, exchange);
}

// ---- what the spec says ---------------------------------------------------------------------------

/** A query parameter's default, from the spec. */
function defaultOf(op: OperationSpec, name: string): unknown {
  return op.queryParams.find((p) => p.name === name)?.default;
}

/** The largest `limit` a page answers with: the `maximum` of the paged body's `limit`. */
function capOf(ctx: ToursContext, op: OperationSpec): number {
  const success = op.responses.get(200)?.schema;
  const follow = (node: unknown): JsonObject => {
    let current = node as JsonObject;
    while (typeof current?.$ref === 'string') current = resolvePointer(ctx.spec.document, current.$ref) as JsonObject;
    return current ?? {};
  };
  const limit = follow((follow(success).properties as JsonObject | undefined)?.limit);
  if (typeof limit.maximum !== 'number') throw new Error(`${op.operationId}: the spec gives its page's limit no maximum`);
  return limit.maximum;
}

/** The values a query parameter's schema allows (`sortBy`, `sortDir`). */
function enumOf(ctx: ToursContext, op: OperationSpec, name: string): string[] {
  const param = op.queryParams.find((p) => p.name === name);
  if (!param) return [];
  const schema = resolvePointer(ctx.spec.document, param.schemaPointer) as JsonObject;
  return Array.isArray(schema.enum) ? schema.enum.filter((v): v is string => typeof v === 'string') : [];
}

const pages = (total: number, limit: number): number => Math.ceil(total / limit);

/**
 * A limit where `ceil(total / limit)` differs from both `floor` and rounding (the remainder under
 * half a page), walking at most MAX_WALK pages and, where the list allows, more than one; null when
 * no limit up to the cap tells them apart.
 */
function tellingLimit(total: number, max: number): number | null {
  const telling = (l: number): boolean => total % l > 0 && total % l < l / 2;
  let fallback: number | null = null;
  for (let l = 2; l <= max; l++) {
    if (!telling(l)) continue;
    if (pages(total, l) >= 2 && pages(total, l) <= MAX_WALK) return l;
    if (fallback === null && pages(total, l) <= MAX_WALK) fallback = l;
  }
  return fallback;
}

/** The limit a walk reads the list with: a telling one where it gives more than one page, else the smallest that needs at most MAX_WALK. */
function walkLimit(total: number, max: number): number {
  const telling = tellingLimit(total, max);
  if (telling !== null && pages(total, telling) >= 2) return telling;
  return Math.min(max, Math.max(1, Math.ceil(total / MAX_WALK)));
}

// ---- reading pages -------------------------------------------------------------------------------

function reader(ctx: ToursContext, scope: CaseScope, list: PagedList): Actor {
  return ctx.need(scope, list.reader[0], list.reader[1]);
}

/** One page, its status checked (200); null when the answer is no page (the failure is recorded). */
async function readPage(ctx: ToursContext, scope: CaseScope, list: PagedList, query: string): Promise<Page | null> {
  const { exchange, ok } = await ctx.callExpecting(scope, reader(ctx, scope, list), list.operationId, { query });
  if (!ok) return null;
  const body = exchange.response?.json as Json | undefined;
  const data = body?.data;
  const numbers = ['total', 'page', 'limit', 'totalPages'].map((k) => body?.[k]);
  if (!Array.isArray(data) || !numbers.every((n) => typeof n === 'number')) {
    fail(
      scope,
      exchange,
      'envelope',
      'the body of a paged list is {data, total, page, limit, totalPages}',
      'the list envelope',
      (exchange.response?.text ?? '').slice(0, 160),
    );
    return null;
  }
  const [total, page, limit, totalPages] = numbers as [number, number, number, number];
  return { exchange, data: data as Json[], total, page, limit, totalPages };
}

/** The list's size, from its first page with the default limit; skips the case when it cannot be read. */
async function totalOf(ctx: ToursContext, scope: CaseScope, list: PagedList): Promise<number> {
  const first = await readPage(ctx, scope, list, '');
  return first?.total ?? scope.skip(`could not read the size of the ${list.what} list`);
}

function fail(scope: CaseScope, exchange: Exchange, kind: FailureKind, says: string, expected: string, received: string): void {
  scope.failOn(exchange, { type: 'state', kind, reason: `TE2: ${says}`, expected, received });
}

/** Each field of the page against what it must be. */
function expectFields(
  scope: CaseScope,
  page: Page,
  wanted: Partial<Record<'total' | 'page' | 'limit' | 'totalPages' | 'length', number>>,
  says: string,
): boolean {
  const got: Record<string, number> = { total: page.total, page: page.page, limit: page.limit, totalPages: page.totalPages, length: page.data.length };
  const wrong = Object.entries(wanted).filter(([k, v]) => got[k] !== v);
  if (wrong.length === 0) return true;
  const name = (k: string): string => (k === 'length' ? 'data.length' : k);
  fail(
    scope,
    page.exchange,
    'envelope',
    says,
    wrong.map(([k, v]) => `${name(k)} ${String(v)}`).join(', '),
    wrong.map(([k]) => `${name(k)} ${String(got[k])}`).join(', '),
  );
  return false;
}

/** How many items page `page` of `limit` holds in a list of `total`. */
function lengthOf(total: number, limit: number, page: number): number {
  return Math.max(0, Math.min(limit, total - (page - 1) * limit));
}

const idOf = (item: Json): string => String(item.id);

// ---- the cases -------------------------------------------------------------------------------------

async function defaults(ctx: ToursContext, list: PagedList): Promise<void> {
  const op = ctx.op(list.operationId);
  const page = Number(defaultOf(op, 'page'));
  const limit = Number(defaultOf(op, 'limit'));
  await ctx.recorder.run(GROUP, `${list.operationId} without page or limit answers page ${page} of ${limit} (TE2)`, { mutates: false }, async (scope) => {
    const first = await readPage(ctx, scope, list, '');
    if (!first) return;
    expectFields(
      scope,
      first,
      { page, limit, length: lengthOf(first.total, limit, page), totalPages: pages(first.total, limit) },
      `page defaults to ${page} and limit to ${limit}; the page holds min(total, limit) items`,
    );
  });
}

async function arithmetic(ctx: ToursContext, list: PagedList): Promise<void> {
  const title = `${list.operationId}: totalPages is ceil(total / limit), on a limit where floor and rounding differ (TE2)`;
  await ctx.recorder.run(GROUP, title, { mutates: false }, async (scope) => {
    const total = await totalOf(ctx, scope, list);
    const limit =
      tellingLimit(total, capOf(ctx, ctx.op(list.operationId))) ?? scope.skip(`the ${list.what} list (${total}) has no limit that tells ceil from floor`);
    const page = await readPage(ctx, scope, list, `?page=1&limit=${limit}`);
    if (!page) return;
    expectFields(
      scope,
      page,
      { total, page: 1, limit, totalPages: pages(total, limit), length: lengthOf(total, limit, 1) },
      `totalPages = ceil(total / limit): ${total} items by ${limit} are ${pages(total, limit)} pages`,
    );
  });
}

async function walk(ctx: ToursContext, list: PagedList): Promise<void> {
  const title = `the pages of ${list.operationId} hold every item once, in the order of one long page (TE2)`;
  await ctx.recorder.run(GROUP, title, { mutates: false }, async (scope) => {
    const max = capOf(ctx, ctx.op(list.operationId));
    const whole = await readPage(ctx, scope, list, `?limit=${max}`);
    if (!whole) return;
    const total = whole.total;
    const limit = walkLimit(total, max);
    const count = Math.min(pages(total, limit), MAX_WALK);
    const seen: string[] = [];
    for (let n = 1; n <= count; n++) {
      const page = await readPage(ctx, scope, list, `?page=${n}&limit=${limit}`);
      if (!page) return;
      expectFields(
        scope,
        page,
        { total, page: n, limit, totalPages: pages(total, limit), length: lengthOf(total, limit, n) },
        `page ${n} of ${limit} in a list of ${total}`,
      );
      const twice = page.data.map(idOf).filter((id) => seen.includes(id));
      if (twice.length > 0)
        fail(scope, page.exchange, 'business', 'the pages hold each item once', 'no item of an earlier page', `${twice.join(', ')} again on page ${n}`);
      seen.push(...page.data.map(idOf));
    }
    // One long page holds the whole list (up to the cap) in the order the pages walk it.
    const expected = whole.data.map(idOf).slice(0, seen.length);
    if (pages(total, limit) <= MAX_WALK && total <= max && JSON.stringify(seen) !== JSON.stringify(expected)) {
      fail(
        scope,
        whole.exchange,
        'business',
        'the pages hold the whole list, once, in one order',
        `the ${total} items of one page of ${max}, in its order`,
        `the pages of ${limit} hold ${seen.length} items${seen.length === expected.length ? ' in another order' : ''}`,
      );
    }
  });
}

async function pastTheEnd(ctx: ToursContext, list: PagedList): Promise<void> {
  await ctx.recorder.run(
    GROUP,
    `a page of ${list.operationId} past the end has an empty data and the list's totals (TE2)`,
    { mutates: false },
    async (scope) => {
      const total = await totalOf(ctx, scope, list);
      const op = ctx.op(list.operationId);
      const limit = tellingLimit(total, capOf(ctx, op)) ?? Number(defaultOf(op, 'limit'));
      const beyond = pages(total, limit) + 2;
      const page = await readPage(ctx, scope, list, `?page=${beyond}&limit=${limit}`);
      if (!page) return;
      expectFields(
        scope,
        page,
        { total, page: beyond, limit, totalPages: pages(total, limit), length: 0 },
        `page ${beyond} of a list of ${total} by ${limit} is past its end`,
      );
    },
  );
}

async function cap(ctx: ToursContext, list: PagedList): Promise<void> {
  const op = ctx.op(list.operationId);
  const max = capOf(ctx, op);
  await ctx.recorder.run(GROUP, `a limit over ${max} on ${list.operationId} is lowered to ${max}, not refused (TE2)`, { mutates: false }, async (scope) => {
    const page = await readPage(ctx, scope, list, `?limit=${max + 1}`);
    if (!page) return;
    expectFields(
      scope,
      page,
      { limit: max, page: 1, totalPages: pages(page.total, max), length: Math.min(page.total, max) },
      `a limit of ${max + 1} is answered as ${max}`,
    );
  });
}

/** A bad value and the example of the spec's 400 that words it. */
const BAD_PAGING: readonly (readonly [string, string])[] = [
  ['page=0', 'badPage'],
  ['page=-1', 'badPage'],
  ['page=abc', 'badPage'],
  ['limit=0', 'badLimit'],
  ['limit=1.5', 'badLimit'],
  ['limit=ten', 'badLimit'],
];

async function badValues(ctx: ToursContext, list: PagedList): Promise<void> {
  const op = ctx.op(list.operationId);
  const sorting = op.queryParams.some((p) => p.name === 'sortBy');
  const bad = [
    ...BAD_PAGING,
    ...(sorting
      ? ([
          ['sortBy=role', 'badSortBy'],
          ['sortDir=up', 'badSortDir'],
        ] as const)
      : []),
  ];
  const what = sorting ? 'page, limit, sortBy and sortDir' : 'page and limit';
  await ctx.recorder.run(GROUP, `bad ${what} values on ${list.operationId} are the 400 Invalid query (TE2)`, { mutates: false }, async (scope) => {
    const actor = reader(ctx, scope, list);
    const gate = ctx.expected(list.operationId, actor);
    if (gate.status === null || gate.status >= 300) return scope.skip(gate.status === null ? gate.why : `${actor.name} is refused ${list.operationId}`);
    for (const [query, example] of bad) {
      const expected: Expected = byRule(
        'robustness',
        'TE2',
        `${query} is not a positive integer or a listed value: a 400 Invalid query`,
        400,
        ctx.messages.example(list.operationId, 400, example),
      );
      ctx.expect(scope, await ctx.call(scope, actor, list.operationId, { query: `?${query}` }), expected);
    }
  });
}

// ---- order ---------------------------------------------------------------------------------------

const lower = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');

/** a ≤ b for text: by code point once lower-cased, or as a locale compares it ignoring case (a real database's collation). */
function textInOrder(a: string, b: string): boolean {
  return a <= b || a.localeCompare(b, 'en', { sensitivity: 'base' }) <= 0;
}

/** The first pair out of order, `i` such that items i and i+1 are; -1 when in order. */
function outOfOrder(items: readonly Json[], key: (item: Json) => unknown, dir: 'asc' | 'desc'): number {
  for (let i = 0; i + 1 < items.length; i++) {
    const [a, b] = dir === 'asc' ? [key(items[i] as Json), key(items[i + 1] as Json)] : [key(items[i + 1] as Json), key(items[i] as Json)];
    const ok = typeof a === 'number' && typeof b === 'number' ? a <= b : textInOrder(String(a), String(b));
    if (!ok) return i;
  }
  return -1;
}

const createdAt = (item: Json): number => (typeof item.createdAt === 'string' ? Date.parse(item.createdAt) : Number.NEGATIVE_INFINITY);

/** The sort keys of a member (TE2): the member's `createdAt`, its user's `name` and `email`. */
const MEMBER_KEYS: Readonly<Record<string, (item: Json) => unknown>> = {
  createdAt,
  name: (item) => lower((item.user as Json | undefined)?.name),
  email: (item) => lower((item.user as Json | undefined)?.email),
};

/** Items `a` then `b` of a page are out of the order `what`. */
function orderFailure(scope: CaseScope, page: Page, a: Json, b: Json, what: string, show: (item: Json) => unknown): void {
  const at = (item: Json): number => page.data.indexOf(item);
  fail(scope, page.exchange, 'business', what, what, `data[${at(a)}] ${String(show(a))} comes before data[${at(b)}] ${String(show(b))}`);
}

/** The first pair of `items` out of order, reported. */
function expectOrder(
  scope: CaseScope,
  page: Page,
  items: readonly Json[],
  key: (item: Json) => unknown,
  dir: 'asc' | 'desc',
  what: string,
  show: (item: Json) => unknown,
): void {
  const i = outOfOrder(items, key, dir);
  if (i >= 0) orderFailure(scope, page, items[i] as Json, items[i + 1] as Json, what, show);
}

/** Default order: members by createdAt ascending; the others oldest first (roles: the system roles first, in the spec's order). */
async function defaultOrder(ctx: ToursContext, list: PagedList): Promise<void> {
  const cites = ['TE2', ...list.orderCites].join(', ');
  const roles = list.operationId === 'listRoles';
  const what = roles ? 'the system roles first, in their order, then oldest first' : 'oldest first';
  await ctx.recorder.run(GROUP, `${list.operationId} comes ${what} by default (${cites})`, { mutates: false }, async (scope) => {
    const page = await readPage(ctx, scope, list, `?limit=${capOf(ctx, ctx.op(list.operationId))}`);
    if (!page) return;
    let items = page.data;
    if (roles) {
      const order = ctx.model.roles.kind === 'system' ? ctx.model.roles.system.map((r) => r.name) : [];
      const rank = (r: Json): number => (r.scope === 'system' ? Math.max(0, order.indexOf(String(r.name))) : order.length);
      expectOrder(
        scope,
        page,
        items,
        rank,
        'asc',
        `TR8: the system roles come first, as ${order.join(', ')}, then the organization's own`,
        (r) => `${String(r.name)} (${String(r.scope)})`,
      );
      items = items.filter((r) => r.scope !== 'system');
    }
    const show = (item: Json): string => `${String(item.id)} created ${String(item.createdAt)}`;
    expectOrder(scope, page, items, createdAt, 'asc', `${list.what} come oldest first`, show);
  });
}

/** Members sorted by every `sortBy` the spec lists, in every `sortDir`, come in that order. */
async function memberSorting(ctx: ToursContext): Promise<void> {
  const list = LISTS[0] as PagedList;
  const op = ctx.op(list.operationId);
  const max = capOf(ctx, op);
  for (const sortBy of enumOf(ctx, op, 'sortBy')) {
    const key = MEMBER_KEYS[sortBy];
    const dirs = enumOf(ctx, op, 'sortDir').filter((d): d is 'asc' | 'desc' => d === 'asc' || d === 'desc');
    await ctx.recorder.run(GROUP, `members sorted by ${sortBy}, ${dirs.join(' and ')}, come in that order (TE2)`, { mutates: false }, async (scope) => {
      if (!key) return scope.skip(`the suite does not know the member's sort key ${sortBy}`);
      const orders: string[][] = [];
      for (const dir of dirs) {
        const page = await readPage(ctx, scope, list, `?limit=${max}&sortBy=${sortBy}&sortDir=${dir}`);
        if (!page) continue;
        expectOrder(scope, page, page.data, key, dir, `members sorted by ${sortBy} ${dir}`, (m) => `${String(m.id)} with ${sortBy} ${String(key(m))}`);
        orders.push(page.data.map((m) => String(key(m))));
      }
      // The two directions must differ where the keys do: a target that ignores sortDir shows here too.
      const [asc, desc] = orders;
      if (asc && desc && new Set(asc).size > 1 && JSON.stringify(asc) === JSON.stringify(desc)) {
        scope.fail({
          type: 'state',
          kind: 'business',
          operation: list.operationId,
          principal: list.reader[0],
          request: null,
          exchangeId: null,
          reason: 'TE2: sortDir=desc reverses the order of sortDir=asc',
          expected: 'the keys in the other direction',
          received: `the same order both ways: ${asc.slice(0, 4).join(', ')}`,
        });
      }
    });
  }
}
