/**
 * The organization's own lifecycle (TO1) as acme-admin changes it: name, time zone and logo
 * updated, updatedAt moved, the logo cleared, bad values refused naming the field and changing
 * nothing, a body with no known field refused; then the original values written back. And the
 * platform's side (TO2) as the Super Admin: every organization listed, one read, updated and
 * restored by id, a missing one not deleted. What is changed is restored by a tracked clean-up
 * should a case stop midway.
 */
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { Actor } from '../../actors.js';
import type { CallArgs, ToursContext } from '../../context.js';
import { answer } from '../../fixtures.js';
import {
  because,
  expectEqual,
  expectFields,
  expectThat,
  expectTime,
  findListed,
  lifecycleCase,
  need,
  refused,
  send,
  succeeds,
  type Json,
  type Sent,
} from './shared.js';

/** The fields `PATCH` takes (TO1). */
const WRITABLE = ['name', 'logo', 'timezone'] as const;
/** The fields a `PATCH` leaves alone. */
const FIXED = ['id', 'slug', 'createdAt'] as const;

const ADMIN = 'acme-admin';
const PLATFORM = 'superadmin';

interface Target {
  readonly actor: Actor;
  readonly read: { operationId: string; args: CallArgs };
  readonly update: { operationId: string; args: CallArgs };
  readonly rule: string;
}

export async function organizationLifecycle(ctx: ToursContext): Promise<void> {
  let original: Json | null = null;
  let current: Json | null = null;
  const me = (actor: Actor): Target => ({
    actor,
    read: { operationId: 'getCurrentOrganization', args: {} },
    update: { operationId: 'updateCurrentOrganization', args: {} },
    rule: 'TO1',
  });
  const step = (name: string, body: (scope: CaseScope, t: Target, org: Json) => Promise<void>): Promise<unknown> =>
    lifecycleCase(ctx, name, async (scope) => body(scope, me(ctx.need(scope, ADMIN)), need(scope, current, 'the organization could not be updated')));

  await lifecycleCase(ctx, 'an admin updates the name, time zone and logo; updatedAt moves (TO1)', async (scope) => {
    const t = me(ctx.need(scope, ADMIN));
    const before = (await readOrganization(ctx, scope, t))?.body;
    if (!before) return;
    original = before;
    trackRestore(ctx, t, 'the organization acme', before);
    current = await update(ctx, scope, t, before, changedValues(ctx, before, 'Acme'));
    if (!current) return;
    const cleared = await update(ctx, scope, t, current, { logo: null }, 'logo: null removes the logo');
    if (cleared) current = cleared;
  });
  await step('a bad value is a 422 naming the field, and changes nothing (TO1)', (scope, t, org) => badValues(ctx, scope, t, org));
  await step('a PATCH with no known field is a 400 (TO1)', (scope, t) => noFields(ctx, scope, t, 'TO1'));
  await step('the original name, time zone and logo are written back (TO1)', async (scope, t, org) => {
    const back = need(scope, original, 'the original values are unknown');
    const restored = await update(ctx, scope, t, org, pickWritable(back), 'the original values are written back');
    if (restored) ctx.fixtures.forget('organization', 'acme');
  });

  await platformLifecycle(ctx);
}

async function platformLifecycle(ctx: ToursContext): Promise<void> {
  const acme = ctx.orgId('acme');
  const globex = ctx.orgId('globex');
  let listed: Json | null = null;
  const byId = (actor: Actor, id: string): Target => ({
    actor,
    read: { operationId: 'getOrganizationById', args: { params: { id } } },
    update: { operationId: 'updateOrganizationById', args: { params: { id } } },
    rule: 'TO2',
  });

  await lifecycleCase(
    ctx,
    'the Super Admin lists every organization, paged (TO2)',
    async (scope) => {
      const actor = ctx.need(scope, PLATFORM);
      const id = need(scope, globex, "needs Globex's id, which none of its principals could read");
      const found = await findListed(
        ctx,
        scope,
        actor,
        'listOrganizations',
        (o) => o.id === id,
        succeeds(ctx, 'listOrganizations', 'TO2', 'the Super Admin lists the organizations'),
      );
      if (!found) return;
      const every = because('business', 'TO2', 'the list holds every organization of the platform');
      for (const [name, orgId] of [
        ['Globex', globex],
        ['Acme', acme],
      ] as const) {
        if (orgId)
          expectThat(
            scope,
            found.exchange,
            found.items.some((o) => o.id === orgId),
            {
              ...every,
              expected: `${name} (${orgId}) in the list`,
              received: `${found.items.length} organizations without it`,
            },
          );
      }
      listed = found.item;
    },
    false,
  );
  await lifecycleCase(ctx, 'the Super Admin reads, updates and restores an organization by id (TO2)', async (scope) => {
    const actor = ctx.need(scope, PLATFORM);
    const id = need(scope, globex, "needs Globex's id, which none of its principals could read");
    const t = byId(actor, id);
    const read = await readOrganization(ctx, scope, t);
    if (!read) return;
    const before = read.body;
    if (listed)
      expectEqual(
        scope,
        read.exchange,
        'the organization',
        before,
        listed,
        because('business', 'TO2', 'get by id returns the organization as the list shows it'),
      );
    trackRestore(ctx, t, 'the organization globex', before);
    const changed = await update(ctx, scope, t, before, { name: `Globex conf-${ctx.runId}` });
    if (!changed) return;
    await send(
      ctx,
      scope,
      actor,
      'updateOrganizationById',
      { params: { id }, json: { timezone: 'Atlantis/Lost_City' } },
      refused(
        'business',
        'TO2',
        'PATCH by id has the rules of PATCH /me: a time zone that is not IANA is a 422 (TO1)',
        422,
        ctx.messages.component('InvalidOrganizationValue', 'timezone'),
      ),
    );
    await noFields(ctx, scope, t, 'TO2');
    const restored = await update(ctx, scope, t, changed, pickWritable(before), 'the original values are written back');
    if (restored) ctx.fixtures.forget('organization', 'globex');
  });
  await lifecycleCase(ctx, 'deleting an organization that does not exist is a 404 (TO2)', async (scope) => {
    const actor = ctx.need(scope, PLATFORM);
    await send(
      ctx,
      scope,
      actor,
      'deleteOrganizationById',
      { params: { id: `conf-${ctx.runId}-no-such-organization` } },
      refused('business', 'TO2', 'there is no organization of that id to delete', 404, ctx.messages.component('OrganizationNotFound')),
    );
  });
  await lifecycleCase(ctx, 'deleting an organization removes it with its members, roles, invitations and keys (TO2)', async (scope) =>
    scope.skip(
      'not exercised: the API has no way to create an organization (nor has the mock control plane), and deleting Acme or Globex would take every principal of the run with it',
    ),
  );
}

async function readOrganization(ctx: ToursContext, scope: CaseScope, t: Target): Promise<Sent | null> {
  const read = await send(
    ctx,
    scope,
    t.actor,
    t.read.operationId,
    t.read.args,
    succeeds(ctx, t.read.operationId, t.rule, `${t.actor.name} reads the organization`),
  );
  return read.ok ? read : null;
}

/** New values, each unlike the current one, marked with the run id. */
function changedValues(ctx: ToursContext, org: Json, label: string): Json {
  const timezone = org.timezone === 'Asia/Tokyo' ? 'Europe/Lisbon' : 'Asia/Tokyo';
  return { name: `${label} conf-${ctx.runId}`, timezone, logo: `https://example.test/conf-${ctx.runId}/logo.png` };
}

function pickWritable(org: Json): Json {
  return Object.fromEntries(WRITABLE.map((k) => [k, org[k] ?? null]));
}

/**
 * Sends a PATCH and checks the answer and a read after it: the fields sent changed, the others
 * did not, updatedAt moved on. Returns the organization as it now is.
 */
async function update(
  ctx: ToursContext,
  scope: CaseScope,
  t: Target,
  before: Json,
  change: Json,
  says = 'a PATCH changes the fields it carries',
): Promise<Json | null> {
  const sent = await send(ctx, scope, t.actor, t.update.operationId, { ...t.update.args, json: change }, succeeds(ctx, t.update.operationId, t.rule, says));
  if (!sent.ok) return null;
  const expected = { ...pickWritable(before), ...Object.fromEntries(FIXED.map((k) => [k, before[k]])), ...change };
  const context = because('business', t.rule, `${says}; id, slug and createdAt stay, and the answer is the organization after the update`);
  expectFields(scope, sent.exchange, sent.body, expected, context);
  const moved = because('business', t.rule, 'updatedAt is the time of the last update');
  const was = expectTime(scope, sent.exchange, 'updatedAt before', before.updatedAt, moved);
  const now = expectTime(scope, sent.exchange, 'updatedAt', sent.body.updatedAt, moved);
  if (was !== null && now !== null)
    expectThat(scope, sent.exchange, now > was, {
      ...moved,
      expected: `updatedAt after ${String(before.updatedAt)}`,
      received: `updatedAt ${String(sent.body.updatedAt)}`,
    });
  const read = await send(ctx, scope, t.actor, t.read.operationId, t.read.args, succeeds(ctx, t.read.operationId, t.rule, 'the updated organization reads'));
  if (read.ok)
    expectEqual(
      scope,
      read.exchange,
      'the organization',
      read.body,
      sent.body,
      because('business', t.rule, 'a read after the update shows what the update answered'),
    );
  return sent.body;
}

async function badValues(ctx: ToursContext, scope: CaseScope, t: Target, org: Json): Promise<void> {
  const message = (field: 'name' | 'logo' | 'timezone'): string => ctx.messages.component('InvalidOrganizationValue', field);
  const cases: [string, Json, 'name' | 'logo' | 'timezone'][] = [
    ['an empty name', { name: '' }, 'name'],
    ['a name of 101 characters', { name: 'x'.repeat(101) }, 'name'],
    ['a logo that is an ftp URL', { logo: 'ftp://example.test/logo.png' }, 'logo'],
    ['a logo that is a relative path', { logo: 'images/logo.png' }, 'logo'],
    ['a time zone that is not IANA', { timezone: 'Mars/Olympus_Mons' }, 'timezone'],
    ['a good name with a bad time zone', { name: `Acme conf-${ctx.runId} partial`, timezone: 'GMT+25' }, 'timezone'],
  ];
  for (const [what, json, field] of cases)
    await send(
      ctx,
      scope,
      t.actor,
      t.update.operationId,
      { ...t.update.args, json },
      refused('business', t.rule, `${what} is a value not allowed: a 422 naming ${field}`, 422, message(field)),
    );
  const read = await send(ctx, scope, t.actor, t.read.operationId, t.read.args, succeeds(ctx, t.read.operationId, t.rule, 'the organization reads'));
  if (read.ok)
    expectEqual(
      scope,
      read.exchange,
      'the organization',
      read.body,
      org,
      because('business', t.rule, 'a refused update changes nothing, not even its good fields'),
    );
}

async function noFields(ctx: ToursContext, scope: CaseScope, t: Target, rule: string): Promise<void> {
  const message = ctx.messages.component('BadPatchBody', 'noFields');
  await send(
    ctx,
    scope,
    t.actor,
    t.update.operationId,
    { ...t.update.args, json: {} },
    refused('business', rule, 'an empty PATCH is a 400 (section 4)', 400, message),
  );
  await send(
    ctx,
    scope,
    t.actor,
    t.update.operationId,
    { ...t.update.args, json: { slug: `conf-${ctx.runId}`, id: 'another-id' } },
    refused('business', rule, 'a PATCH with only fields it does not take (slug, id) is a 400 (section 4)', 400, message),
  );
}

/** Writes the original values back at the end of the run, should a case stop before doing it. */
function trackRestore(ctx: ToursContext, t: Target, what: string, original: Json): void {
  ctx.fixtures.track('organization', what.replace('the organization ', ''), async (scope) => {
    const exchange = await ctx.call(scope, t.actor, t.update.operationId, { ...t.update.args, json: pickWritable(original) });
    return exchange.response?.status === 200 ? null : `${what} keeps values the run gave it: ${answer(exchange)}`;
  });
}
