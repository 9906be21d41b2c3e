/**
 * Organization roles and shadowing (TR4): an Acme role named like the system coordinator replaces it
 * for Acme's coordinator (map and gates), shows in the role list (TR8), may be deleted while held
 * (TR6), and then the system role applies again. Role names: `owner` and `admin` are reserved, a name
 * is a slug, a name is unique in its organization, on create and on rename (TR4, TR6). Globex's seeded
 * shadow takes from Globex's coordinator what Acme's coordinator keeps: shadowing is per organization.
 */
import type { Expected } from '../../../../kernel/expected.js';
import { byRule } from '../../../../kernel/expected.js';
import type { Exchange } from '../../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { ToursContext } from '../../context.js';
import { permissionsOf } from '../../expectations.js';
import { ORG_ROLES } from '../../principals.js';
import {
  checkPermissionMap,
  createRole,
  deleteRole,
  expectThat,
  freshSession,
  FreshSessions,
  gateProbes,
  probeAll,
  runCase,
  sameSet,
  show,
  systemRoles,
  tryCreateRole,
  type Holder,
  type Json,
} from './shared.js';
import { listAllRoles } from './system-roles.js';

const OWNER = 'acme-owner';
const SHADOWED = 'acme-coordinator';

export async function runShadowing(ctx: ToursContext): Promise<void> {
  const sessions = new FreshSessions(ctx);
  await runCase(
    ctx,
    "an Acme role named coordinator replaces the system role for Acme's coordinator, and once deleted, while held, the system role applies again (TR4, TR6, TR8)",
    true,
    (scope) => acmeShadow(ctx, scope, sessions),
  );
  await runCase(
    ctx,
    'owner and admin are reserved role names, a role name is a slug and unique in its organization, on create and on rename (TR4)',
    true,
    (scope) => roleNames(ctx, scope, sessions),
  );
  await runCase(
    ctx,
    "Globex's own coordinator role shadows the system one in Globex only: Globex's coordinator is refused what Acme's is let do (TR4)",
    false,
    (scope) => perOrganization(ctx, scope),
  );
}

async function acmeShadow(ctx: ToursContext, scope: CaseScope, sessions: FreshSessions): Promise<void> {
  const spec = ctx.principal(SHADOWED)?.spec ?? scope.skip(ctx.missingReason(SHADOWED));
  const name = spec.role ?? scope.skip(`${SHADOWED} has no role in the catalogue`);
  const system = systemRoles(ctx).find((r) => r.name === name) ?? scope.skip(`the spec has no system role ${name}`);
  if (system.permissions.length < 2) scope.skip(`the system role ${name} holds fewer than two keys: no smaller set to shadow it with`);
  // A strict part of the system role's keys: what the shadow drops must close, what it keeps stay open.
  const kept = system.permissions.slice(-1);
  const owner = await sessions.get(scope, OWNER);
  const coordinator = await freshSession(ctx, scope, SHADOWED);
  const key = ctx.actor(SHADOWED, 'apiKey');
  const probes = gateProbes(ctx);

  const id = await createRole(ctx, scope, owner, { name, description: `Shadows the system ${name}`, permissions: kept }, owner, 'TR4');
  if (!id) return;
  const shadow: Holder = { role: name, permissions: new Set(kept) };
  const who = `${SHADOWED} under Acme's shadow ${name} (${kept.join(', ')})`;
  await checkPermissionMap(ctx, scope, coordinator, shadow, 'TR4', who);
  if (key) await checkPermissionMap(ctx, scope, key, shadow, 'TA4', `${who}, with an API key`);
  await probeAll(ctx, scope, coordinator, probes, shadow, 'TR4', who);

  const roles = await listAllRoles(ctx, scope, owner);
  if (roles) {
    const row = (scope_: string): Json | undefined => roles.rows.find((r) => r.name === name && r.scope === scope_);
    const sys = row('system');
    const own = row('organization');
    expectThat(scope, roles.exchange, sys?.shadowed === true, {
      kind: 'business',
      reason: `TR8: the system ${name} is shadowed in Acme while Acme has a role of that name`,
      expected: `the system role ${name} with shadowed: true`,
      received: show(sys),
    });
    expectThat(scope, roles.exchange, own?.id === id && own.shadowed === false && sameSet(own.permissions, kept), {
      kind: 'business',
      reason: `TR8: Acme's own ${name} is listed with scope organization, shadowed false and its permissions`,
      expected: `{id: ${JSON.stringify(id)}, scope: "organization", shadowed: false, permissions: ${JSON.stringify(kept)}}`,
      received: show(own),
    });
  }
  const again = await tryCreateRole(ctx, scope, owner, { name, permissions: [] }, owner);
  ctx.expect(scope, again, byRule('business', 'TR4', `Acme has a role named ${name} already`, 409, ctx.messages.component('RoleNameTaken', 'duplicate')));

  // TR6: a shadow may be deleted while held; its holders fall back to the system role.
  await deleteRole(ctx, scope, owner, id, 'TR6');
  const back: Holder = { role: name, permissions: new Set(system.permissions) };
  const whoBack = `${SHADOWED} after the shadow is deleted (the system ${name} again)`;
  await checkPermissionMap(ctx, scope, coordinator, back, 'TR4', whoBack);
  await probeAll(ctx, scope, coordinator, probes, back, 'TR4', whoBack);
}

async function roleNames(ctx: ToursContext, scope: CaseScope, sessions: FreshSessions): Promise<void> {
  const owner = await sessions.get(scope, OWNER);
  const invalid = (example: string, says: string, message = ctx.messages.component('InvalidRoleValue', example)): Expected =>
    byRule('business', 'TR4', says, 422, message);
  const taken = (says: string): Expected => byRule('business', 'TR4', says, 409, ctx.messages.component('RoleNameTaken', 'duplicate'));
  const reservedExample = ctx.messages.component('InvalidRoleValue', 'reserved');
  const reserved = systemRoles(ctx).filter((r) => r.reserved);
  const notSlugs = ['Guide-lead', 'guide lead', 'guide_lead', '1guide', 'g', `g${'a'.repeat(32)}`];

  for (const role of reserved) {
    // The spec's example names one reserved role; the message names the role asked for.
    const message = reservedExample.replace(/"[^"]*"/, `"${role.name}"`);
    const exchange = await tryCreateRole(ctx, scope, owner, { name: role.name, permissions: [] }, owner);
    ctx.expect(scope, exchange, invalid('reserved', `${role.name} cannot be shadowed`, message));
  }
  for (const name of notSlugs) {
    const exchange = await tryCreateRole(ctx, scope, owner, { name, permissions: [] }, owner);
    ctx.expect(scope, exchange, invalid('notASlug', `${JSON.stringify(name)} is no slug ^[a-z][a-z0-9-]{1,31}$`));
  }

  const name = ctx.fixtures.name('names');
  const id = await createRole(ctx, scope, owner, { name, permissions: [] }, owner, 'TR4');
  if (!id) return;
  ctx.expect(scope, await tryCreateRole(ctx, scope, owner, { name, permissions: [] }, owner), taken(`Acme has a role named ${name} already`));
  for (const seeded of Object.keys(ORG_ROLES.acme)) {
    ctx.expect(scope, await tryCreateRole(ctx, scope, owner, { name: seeded, permissions: [] }, owner), taken(`Acme has its own role ${seeded} already`));
  }
  // TR6: a rename follows the naming rules of TR4. Whatever a wrong target renames, the role keeps its id and is deleted by it.
  const rename = async (to: string): Promise<Exchange> => ctx.call(scope, owner, 'updateRole', { params: { id }, json: { name: to } });
  for (const role of reserved) {
    ctx.expect(
      scope,
      await rename(role.name),
      invalid('reserved', `a rename to ${role.name} is refused as a new role of that name is`, reservedExample.replace(/"[^"]*"/, `"${role.name}"`)),
    );
  }
  ctx.expect(scope, await rename('Not A Slug'), invalid('notASlug', 'a rename must give a slug'));
  for (const seeded of Object.keys(ORG_ROLES.acme)) ctx.expect(scope, await rename(seeded), taken(`a rename onto Acme's own ${seeded}`));
  await deleteRole(ctx, scope, owner, id, 'TR6');
}

async function perOrganization(ctx: ToursContext, scope: CaseScope): Promise<void> {
  const probes = gateProbes(ctx, { readOnly: ctx.options.readOnly, kinds: ['permission'] });
  const holders: { name: string; holder: Holder }[] = [];
  for (const name of ['globex-coordinator', SHADOWED]) {
    const spec = ctx.principal(name)?.spec ?? scope.skip(ctx.missingReason(name));
    holders.push({ name, holder: { role: spec.role, permissions: permissionsOf(ctx.model, spec) } });
  }
  const [globex, acme] = holders as [(typeof holders)[0], (typeof holders)[0]];
  // The case tells shadowing per organization only where the two coordinators differ.
  const differ = probes.filter(
    (p) =>
      p.op.access.gate?.kind === 'permission' &&
      globex.holder.permissions.has(p.op.access.gate.permission) !== acme.holder.permissions.has(p.op.access.gate.permission),
  );
  if (differ.length === 0) scope.skip('no probe the case may send tells the two coordinators apart');
  for (const { name, holder } of holders) {
    const actor = ctx.need(scope, name);
    await probeAll(ctx, scope, actor, probes, holder, 'TR4', `${name} (${[...holder.permissions].join(', ') || 'no permission'})`);
  }
}
