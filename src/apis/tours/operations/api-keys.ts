/**
 * The signed-in user's own API keys (TA6): list, create, get, rename or revoke, delete. Session only
 * (TA5, the engine's step 2); another user's key is a 404 like a missing one.
 */
import { createApiKey as storeApiKey } from '../credentials.js';
import { MESSAGES } from '../messages.js';
import { isoAt, type ApiKeyRecord, type Schemas } from '../records.js';
import {
  SUCCESS,
  apiKeyView,
  byCreatedAt,
  checkFields,
  created,
  fail,
  failed,
  length,
  needCaller,
  noKnownField,
  objectBody,
  ok,
  type ErrorResult,
  type OperationContext,
  type Result,
} from './context.js';

/** RFC 3339 date-time (the spec's `format: date-time`), four-digit year. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const LAST_TIMESTAMP = Date.parse('9999-12-31T23:59:59.999Z');

const nameProblem = (name: string): ErrorResult | null => (length(name) < 1 || length(name) > 100 ? fail(422, MESSAGES.nameLength) : null);

function findKey(ctx: OperationContext, userId: string): ApiKeyRecord | ErrorResult {
  const key = ctx.store.apiKeys.get(ctx.params.id ?? '');
  return key && key.userId === userId ? key : fail(404, MESSAGES.apiKeyNotFound);
}

/** TA6: every key of the caller, any status, oldest first, not paged. */
export function listApiKeys(ctx: OperationContext): Result<Schemas['ApiKeyList']> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  return ok({ data: ctx.store.apiKeysOf(caller.userId).sort(byCreatedAt).map(apiKeyView) });
}

/** TA6: `{name, expiresAt?}` → 201 with the full key, shown this once. */
export function createApiKey(ctx: OperationContext): Result<Schemas['ApiKeyCreated'], 201> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const body = objectBody(ctx.body);
  if (failed(body)) return body;
  const shape = checkFields(body, { name: { type: 'string', required: true }, expiresAt: { type: 'string' } });
  if (shape) return shape;
  const name = body.name as string;
  const problem = nameProblem(name);
  if (problem) return problem;
  let expiresAt: string | null = null;
  if (body.expiresAt !== undefined) {
    const raw = body.expiresAt as string;
    const at = Date.parse(raw);
    if (!DATE_TIME.test(raw) || !Number.isFinite(at) || at > LAST_TIMESTAMP) return fail(422, MESSAGES.expiresNotDate);
    if (at <= ctx.clock.now()) return fail(422, MESSAGES.expiresInPast);
    expiresAt = isoAt(at);
  }
  const { record, key } = storeApiKey(ctx.store, ctx.clock, caller.userId, name, expiresAt);
  const view: Schemas['ApiKeyCreated'] = { ...apiKeyView(record), status: 'active', lastUsedAt: null, key };
  return created(view);
}

export function getApiKey(ctx: OperationContext): Result<Schemas['ApiKey']> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const key = findKey(ctx, caller.userId);
  return failed(key) ? key : ok(apiKeyView(key));
}

/**
 * TA6: `name` and/or `status`. Revocation is final (422 on reactivating a revoked key). `expired` is
 * the server's to set: `{status: "active"}` on an expired key leaves it expired.
 */
export function updateApiKey(ctx: OperationContext): Result<Schemas['ApiKey']> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const body = objectBody(ctx.body);
  if (failed(body)) return body;
  const shape = checkFields(body, { name: { type: 'string' }, status: { type: 'string' } }) ?? noKnownField(body, ['name', 'status']);
  if (shape) return shape;
  const key = findKey(ctx, caller.userId);
  if (failed(key)) return key;
  const name = body.name as string | undefined;
  const status = body.status as string | undefined;
  if (name !== undefined) {
    const problem = nameProblem(name);
    if (problem) return problem;
  }
  if (status !== undefined && status !== 'active' && status !== 'revoked') return fail(422, MESSAGES.apiKeyStatus);
  if (status === 'active' && key.status === 'revoked') return fail(422, MESSAGES.keyReactivation);
  const next: ApiKeyRecord = { ...key, name: name ?? key.name, status: status === 'revoked' ? 'revoked' : key.status };
  ctx.store.write(() => ctx.store.apiKeys.replace(next));
  return ok(apiKeyView(next));
}

/** TA6: removes the key for good; its next use is `Invalid API key` (TA3). */
export function deleteApiKey(ctx: OperationContext): Result<Schemas['Success']> {
  const caller = needCaller(ctx);
  if (failed(caller)) return caller;
  const key = findKey(ctx, caller.userId);
  if (failed(key)) return key;
  ctx.store.write(() => ctx.store.apiKeys.remove(key.id));
  return ok(SUCCESS);
}
