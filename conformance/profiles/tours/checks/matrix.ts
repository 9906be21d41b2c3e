/**
 * The permission matrix: every operation as every principal, once by session and once by API key,
 * and as every pseudo-principal; each cell expects what the operation's access rule gives
 * (expectations.ts): a 401, the session-only 403 (TA5), the membership 403s (TM1), the gate's 403
 * (TR2, TR3, TR4), or, for a caller the rules let through, the operation's own answer.
 *
 * A cell changes nothing that matters: an operation that names a record aims at one that does not
 * exist (a caller let through gets the record's 404, which tells an open gate from a closed one;
 * the lifecycles prove the successes), an organization update writes back the current name, and
 * what a create makes is tracked and removed at the end. Sign-out ends a session signed in for it.
 */
import type { OperationSpec } from '../../../../src/contract/index.js';
import type { Expected } from '../../../kernel/expected.js';
import { bodyField, type Exchange } from '../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { byRule } from '../../../kernel/expected.js';
import type { Actor } from '../actors.js';
import { credentialActor } from '../actors.js';
import type { CallArgs, ToursContext } from '../context.js';
import type { CallFacts } from '../expectations.js';
import { answer } from '../fixtures.js';
import { ORG_ROLES } from '../principals.js';
import { signIn, trackCreated } from './records.js';

interface CellPlan {
  readonly actor: Actor;
  readonly args: CallArgs;
  readonly facts: CallFacts;
}

export async function runMatrix(ctx: ToursContext): Promise<void> {
  const actors = [...ctx.allActors(), ...ctx.pseudo];
  for (const op of ctx.spec.operations) {
    for (const actor of actors) await runCell(ctx, op, actor);
  }
}

async function runCell(ctx: ToursContext, op: OperationSpec, actor: Actor): Promise<void> {
  let expected: Expected | null = null;
  let exchange: Exchange | null = null;
  const name = `${op.operationId} as ${actor.name}${citation(cellRules(ctx, op, actor))}`;
  const result = await ctx.recorder.run('matrix', name, { mutates: op.method !== 'GET' }, async (scope) => {
    const plan = await planCell(ctx, scope, op, actor);
    const expectation = ctx.expected(op.operationId, plan.actor, plan.facts);
    if (expectation.status === null) return scope.skip(expectation.why);
    expected = expectation;
    exchange = await ctx.call(scope, plan.actor, op.operationId, plan.args);
    ctx.expect(scope, exchange, expectation);
    if (exchange.response && exchange.response.status < 300) await trackCreated(ctx, op, plan.actor, exchange);
  });
  const sent = exchange as Exchange | null;
  const wanted = expected as Expected | null;
  ctx.recorder.cell({
    operationId: op.operationId,
    principal: actor.name,
    expected: wanted ? { status: wanted.status, message: wanted.message, reason: wanted.reason } : null,
    received: sent?.response?.status ?? null,
    outcome: result.status === 'failed' ? 'fail' : result.status === 'skipped' ? 'skip' : 'pass',
    note: result.skipReason,
    caseId: result.id,
    exchangeId: sent?.id ?? null,
  });
}

/**
 * The rules a cell tells right from wrong on, for its name: the step of section 4 that refuses the
 * caller (TA3 a credential, TA5 a key where a session is needed, TM1 the membership, the gate: TR2 a
 * permission, TR4 where the caller's role is its organization's own, TR3 a role or the platform flag,
 * TO2 the platform's), and sign-in's one 401 (TA2). A cell the rules let through cites nothing: its
 * 404 of a missing record, or its success, is the lifecycles' to prove.
 */
function cellRules(ctx: ToursContext, op: OperationSpec, actor: Actor): readonly string[] {
  if (op.operationId === 'signInEmail') return actor.principal ? [] : ['TA2'];
  const facts: CallFacts = op.access.target ? { target: 'missing' } : {};
  const expected = ctx.expected(op.operationId, actor, facts);
  if (expected.status === null || expected.status < 400 || expected.status === 404) return [];
  const gate = op.access.gate;
  if (expected.rule === 'TR2' && gate?.kind === 'permission') {
    const spec = actor.principal?.spec;
    return spec?.org && spec.role && ORG_ROLES[spec.org][spec.role] ? ['TR4'] : ['TR2'];
  }
  if (expected.rule === 'TR2' && gate?.kind === 'roles') return ['TR3'];
  if (expected.rule === 'TR3') return ['TR3', 'TO2'];
  return /^[A-Z]{1,3}\d+$/.test(expected.rule) ? [expected.rule] : [];
}

/** ` (TR2)`, or nothing for no rule. */
function citation(rules: readonly string[]): string {
  return rules.length === 0 ? '' : ` (${rules.join(', ')})`;
}

/** An id no record has: a caller let through gets the record's 404. */
function missingId(ctx: ToursContext): string {
  return `conf-${ctx.runId}-missing`;
}

async function planCell(ctx: ToursContext, scope: CaseScope, op: OperationSpec, actor: Actor): Promise<CellPlan> {
  const params: Record<string, string> = {};
  for (const name of op.pathParams) params[name] = missingId(ctx);
  const facts: CallFacts = op.access.target ? { target: 'missing' } : {};
  const plan = (args: CallArgs, more: CallFacts = {}): CellPlan => ({ actor, args: { params, ...args }, facts: { ...facts, ...more } });
  switch (op.operationId) {
    case 'updateCurrentOrganization': {
      // Written back unchanged: the current name, as a member of the caller's organization reads it.
      const org = actor.principal?.spec.org;
      const reader = org ? ctx.actor(`${org}-owner`) : undefined;
      if (!reader) return plan({ json: { name: 'Unchanged' } });
      const current = await ctx.call(scope, reader, 'getCurrentOrganization');
      const name = bodyField(current, 'name');
      return plan({ json: { name: typeof name === 'string' ? name : scope.skip(`could not read the organization's name: ${answer(current)}`) } });
    }
    case 'updateOrganizationById':
      return plan({ json: { name: 'Unchanged' } });
    case 'updateMember':
      return plan({ json: { status: 'active' } });
    case 'updateRole':
      return plan({ json: { description: 'unchanged' } });
    case 'updateApiKey':
      return plan({ json: { name: 'unchanged' } });
    case 'createRole':
      return plan({ json: { name: ctx.fixtures.name('matrix'), permissions: [] } });
    case 'createInvitation':
      return plan({ json: { email: ctx.fixtures.email('matrix'), role: 'member' } });
    case 'createApiKey':
      return plan({ json: { name: ctx.fixtures.name('matrix') } });
    case 'signInEmail': {
      const p = actor.principal;
      if (p?.email && p.password) return plan({ json: { email: p.email, password: p.password } });
      const outcome = byRule(
        'auth',
        'TA2',
        'an unknown email is refused like a wrong password',
        401,
        ctx.messages.example('signInEmail', 401, 'invalidCredentials'),
      );
      return plan({ json: { email: ctx.fixtures.email('nobody'), password: 'Not-the-passw0rd' } }, { outcome });
    }
    case 'signOut': {
      // A principal's own session stays: sign-out ends one signed in for this cell.
      if (actor.kind !== 'session' || !actor.principal) return plan({});
      const token = await signIn(ctx, scope, actor.principal);
      return {
        actor: credentialActor(actor.name, `${actor.description} (a session signed in for this)`, null, { session: token }, actor.principal),
        args: {},
        facts,
      };
    }
    default:
      return plan({});
  }
}
