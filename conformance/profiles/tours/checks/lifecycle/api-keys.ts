/**
 * One API key from creation to deletion (TA6), made by acme-coordinator's session: shown once in
 * full, acting as its user (TA4), listed without the key, used (lastUsedAt), hidden from another
 * user, renamed, revoked for good, deleted; then an expiry in the past and in the future; then the
 * keys of users with no organization (TA5). Every key made here is deleted at the end of the run.
 */
import type { Exchange } from '../../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../../kernel/recorder.js';
import { credentialActor, type Actor } from '../../actors.js';
import type { ToursContext } from '../../context.js';
import { trackCreated } from '../records.js';
import {
  because,
  expectEqual,
  expectFields,
  expectThat,
  expectTime,
  lifecycleCase,
  need,
  permissionMap,
  refused,
  send,
  succeeds,
  systemPermissions,
  type Json,
} from './shared.js';

/** The full key (TA1): `tke_live_` or `tke_test_` and 24 random bytes in base64url, 32 characters. */
const FULL_KEY = /^tke_(live|test)_[A-Za-z0-9_-]{32}$/;

/** The fields every listed key has, none of them the key itself (TA6). */
const LISTED_FIELDS = ['id', 'name', 'keyPrefix', 'status', 'createdAt', 'lastUsedAt', 'expiresAt'];

interface MadeKey {
  readonly owner: Actor;
  readonly id: string;
  readonly key: string;
  /** The key as the credential of a request. */
  readonly actor: Actor;
  record: Json;
}

const OWNER = 'acme-coordinator';
const OTHER = 'acme-member';

export async function apiKeyLifecycle(ctx: ToursContext): Promise<void> {
  let made: MadeKey | null = null;
  const step = (name: string, body: (scope: CaseScope, k: MadeKey) => Promise<void>): Promise<unknown> =>
    lifecycleCase(ctx, name, async (scope) => body(scope, need(scope, made, 'the API key of this lifecycle could not be created')));

  await lifecycleCase(ctx, 'a new API key is shown in full once, with its 12-character prefix (TA6, TA1)', async (scope) => {
    made = await createKey(ctx, scope, ctx.need(scope, OWNER), 'lifecycle');
  });
  await step('a new API key acts as the user who made it (TA4)', async (scope, k) => {
    const p = k.owner.principal;
    const me = await send(
      ctx,
      scope,
      k.actor,
      'getCurrentOrganization',
      {},
      succeeds(ctx, 'getCurrentOrganization', 'TA4', 'the new key is a credential of its user'),
    );
    if (me.ok && p?.orgId)
      expectEqual(scope, me.exchange, 'id', me.body.id, p.orgId, because('business', 'TA4', `the key acts as ${OWNER}, in ${OWNER}'s organization`));
    const perms = await send(ctx, scope, k.actor, 'getMyPermissions', {}, succeeds(ctx, 'getMyPermissions', 'TA4', 'the new key reads its permission map'));
    if (perms.ok && p?.spec.role) {
      const context = because('business', 'TA4', `the key holds its user's role, ${p.spec.role}`);
      expectEqual(scope, perms.exchange, 'role', perms.body.role, p.spec.role, context);
      expectEqual(scope, perms.exchange, 'permissions', perms.body.permissions, permissionMap(ctx, systemPermissions(ctx, p.spec.role)), context);
    }
  });
  await step('the key is listed and read without the key itself, lastUsedAt set by its use (TA6)', (scope, k) => listedAndRead(ctx, scope, k));
  await step("another user's key is a 404 to read, change or delete (TA6)", (scope, k) => hiddenFromOthers(ctx, scope, k));
  await step('a key is renamed; a PATCH with no known field is a 400 (TA6)', async (scope, k) => {
    const name = ctx.fixtures.name('renamed-key');
    const renamed = await send(
      ctx,
      scope,
      k.owner,
      'updateApiKey',
      { params: { id: k.id }, json: { name } },
      succeeds(ctx, 'updateApiKey', 'TA6', 'PATCH takes name'),
    );
    if (renamed.ok) {
      const context = because('business', 'TA6', 'a rename changes the name and nothing else');
      expectFields(scope, renamed.exchange, renamed.body, { ...pick(k.record, ['id', 'keyPrefix', 'status', 'createdAt', 'expiresAt']), name }, context);
      k.record = { ...k.record, name };
    }
    await send(
      ctx,
      scope,
      k.owner,
      'updateApiKey',
      { params: { id: k.id }, json: { keyPrefix: 'tke_test_xxx', lastUsedAt: null } },
      refused(
        'business',
        'TA6',
        'PATCH takes name and status and nothing else: a body with neither is a 400 (section 4)',
        400,
        ctx.messages.component('BadPatchBody', 'noFields'),
      ),
    );
  });
  await step('a revoked key is refused and cannot be reactivated (TA6, TA3)', async (scope, k) => {
    const revoked = await send(
      ctx,
      scope,
      k.owner,
      'updateApiKey',
      { params: { id: k.id }, json: { status: 'revoked' } },
      succeeds(ctx, 'updateApiKey', 'TA6', 'PATCH {status: "revoked"} revokes the key'),
    );
    if (!revoked.ok) return;
    expectEqual(scope, revoked.exchange, 'status', revoked.body.status, 'revoked', because('business', 'TA6', 'the answer is the revoked key'));
    await send(
      ctx,
      scope,
      k.actor,
      'getCurrentOrganization',
      {},
      refused('auth', 'TA3', 'a revoked key is refused', 401, ctx.messages.component('Unauthorized', 'revokedKey')),
    );
    await send(
      ctx,
      scope,
      k.owner,
      'updateApiKey',
      { params: { id: k.id }, json: { status: 'active' } },
      refused('business', 'TA6', 'revocation is final', 422, ctx.messages.example('updateApiKey', 422, 'reactivate')),
    );
    const read = await send(ctx, scope, k.owner, 'getApiKey', { params: { id: k.id } }, succeeds(ctx, 'getApiKey', 'TA6', 'a revoked key keeps its record'));
    if (read.ok)
      expectEqual(scope, read.exchange, 'status', read.body.status, 'revoked', because('business', 'TA6', 'a refused reactivation leaves the key revoked'));
  });
  await step('a deleted key is gone for good (TA6)', async (scope, k) => {
    const deleted = await send(ctx, scope, k.owner, 'deleteApiKey', { params: { id: k.id } }, succeeds(ctx, 'deleteApiKey', 'TA6', 'DELETE removes the key'));
    if (!deleted.ok) return;
    ctx.fixtures.forget('API key', k.id);
    expectEqual(scope, deleted.exchange, 'the body', deleted.body, { success: true }, because('business', 'TA6', 'DELETE answers {success: true}'));
    const notFound = ctx.messages.component('ApiKeyNotFound');
    await send(ctx, scope, k.owner, 'getApiKey', { params: { id: k.id } }, refused('business', 'TA6', 'a deleted key no longer exists', 404, notFound));
    await send(
      ctx,
      scope,
      k.actor,
      'getCurrentOrganization',
      {},
      refused('auth', 'TA6', 'a deleted key is an unknown key (TA3)', 401, ctx.messages.component('Unauthorized', 'invalidKey')),
    );
  });
  await lifecycleCase(ctx, 'an expiresAt in the past is a 422, one in the future is kept (TA6)', async (scope) => {
    const owner = ctx.need(scope, OWNER);
    const past = await send(
      ctx,
      scope,
      owner,
      'createApiKey',
      { json: { name: ctx.fixtures.name('past-key'), expiresAt: new Date(Date.now() - 86_400_000).toISOString() } },
      refused('business', 'TA6', 'a key cannot be made already expired', 422, ctx.messages.example('createApiKey', 422, 'pastExpiry')),
    );
    if (past.exchange.response && past.exchange.response.status < 300) await trackCreated(ctx, ctx.op('createApiKey'), owner, past.exchange);
    // A year on, to the millisecond as sent: far enough for any clock the target keeps.
    const expiresAt = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const future = await send(
      ctx,
      scope,
      owner,
      'createApiKey',
      { json: { name: ctx.fixtures.name('future-key'), expiresAt } },
      succeeds(ctx, 'createApiKey', 'TA6', 'a key may expire at a future date'),
    );
    if (!future.ok) return;
    await trackCreated(ctx, ctx.op('createApiKey'), owner, future.exchange);
    if (typeof future.body.key === 'string') ctx.secrets.add(future.body.key, 'an API key the run made');
    const at = expectTime(scope, future.exchange, 'expiresAt', future.body.expiresAt, because('business', 'TA6', 'the key expires when asked'));
    if (at !== null)
      expectEqual(
        scope,
        future.exchange,
        'expiresAt',
        new Date(at).toISOString(),
        expiresAt,
        because('business', 'TA6', 'the key keeps the expiresAt it was created with'),
      );
    const id = future.body.id;
    if (typeof id === 'string') {
      const gone = await send(ctx, scope, owner, 'deleteApiKey', { params: { id } }, succeeds(ctx, 'deleteApiKey', 'TA6', 'DELETE removes the key'));
      if (gone.ok) ctx.fixtures.forget('API key', id);
    }
  });
  await lifecycleCase(ctx, 'users with no organization manage their own keys (TA5)', async (scope) => {
    const actors = ['orgless', 'superadmin'].map((n) => ctx.actor(n)).filter((a): a is Actor => a !== undefined);
    if (actors.length === 0) scope.skip(`${ctx.missingReason('orgless')}; ${ctx.missingReason('superadmin')}`);
    for (const actor of actors) {
      const k = await createKey(ctx, scope, actor, 'orgless-key');
      if (!k) continue;
      const list = await send(ctx, scope, actor, 'listApiKeys', {}, succeeds(ctx, 'listApiKeys', 'TA5', `${actor.name} lists its keys`));
      const data = Array.isArray(list.body.data) ? (list.body.data as Json[]) : [];
      if (list.ok)
        expectThat(
          scope,
          list.exchange,
          data.some((d) => d.id === k.id),
          {
            ...because('business', 'TA5', 'any signed-in user manages keys, with or without an organization'),
            expected: `key ${k.id} in the list`,
            received: `${data.length} keys without it`,
          },
        );
      const gone = await send(
        ctx,
        scope,
        actor,
        'deleteApiKey',
        { params: { id: k.id } },
        succeeds(ctx, 'deleteApiKey', 'TA5', `${actor.name} deletes its key`),
      );
      if (gone.ok) ctx.fixtures.forget('API key', k.id);
    }
  });
}

/** Creates a key with `owner`'s session and checks the one-time answer (TA6, TA1); tracked for deletion. */
export async function createKey(ctx: ToursContext, scope: CaseScope, owner: Actor, label: string): Promise<MadeKey | null> {
  const name = ctx.fixtures.name(label);
  const created = await send(ctx, scope, owner, 'createApiKey', { json: { name } }, succeeds(ctx, 'createApiKey', 'TA6', `${owner.name} creates a key`));
  if (created.exchange.response && created.exchange.response.status < 300) await trackCreated(ctx, ctx.op('createApiKey'), owner, created.exchange);
  const key = created.body.key;
  const id = created.body.id;
  if (typeof key === 'string') ctx.secrets.add(key, 'an API key the run made');
  if (!created.ok || typeof id !== 'string') return null;
  const once = because(
    'business',
    'TA6',
    'the 201 holds the full key, tke_<live|test>_ and 32 base64url characters (TA1), and its first 12 characters as keyPrefix',
  );
  const shaped = expectThat(scope, created.exchange, typeof key === 'string' && FULL_KEY.test(key), {
    ...once,
    expected: `key matching ${String(FULL_KEY)}`,
    received: typeof key === 'string' ? `a key of ${key.length} characters starting ${key.slice(0, 9)}` : `key ${typeof key}`,
  });
  if (typeof key === 'string') expectEqual(scope, created.exchange, 'keyPrefix', created.body.keyPrefix, key.slice(0, 12), once);
  expectFields(
    scope,
    created.exchange,
    created.body,
    { name, status: 'active', lastUsedAt: null, expiresAt: null },
    because('business', 'TA6', 'a new key without expiresAt is active, unused and never expires'),
  );
  expectTime(scope, created.exchange, 'createdAt', created.body.createdAt, once);
  if (!shaped || typeof key !== 'string') return null;
  const record = pick(created.body, LISTED_FIELDS);
  const actor = credentialActor(`${owner.principal?.spec.name ?? owner.name} (new key)`, `a key ${owner.name} made`, null, { key }, owner.principal);
  return { owner, id, key, actor, record };
}

async function listedAndRead(ctx: ToursContext, scope: CaseScope, k: MadeKey): Promise<void> {
  const list = await send(ctx, scope, k.owner, 'listApiKeys', {}, succeeds(ctx, 'listApiKeys', 'TA6', 'the owner lists its keys'));
  if (!list.ok) return;
  const data = Array.isArray(list.body.data) ? (list.body.data as Json[]) : [];
  const entry = data.find((d) => d.id === k.id);
  const listed = because(
    'business',
    'TA6',
    "the list holds each of the user's keys with id, name, keyPrefix, status, createdAt, lastUsedAt, expiresAt, never the key",
  );
  if (!expectThat(scope, list.exchange, entry !== undefined, { ...listed, expected: `key ${k.id} in the list`, received: `${data.length} keys without it` }))
    return;
  const row = entry as Json;
  expectKeyHidden(scope, list.exchange, row, k.key, listed);
  expectFields(scope, list.exchange, row, pick(k.record, ['id', 'name', 'keyPrefix', 'status', 'createdAt', 'expiresAt']), listed);
  const used = because('business', 'TA6', 'lastUsedAt is set when the key is used');
  const lastUsed = expectTime(scope, list.exchange, 'lastUsedAt', row.lastUsedAt, used);
  const read = await send(ctx, scope, k.owner, 'getApiKey', { params: { id: k.id } }, succeeds(ctx, 'getApiKey', 'TA6', 'the owner reads its key'));
  if (!read.ok) return;
  expectKeyHidden(scope, read.exchange, read.body, k.key, listed);
  expectFields(
    scope,
    read.exchange,
    read.body,
    pick(
      row,
      LISTED_FIELDS.filter((f) => f !== 'lastUsedAt'),
    ),
    because('business', 'TA6', 'get returns the key as listed'),
  );
  if (lastUsed !== null) expectTime(scope, read.exchange, 'lastUsedAt', read.body.lastUsedAt, used);
  k.record = pick(read.body, LISTED_FIELDS);
}

async function hiddenFromOthers(ctx: ToursContext, scope: CaseScope, k: MadeKey): Promise<void> {
  const other = ctx.need(scope, OTHER);
  const notFound = ctx.messages.component('ApiKeyNotFound');
  const says = (what: string): ReturnType<typeof refused> =>
    refused('tenant', 'TA6', `users manage their own keys only: another user's key id is a 404 to ${what}`, 404, notFound);
  await send(ctx, scope, other, 'getApiKey', { params: { id: k.id } }, says('read'));
  await send(ctx, scope, other, 'updateApiKey', { params: { id: k.id }, json: { status: 'revoked' } }, says('change'));
  await send(ctx, scope, other, 'deleteApiKey', { params: { id: k.id } }, says('delete'));
  const still = await send(
    ctx,
    scope,
    k.owner,
    'getApiKey',
    { params: { id: k.id } },
    succeeds(ctx, 'getApiKey', 'TA6', "another user's attempts leave the key in place"),
  );
  if (still.ok)
    expectEqual(scope, still.exchange, 'status', still.body.status, 'active', because('tenant', 'TA6', "another user's PATCH does not revoke the key"));
}

function expectKeyHidden(scope: CaseScope, exchange: Exchange, row: Json, key: string, context: ReturnType<typeof because>): void {
  const named = 'key' in row;
  const shown = JSON.stringify(row).includes(key);
  expectThat(scope, exchange, !named && !shown, {
    ...context,
    expected: 'no full key',
    received: named ? 'a field named key' : 'the full key among the values',
  });
}

function pick(record: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.filter((k) => k in record).map((k) => [k, record[k]]));
}
