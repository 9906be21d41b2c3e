/**
 * The caller's permission map (TR7), for every principal with an active membership: `role` is the
 * principal's role name; `permissions` has exactly the catalogue's keys (TR1), each a boolean, true
 * where the principal's effective role holds it (TR2, and TR4 for Globex's shadowed coordinator); and
 * it agrees with what the principal meets: the case sends its own probe through every permission gate
 * and checks that the gate let the principal through exactly where the map says true. The key's map
 * is the session's (TA4: a key acts as its user). Principals without an active membership get the
 * membership 403 (TM1), which the matrix checks.
 *
 * No probe writes (shared.ts), but with --read-only the case sends only the GETs.
 */
import type { CaseScope } from '../../../../kernel/recorder.js';
import type { ToursContext } from '../../context.js';
import { permissionsOf } from '../../expectations.js';
import { TOURS_PRINCIPALS, type PrincipalSpec } from '../../principals.js';
import { checkPermissionMap, expectThat, gateProbes, runCase, show, type Holder } from './shared.js';

export async function runPermissionMaps(ctx: ToursContext): Promise<void> {
  for (const spec of TOURS_PRINCIPALS) {
    if (!spec.org || spec.suspended) continue;
    await runCase(ctx, `the permission map of ${spec.name} names its role, has every catalogue key and agrees with the gates it meets (TR7)`, false, (scope) =>
      permissionMap(ctx, scope, spec),
    );
  }
}

async function permissionMap(ctx: ToursContext, scope: CaseScope, spec: PrincipalSpec): Promise<void> {
  const session = ctx.need(scope, spec.name);
  const holder: Holder = { role: spec.role, permissions: permissionsOf(ctx.model, spec) };
  const map = await checkPermissionMap(ctx, scope, session, holder, 'TR7', spec.name);
  if (!map) return;
  const key = ctx.actor(spec.name, 'apiKey');
  if (key) await checkPermissionMap(ctx, scope, key, holder, 'TA4', `${spec.name}, with an API key (a key acts as its user)`);

  for (const probe of gateProbes(ctx, { readOnly: ctx.options.readOnly, kinds: ['permission'] })) {
    const gate = probe.op.access.gate;
    if (gate?.kind !== 'permission') continue;
    const exchange = await ctx.call(scope, session, probe.op.operationId, probe.args);
    const status = exchange.response?.status;
    if (status === undefined) continue; // no answer: the no-5xx rule reports it
    const through = status !== 403;
    const says = map[gate.permission] === true;
    expectThat(scope, exchange, through === says, {
      kind: 'role',
      reason: `TR7: the map says ${gate.permission}: ${String(says)}, and ${gate.permission} is the gate of ${probe.op.operationId}`,
      expected: says ? `passage through the gate (${probe.past.words})` : `the gate's 403`,
      received: `${status} ${show(exchange.response?.json)}`,
    });
  }
}
