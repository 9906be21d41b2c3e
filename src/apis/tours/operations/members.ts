/**
 * The members of the caller's organization (TM1–TM3): list (sorted and paged, TE2), change a role or
 * status (TM2, TR5), remove (TM3). A member of another organization is a 404 like a missing one.
 */
import { keptJson } from '../../../engine/json-body.js';
import { effectiveRole, mayAssignRole } from '../caller.js';
import { MESSAGES, REFUSALS, TEMPLATES } from '../messages.js';
import type { MemberRecord, Schemas } from '../records.js';
import type { ToursStore } from '../store.js';
import {
  SUCCESS,
  checkFields,
  fail,
  failed,
  memberView,
  needMember,
  noKnownField,
  objectBody,
  ok,
  pageOf,
  pageRequest,
  queryValue,
  refuse,
  type ErrorResult,
  type Member,
  type OperationContext,
  type Result,
} from './context.js';

/** TM2: the role whose last active holder must stay (TR2's `owner`, the only role `assignableBy` itself). */
export const OWNER_ROLE = 'owner';

const SORT_BY = ['createdAt', 'name', 'email'] as const;
const SORT_DIR = ['asc', 'desc'] as const;
type SortBy = (typeof SORT_BY)[number];

/** The member of the caller's organization with this id; another organization's is as missing (docs, TE4). */
function findMember(ctx: OperationContext, caller: Member): MemberRecord | ErrorResult {
  const member = ctx.store.members.get(ctx.params.memberId ?? '');
  return member && member.organizationId === caller.tenantId ? member : fail(404, MESSAGES.memberNotFound);
}

function activeOwners(store: ToursStore, organizationId: string): number {
  return store.membersOf(organizationId).filter((m) => m.role === OWNER_ROLE && m.status === 'active').length;
}

/** TM2: the change leaves no active owner (demoting, suspending or removing the last one). */
function losesLastOwner(store: ToursStore, member: MemberRecord, next: Pick<MemberRecord, 'role' | 'status'> | null): boolean {
  if (member.role !== OWNER_ROLE || member.status !== 'active') return false;
  if (next && next.role === OWNER_ROLE && next.status === 'active') return false;
  return activeOwners(store, member.organizationId) <= 1;
}

/** TE2: the members, suspended ones included, sorted by `sortBy`/`sortDir` (default createdAt asc), paged. */
export function listMembers(ctx: OperationContext): Result<Schemas['MemberPage']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const paging = pageRequest(ctx.query);
  if (failed(paging)) return paging;
  const sortBy = queryValue(ctx.query, 'sortBy') ?? 'createdAt';
  if (typeof sortBy !== 'string' || !(SORT_BY as readonly string[]).includes(sortBy)) return fail(400, MESSAGES.badSortBy);
  const sortDir = queryValue(ctx.query, 'sortDir') ?? 'asc';
  if (typeof sortDir !== 'string' || !(SORT_DIR as readonly string[]).includes(sortDir)) return fail(400, MESSAGES.badSortDir);
  const sorted = sortedMembers(ctx, caller.tenantId, sortBy as SortBy, sortDir === 'desc' ? -1 : 1);
  const key = `${paging.page}/${paging.limit}`;
  let page = sorted.pages.get(key);
  // Kept with its serialisation (the engine's) while the sorted views stand: a read pages and serialises nothing.
  if (page === undefined) sorted.pages.set(key, (page = keptJson(pageOf(sorted.views, paging))));
  return ok(page);
}

interface SortedMembers {
  readonly revision: string;
  readonly views: readonly Schemas['Member'][];
  /** The pages asked for, by `page/limit`, each kept with its serialisation. */
  readonly pages: Map<string, Schemas['MemberPage']>;
}

/**
 * The views of an organization's members in one order, kept while neither members nor users change
 * (a list is read far more often than it changes): a read then sorts and serialises nothing.
 */
const sortedCache = new WeakMap<object, Map<string, SortedMembers>>();

function sortedMembers(ctx: OperationContext, organizationId: string, sortBy: SortBy, sign: 1 | -1): SortedMembers {
  const { store } = ctx;
  const revision = `${store.members.revision}.${store.users.revision}`;
  let byKey = sortedCache.get(store);
  if (!byKey) sortedCache.set(store, (byKey = new Map<string, SortedMembers>()));
  const cacheKey = `${organizationId}|${sortBy}|${sign}`;
  const cached = byKey.get(cacheKey);
  if (cached?.revision === revision) return cached;
  const views = store.membersOf(organizationId).map((m) => memberView(store, m));
  const key = (m: Schemas['Member']): string =>
    sortBy === 'createdAt' ? m.createdAt : sortBy === 'name' ? m.user.name.toLowerCase() : m.user.email.toLowerCase();
  const keys = new Map(views.map((v) => [v, key(v)]));
  // The sort key decides, in the direction asked; ties are oldest first, then by id, whatever the direction.
  views.sort((a, b) => {
    const ka = keys.get(a) as string;
    const kb = keys.get(b) as string;
    if (ka !== kb) return ka < kb ? -sign : sign;
    if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  const entry: SortedMembers = { revision, views, pages: new Map<string, Schemas['MemberPage']>() };
  byKey.set(cacheKey, entry);
  return entry;
}

/** TM2: `role` and/or `status`. Order (section 4): 400, 404, 403 TR5, 422 (values, own membership), 409 last owner. */
export function updateMember(ctx: OperationContext): Result<Schemas['Member']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const body = objectBody(ctx.body);
  if (failed(body)) return body;
  const shape = checkFields(body, { role: { type: 'string' }, status: { type: 'string' } }) ?? noKnownField(body, ['role', 'status']);
  if (shape) return shape;
  const role = body.role as string | undefined;
  const status = body.status as string | undefined;
  const member = findMember(ctx, caller);
  if (failed(member)) return member;

  if (role !== undefined && !mayAssignRole(caller, role, ctx)) return refuse(403, REFUSALS.escalation);
  if (role !== undefined && effectiveRole(ctx.store, ctx.model, caller.tenantId, role) === null) return fail(422, TEMPLATES.unknownRole(role));
  if (status !== undefined && status !== 'active' && status !== 'suspended') return fail(422, MESSAGES.memberStatus);
  if (member.id === caller.memberId) return fail(422, MESSAGES.ownMembership);

  const next: MemberRecord = { ...member, role: role ?? member.role, status: status ?? member.status };
  if (losesLastOwner(ctx.store, member, next)) return refuse(409, REFUSALS.lastOwner);
  ctx.store.write(() => ctx.store.members.replace(next));
  return ok(memberView(ctx.store, next));
}

/** TM3: ends the membership and revokes every key of the member (TA3, TA6); the user and their sessions stay. */
export function removeMember(ctx: OperationContext): Result<Schemas['Success']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const member = findMember(ctx, caller);
  if (failed(member)) return member;
  if (member.id === caller.memberId) return fail(422, MESSAGES.ownMembership);
  if (losesLastOwner(ctx.store, member, null)) return refuse(409, REFUSALS.lastOwner);
  const { store } = ctx;
  store.write(() => {
    for (const key of store.apiKeysOf(member.userId)) if (key.status !== 'revoked') store.apiKeys.replace({ ...key, status: 'revoked' });
    store.members.remove(member.id);
  });
  return ok(SUCCESS);
}
