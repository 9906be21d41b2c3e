/**
 * An organization role from creation to deletion (TR4, TR6, TR8), made by acme-owner and held for
 * a while by one member (orgless as an Acme member, else acme-member): created with its fields,
 * listed after the system roles, given to the member, who then holds exactly its permissions (and,
 * holding users.update and users.delete, still cannot change or remove its own membership, TM2);
 * renamed, the member keeping it under its new name; refused a PATCH with no known field; refused
 * deletion while held, deleted once free. The member gets its role back in the case that took it,
 * and at the end of the run should a case stop midway.
 */
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { Actor } from '../../actors.js';
import type { ToursContext } from '../../context.js';
import { answer } from '../../fixtures.js';
import { trackCreated } from '../records.js';
import {
  because,
  expectEqual,
  expectFields,
  expectPermissions,
  expectThat,
  expectTime,
  findListed,
  lifecycleCase,
  memberOf,
  need,
  patchMember,
  refused,
  sameSet,
  send,
  succeeds,
  systemPermissions,
  type Json,
} from './shared.js';

/** A member who holds the role for a while. */
export interface Holder {
  readonly name: string;
  readonly memberId: string;
  readonly userId: string | null;
  readonly email: string;
  /** The holder's own session (its self-change is refused, TM2). */
  readonly session: Actor;
  /** The role it holds before and after. */
  readonly role: string;
  /** Whether a wrongly allowed self-removal would cost nothing the run needs (orgless is removed anyway). */
  readonly mayRemoveSelf: boolean;
}

const MANAGER = 'acme-owner';
/** Enough to try a change of one's own membership, which TM2 refuses all the same. */
const GRANTED = ['users.update', 'users.delete'];

interface MadeRole {
  readonly id: string;
  record: Json;
}

export async function roleLifecycle(ctx: ToursContext, holder: Holder | null): Promise<void> {
  let role: MadeRole | null = null;
  let held = false;
  const step = (name: string, body: (scope: CaseScope, manager: Actor, r: MadeRole) => Promise<void>): Promise<unknown> =>
    lifecycleCase(ctx, name, async (scope) => body(scope, ctx.need(scope, MANAGER), need(scope, role, 'the role of this lifecycle could not be created')));
  const holding = (name: string, body: (scope: CaseScope, manager: Actor, r: MadeRole, h: Holder) => Promise<void>): Promise<unknown> =>
    step(name, async (scope, manager, r) => {
      const h = need(scope, holder, 'no member may hold the role: orgless did not join Acme and acme-member is not given');
      if (!held) scope.skip(`${h.name} was not given the role`);
      await body(scope, manager, r, h);
    });

  await lifecycleCase(ctx, 'an organization role is created with its fields (TR4)', async (scope) => {
    const manager = ctx.need(scope, MANAGER);
    const body = { name: ctx.fixtures.name('role'), description: `Made by the conformance run ${ctx.runId}`, permissions: GRANTED };
    const created = await send(ctx, scope, manager, 'createRole', { json: body }, succeeds(ctx, 'createRole', 'TR4', `${MANAGER} creates a role`));
    if (created.exchange.response && created.exchange.response.status < 300) await trackCreated(ctx, ctx.op('createRole'), manager, created.exchange);
    const id = created.body.id;
    if (!created.ok || typeof id !== 'string') return;
    const context = because('business', 'TR4', "a new role is the organization's, with the name, description and permissions asked, shadowing nothing");
    expectFields(scope, created.exchange, created.body, { name: body.name, description: body.description, scope: 'organization', shadowed: false }, context);
    expectThat(scope, created.exchange, sameSet(created.body.permissions, GRANTED), {
      ...context,
      expected: `permissions ${GRANTED.join(', ')}`,
      received: `permissions ${JSON.stringify(created.body.permissions)}`,
    });
    expectTime(scope, created.exchange, 'createdAt', created.body.createdAt, context);
    role = { id, record: created.body };
  });
  await step('the new role is listed after the system roles (TR8)', async (scope, manager, r) => {
    const listed = await findListed(ctx, scope, manager, 'listRoles', (x) => x.id === r.id, succeeds(ctx, 'listRoles', 'TR8', `${MANAGER} lists the roles`));
    if (!listed) return;
    const context = because('business', 'TR8', "the list holds the system roles first, then the organization's own, each as created");
    if (
      !expectThat(scope, listed.exchange, listed.item !== null, {
        ...context,
        expected: `role ${r.id} in the list`,
        received: `${listed.items.length} roles without it`,
      })
    )
      return;
    expectEqual(scope, listed.exchange, 'the role', listed.item, r.record, context);
    const at = listed.items.findIndex((x) => x.id === r.id);
    const systemAfter = listed.items.slice(at + 1).filter((x) => x.scope === 'system');
    expectThat(scope, listed.exchange, systemAfter.length === 0, {
      ...context,
      expected: 'no system role after it',
      received: `system roles after it: ${systemAfter.map((x) => String(x.name)).join(', ')}`,
    });
  });
  await step('a member given the role holds exactly its permissions (TR4, TR7)', async (scope, manager, r) => {
    const h = need(scope, holder, 'no member may hold the role: orgless did not join Acme and acme-member is not given');
    trackRoleBack(ctx, manager, h);
    const given = await patchMember(ctx, scope, manager, h.memberId, { role: r.record.name }, 'TR4', 'a member is given an organization role');
    if (!given) return;
    held = true;
    await expectPermissions(
      ctx,
      scope,
      h.session,
      String(r.record.name),
      GRANTED,
      'TR4',
      "a member of an organization role holds that role's permissions, no more, no less (TR7)",
    );
  });
  await holding('nobody changes or removes their own membership, whatever they hold (TM2)', async (scope, _manager, _r, h) => {
    const own = ctx.messages.shared('OwnMembership');
    await send(
      ctx,
      scope,
      h.session,
      'updateMember',
      { params: { memberId: h.memberId }, json: { role: h.role } },
      refused('business', 'TM2', 'a member holding users.update cannot change its own role', 422, own),
    );
    if (h.mayRemoveSelf)
      await send(
        ctx,
        scope,
        h.session,
        'removeMember',
        { params: { memberId: h.memberId } },
        refused('business', 'TM2', 'a member holding users.delete cannot remove itself', 422, own),
      );
  });
  await holding('a renamed role keeps its holders, under its new name (TR6)', async (scope, manager, r, h) => {
    const name = ctx.fixtures.name('renamed');
    const renamed = await send(
      ctx,
      scope,
      manager,
      'updateRole',
      { params: { id: r.id }, json: { name } },
      succeeds(ctx, 'updateRole', 'TR6', 'an organization role is renamed'),
    );
    if (!renamed.ok) return;
    const context = because('business', 'TR6', 'a rename changes the name and nothing else');
    expectFields(scope, renamed.exchange, renamed.body, { ...r.record, name }, context);
    r.record = { ...r.record, name };
    const listed = await memberOf(ctx, scope, manager, { userId: h.userId, email: h.email });
    if (listed)
      expectEqual(
        scope,
        listed.exchange,
        `role of member ${h.memberId}`,
        listed.item?.role,
        name,
        because('business', 'TR6', 'the members holding a renamed role keep it under its new name'),
      );
    await expectPermissions(ctx, scope, h.session, name, GRANTED, 'TR6', 'the holder of a renamed role keeps its permissions, under the new name');
  });
  await step('a role PATCH with no known field is a 400 (TR6)', async (scope, manager, r) => {
    const message = ctx.messages.component('BadPatchBody', 'noFields');
    await send(
      ctx,
      scope,
      manager,
      'updateRole',
      { params: { id: r.id }, json: {} },
      refused('business', 'TR6', 'an empty PATCH is a 400 (section 4)', 400, message),
    );
    await send(
      ctx,
      scope,
      manager,
      'updateRole',
      { params: { id: r.id }, json: { scope: 'system', shadowed: true } },
      refused('business', 'TR6', 'PATCH takes name, description and permissions: a body with none of them is a 400 (section 4)', 400, message),
    );
  });
  await step('a role still held cannot be deleted; once free it is (TR6)', async (scope, manager, r) => {
    if (held && holder) {
      await send(
        ctx,
        scope,
        manager,
        'deleteRole',
        { params: { id: r.id } },
        refused('business', 'TR6', 'an organization role some member holds cannot be deleted', 409, ctx.messages.example('deleteRole', 409, 'assigned')),
      );
      const back = await patchMember(ctx, scope, manager, holder.memberId, { role: holder.role }, 'TM2', `${holder.name} gets its role back`);
      if (!back) return;
      held = false;
      ctx.fixtures.forget('membership', roleBackId(holder));
    }
    const deleted = await send(
      ctx,
      scope,
      manager,
      'deleteRole',
      { params: { id: r.id } },
      succeeds(ctx, 'deleteRole', 'TR6', 'an organization role nobody holds is deleted'),
    );
    if (!deleted.ok) return;
    ctx.fixtures.forget('role', r.id);
    role = null;
    expectEqual(scope, deleted.exchange, 'the body', deleted.body, { success: true }, because('business', 'TR6', 'DELETE answers {success: true}'));
    const listed = await findListed(ctx, scope, manager, 'listRoles', (x) => x.id === r.id, succeeds(ctx, 'listRoles', 'TR6', `${MANAGER} lists the roles`));
    if (listed)
      expectEqual(scope, listed.exchange, `role ${r.id} in the list`, listed.item, null, because('business', 'TR6', 'a deleted role is gone from the list'));
    if (holder)
      await expectPermissions(ctx, scope, holder.session, holder.role, systemPermissions(ctx, holder.role), 'TR6', `${holder.name} holds its own role again`);
  });
}

function roleBackId(h: Holder): string {
  return `${h.memberId} (role ${h.role})`;
}

/** Gives the holder its role back at the end of the run (before the role's deletion, which runs after: newest first). */
function trackRoleBack(ctx: ToursContext, manager: Actor, h: Holder): void {
  ctx.fixtures.track('membership', roleBackId(h), async (scope) => {
    const exchange = await ctx.call(scope, manager, 'updateMember', { params: { memberId: h.memberId }, json: { role: h.role } });
    const status = exchange.response?.status ?? 0;
    return status === 200 || status === 404 ? null : `${h.name} keeps the role the run gave it: ${answer(exchange)}`;
  });
}
