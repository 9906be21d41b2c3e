/**
 * What every operation of the Tours domain shares: its context (the store, the clock, the model, the
 * caller the engine resolved, and the request's params, query and body), its result, the views of
 * the stored records as the spec's schemas have them, paging (TE2) and the body readers.
 *
 * An operation is the part of a request after the engine's access checks (section 4, steps 1–5): it
 * checks the shape of the body (400), finds its target (404, another organization's answered exactly
 * like a missing one), then applies the business rules in the order of step 8 (403, 422, 409).
 */
import type { AccessModel, OperationSpec } from '../../../contract/index.js';
import { pageCap, type PageRequest } from '../../../engine/paging.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import { MESSAGES, TEMPLATES } from '../messages.js';
import { isoAt, type ApiKeyRecord, type InvitationRecord, type MemberRecord, type OrganizationRecord, type RoleRecord, type Schemas } from '../records.js';
import type { ToursStore } from '../store.js';
import { toursSpec } from '../spec.js';

/** This API's spec, for the paging facts it holds. */
const TOURS = toursSpec();

export type ErrorBody = Schemas['Error'];
export type ErrorReason = Schemas['ErrorReason'];

/** The query of a request: the engine's checked values, a raw URLSearchParams, or nothing. */
export type QueryInput = Readonly<Record<string, unknown>> | URLSearchParams | undefined;

export interface OperationContext {
  readonly store: ToursStore;
  readonly clock: Clock;
  readonly model: AccessModel;
  /** The caller of steps 1–5, or null for a public operation or an optional one called without a credential. */
  readonly caller: Caller | null;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query?: QueryInput;
  /** The parsed JSON body; undefined when the request had none. */
  readonly body?: unknown;
}

export interface ErrorResult {
  readonly status: 400 | 401 | 403 | 404 | 409 | 422;
  readonly body: ErrorBody;
}

export interface Success<B, S extends number = 200> {
  readonly status: S;
  readonly body: B;
  /** Headers the answer must carry (a sign-in's `Set-Cookie`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export type Result<B, S extends number = 200> = Success<B, S> | ErrorResult;

export type Operation = (ctx: OperationContext) => Result<unknown, number>;

export const ok = <B>(body: B): Success<B, 200> => ({ status: 200, body });
export const created = <B>(body: B): Success<B, 201> => ({ status: 201, body });
export const SUCCESS: Schemas['Success'] = Object.freeze({ success: true });

export function fail(status: ErrorResult['status'], error: string, reason?: ErrorReason | null): ErrorResult {
  return { status, body: reason ? { error, reason } : { error } };
}

/** A refusal with a reason (messages.ts REFUSALS), as a result. */
export function refuse(status: ErrorResult['status'], refusal: { readonly error: string; readonly reason: ErrorReason }): ErrorResult {
  return fail(status, refusal.error, refusal.reason);
}

/** True for the error result of a check, false for the value it checked. */
export const failed = <T extends object>(value: T | ErrorResult): value is ErrorResult =>
  'status' in value && 'body' in value && typeof value.status === 'number' && value.status >= 400;

// ---- the caller ------------------------------------------------------------------------------------

/** Any authenticated caller; 401 `Authentication required` without one (the engine answers it first). */
export function needCaller(ctx: OperationContext): Caller | ErrorResult {
  return ctx.caller ?? fail(401, MESSAGES.authenticationRequired);
}

export interface Member extends Caller {
  readonly tenantId: string;
}

/**
 * Step 4 of section 4 for an organization-scoped operation: the caller's organization, or the 403 of
 * `x-access-model.membership` (TM1). The engine answers this first; operations check it again so
 * that they stand on their own.
 */
export function needMember(ctx: OperationContext): Member | ErrorResult {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const membership = ctx.model.membership;
  if (caller.tenantId === null)
    return fail(403, membership?.none.message ?? MESSAGES.insufficientPermissions, (membership?.none.reason ?? null) as ErrorReason | null);
  if (caller.membership === 'suspended' && membership?.suspended)
    return fail(403, membership.suspended.message, membership.suspended.reason as ErrorReason | null);
  return caller as Member;
}

export const nowIso = (ctx: OperationContext): string => isoAt(ctx.clock.now());

// ---- bodies ----------------------------------------------------------------------------------------

export type Fields = Readonly<Record<string, unknown>>;

/** The body as an object, or the 400 of a JSON value that is not one. */
export function objectBody(body: unknown): Fields | ErrorResult {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Fields) : fail(400, MESSAGES.notAnObject);
}

/** The 400 of the first field of the wrong type (or missing, when required); null when all are right. */
export function checkFields(
  body: Fields,
  spec: Readonly<Record<string, { type: 'string' | 'string?null' | 'string[]'; required?: boolean }>>,
): ErrorResult | null {
  for (const [field, { type, required }] of Object.entries(spec)) {
    const value = body[field];
    if (value === undefined) {
      if (required) return fail(400, TEMPLATES.requiredField(field));
      continue;
    }
    const right =
      type === 'string'
        ? typeof value === 'string'
        : type === 'string?null'
          ? typeof value === 'string' || value === null
          : Array.isArray(value) && value.every((item) => typeof item === 'string');
    if (!right)
      return fail(400, TEMPLATES.wrongType(field, type === 'string' ? 'a string' : type === 'string?null' ? 'a string or null' : 'an array of strings'));
  }
  return null;
}

/** A PATCH body with none of its known fields is a 400 (section 4). */
export function noKnownField(body: Fields, known: readonly string[]): ErrorResult | null {
  return known.some((field) => body[field] !== undefined) ? null : fail(400, MESSAGES.noFieldsToUpdate);
}

/** Length in code points, as JSON Schema's minLength/maxLength count it. */
export const length = (text: string): number => [...text].length;

// ---- paging (TE2) ------------------------------------------------------------------------------

/** TE2: the largest page size, read from the spec (the `maximum` of `limit` in the paged bodies); a larger one asked for is lowered to it. */
export const PAGE_LIMIT_CAP = pageCap(TOURS, TOURS.byId.get('listMembers') as OperationSpec);
/** TE2: the page size when none is asked for (the `default` of the `limit` query parameter). */
export const DEFAULT_PAGE_LIMIT = Number(TOURS.byId.get('listMembers')?.queryParams.find((p) => p.name === 'limit')?.default ?? PAGE_LIMIT_CAP);

export function queryValue(query: QueryInput, name: string): unknown {
  if (query === undefined) return undefined;
  if (query instanceof URLSearchParams) return query.get(name) ?? undefined;
  return query[name];
}

function positiveInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 1 ? value : null;
  if (typeof value === 'string' && /^[0-9]+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= 1 ? n : null;
  }
  return null;
}

/** `page` (default 1) and `limit` (default and cap from the spec), or the 400 `Invalid query: <what>` (TE2). */
export function pageRequest(query: QueryInput): PageRequest | ErrorResult {
  const rawPage = queryValue(query, 'page');
  const rawLimit = queryValue(query, 'limit');
  const page = rawPage === undefined ? 1 : positiveInteger(rawPage);
  if (page === null) return fail(400, MESSAGES.badPage);
  const limit = rawLimit === undefined ? DEFAULT_PAGE_LIMIT : positiveInteger(rawLimit);
  if (limit === null) return fail(400, MESSAGES.badLimit);
  return { page, limit: Math.min(limit, PAGE_LIMIT_CAP) };
}

export { pageOf } from '../../../engine/paging.js';

/** Oldest first, ties by id: the order of every list but the members' (TE2). */
export const byCreatedAt = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

// ---- views ---------------------------------------------------------------------------------------

export function organizationView(org: OrganizationRecord): Schemas['Organization'] {
  return { id: org.id, name: org.name, slug: org.slug, logo: org.logo, timezone: org.timezone, createdAt: org.createdAt, updatedAt: org.updatedAt };
}

export function memberView(store: ToursStore, member: MemberRecord): Schemas['Member'] {
  const user = store.users.get(member.userId);
  return {
    id: member.id,
    userId: member.userId,
    organizationId: member.organizationId,
    role: member.role,
    status: member.status,
    user: { id: member.userId, name: user?.name ?? '', email: user?.email ?? '' },
    createdAt: member.createdAt,
  };
}

export function organizationRoleView(role: RoleRecord): Schemas['Role'] {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    permissions: role.permissions.slice() as Schemas['PermissionKey'][],
    scope: 'organization',
    shadowed: false,
    createdAt: role.createdAt,
  };
}

/** TI1: a pending invitation reads `expired` from the moment `expiresAt` has passed. */
export function invitationStatus(invitation: InvitationRecord, now: number): Schemas['Invitation']['status'] {
  return invitation.status === 'pending' && Date.parse(invitation.expiresAt) <= now ? 'expired' : invitation.status;
}

export function invitationView(invitation: InvitationRecord, now: number): Schemas['Invitation'] {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    status: invitationStatus(invitation, now),
    inviterId: invitation.inviterId,
    expiresAt: invitation.expiresAt,
    createdAt: invitation.createdAt,
  };
}

export function apiKeyView(key: ApiKeyRecord): Schemas['ApiKey'] {
  return {
    id: key.id,
    name: key.name,
    keyPrefix: key.keyPrefix,
    status: key.status,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    expiresAt: key.expiresAt,
  };
}

/** The permission keys in the catalogue's order, each once (TR1). */
export function inCatalogueOrder(model: AccessModel, keys: readonly string[]): string[] {
  const wanted = new Set(keys);
  return model.permissions.map((p) => p.key).filter((key) => wanted.has(key));
}
