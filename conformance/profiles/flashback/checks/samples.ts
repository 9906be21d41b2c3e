/**
 * A response of every operation, for the sweeps (envelopes, secrets) when the matrix, which calls
 * every operation as every principal, is not part of the run: each operation as the owner, as
 * BILLING and with no token, planned as the matrix plans it, plus an unknown route and a wrong
 * method. Not a case: the sweeps judge the answers.
 */
import type { RunContext } from '../context.js';
import { CaseScope, SkipCase } from '../../../kernel/recorder.js';
import { cellMutates, MatrixTargets, planCell } from './matrix.js';

const done = new WeakSet<RunContext>();

export async function sampleEveryOperation(ctx: RunContext): Promise<void> {
  if (done.has(ctx) || ctx.options.only.includes('matrix')) return;
  done.add(ctx);
  const scope = new CaseScope(ctx.recorder, 'samples', 'envelopes');
  const targets = new MatrixTargets(ctx);
  const actors = [ctx.actor('owner'), ctx.actor('billing'), ctx.pseudo[0]];
  for (const op of ctx.spec.operations) {
    for (const actor of actors) {
      if (!actor || (ctx.options.readOnly && cellMutates(ctx, op, actor))) continue;
      try {
        const plan = await planCell(ctx, scope, targets, op, actor);
        await ctx.call(scope, actor, op.operationId, plan.args);
      } catch (err) {
        if (!(err instanceof SkipCase)) throw err;
      }
    }
  }
  await ctx.stray(scope, null, 'RouteNotFound', { method: 'GET', path: `/conformance-${ctx.runId}-unknown` });
  await ctx.stray(scope, ctx.actor('owner') ?? null, 'MethodNotAllowed', { method: 'PATCH', path: '/organization/users' });
}
