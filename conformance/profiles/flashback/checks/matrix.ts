/**
 * (1) The role matrix: every operation as every principal and every pseudo-principal, each cell
 * expecting the status its access rule gives (expectations.ts), allowed calls succeeding.
 *
 * Writes never aim at a principal. Each manager of the members' organization gets its own
 * disposable USER (which every manager may manage, R6) for update and delete, and its own
 * soft-deleted one for activate; everyone else, refused before any target is looked at, shares one
 * pair of bystanders. An organization update writes back the organization's current name.
 */
import { ROLES, type OperationSpec } from '../../../../src/contract/index.js';
import type { RunContext } from '../context.js';
import { byRule, expectedOutcome, type CallFacts, type Expected } from '../expectations.js';
import type { DisposableUser } from '../fixtures.js';
import { documentsMessage, exampleField, exampleMessage, OP } from '../operations.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { bodyField, type Exchange } from '../../../kernel/http/exchange.js';
import { PSEUDO_NAMES, type Actor, type PseudoName } from '../principals/actors.js';
import { isMemberName, isPrincipalName, memberRoleValue, PRINCIPAL_NAMES } from '../principals/names.js';
import type { CallArgs } from '../context.js';
import { expectEqual, homeUserToRead, organizationName } from './targets.js';

interface CellPlan {
  readonly args: CallArgs;
  readonly expected: Expected;
  /** A documented field to compare besides status and message (the login failures' `error_code`). */
  readonly field?: { readonly name: string; readonly value: unknown };
}

type Column = { readonly name: string; readonly actor: Actor | undefined; readonly missing: string };

export async function runMatrix(ctx: RunContext): Promise<void> {
  const columns: Column[] = [
    ...PRINCIPAL_NAMES.map((name) => ({ name, actor: ctx.actor(name), missing: ctx.missingReason(name) })),
    ...ctx.pseudo.map((actor) => ({ name: actor.name, actor, missing: '' })),
  ];
  const targets = new MatrixTargets(ctx);
  for (const op of ctx.spec.operations) {
    for (const column of columns) await runCell(ctx, targets, op, column);
  }
  await bearerPlacement(ctx);
}

/** A1: the scheme word is case-insensitive; the token is read from the Authorization header and nowhere else. */
async function bearerPlacement(ctx: RunContext): Promise<void> {
  const list = ctx.op(OP.listUsers);
  await ctx.recorder.run('matrix', 'the scheme word is case-insensitive (A1)', { mutates: false }, async (scope) => {
    const owner = ctx.need(scope, 'owner');
    const token = ctx.principals.byName.get('owner')?.token ?? scope.skip('needs the owner token');
    const lower: Actor = { ...owner, name: 'owner (bearer)', authorization: { value: `bearer ${token}`, label: "bearer <owner's token>" } };
    const expected = expectedOutcome(ctx.spec, list, lower, {});
    if (expected.status === null) return scope.skip(expected.why);
    ctx.expect(scope, await ctx.call(scope, lower, list.operationId), {
      ...expected,
      reason: `A1: the scheme word is case-insensitive, so "bearer" works; ${expected.reason}`,
    });
  });
  await ctx.recorder.run('matrix', 'a token in the query or a cookie is not read (A1)', { mutates: false }, async (scope) => {
    const token = ctx.principals.byName.get('owner')?.token ?? scope.skip('needs the owner token');
    const elsewhere = (description: string): Actor => ({ name: 'no-token', description, authorization: undefined, member: null });
    const expected = (description: string): Expected => {
      const e = expectedOutcome(ctx.spec, list, elsewhere(description), {});
      return e.status === null ? scope.skip(e.why) : { ...e, reason: `${description} must be refused: only the Authorization header is read (A1)` };
    };
    const inQuery = await ctx.call(scope, null, list.operationId, { query: `?access_token=${encodeURIComponent(token)}` });
    ctx.expect(scope, inQuery, expected("the owner's token in the query"));
    const inCookie = await ctx.call(scope, null, list.operationId, { headers: { cookie: `accessToken=${token}; token=${token}` } });
    ctx.expect(scope, inCookie, expected("the owner's token in a cookie"));
  });
}

async function runCell(ctx: RunContext, targets: MatrixTargets, op: OperationSpec, column: Column): Promise<void> {
  let plan: CellPlan | null = null;
  let exchange: Exchange | null = null;
  const name = `${op.operationId} as ${column.name}${citation(cellRules(op, column.name))}`;
  const result = await ctx.recorder.run('matrix', name, { mutates: cellMutates(ctx, op, column.actor) }, async (scope) => {
    const actor = column.actor ?? scope.skip(column.missing);
    plan = await planCell(ctx, scope, targets, op, actor);
    exchange = await ctx.call(scope, actor, op.operationId, plan.args);
    if (ctx.expect(scope, exchange, plan.expected) && plan.field) {
      expectEqual(scope, exchange, plan.field.name, bodyField(exchange, plan.field.name), plan.field.value, plan.expected);
    }
  });
  const expected = (plan as CellPlan | null)?.expected;
  const sent = exchange as Exchange | null;
  ctx.recorder.cell({
    operationId: op.operationId,
    principal: column.name,
    expected: expected ? { status: expected.status, message: expected.message, reason: expected.reason } : null,
    received: sent?.response?.status ?? null,
    outcome: result.status === 'failed' ? 'fail' : result.status === 'skipped' ? 'skip' : 'pass',
    note: result.skipReason,
    caseId: result.id,
    exchangeId: sent?.id ?? null,
  });
}

/** What a pseudo-principal's cell exercises: the 401 (A2), and the rule its credential breaks (A1 where to send it, A5 how it is signed). */
const PSEUDO_RULES: Readonly<Record<PseudoName, readonly string[]>> = {
  'no-token': ['A1', 'A2'],
  'malformed-header': ['A1', 'A2'],
  'garbage-token': ['A2'],
  'wrong-signature': ['A2', 'A5'],
  'alg-none': ['A2', 'A5'],
};

/**
 * The rules a cell exercises, cited in its name: login A3, refresh and logout A4; a pseudo-principal
 * the 401 and what is wrong with its credential; a member reading the organization O1; a member
 * elsewhere its rank against the gate (R1), with the endpoint's 403 message (E3) where the gate
 * refuses it; the caller with no organization U2; the outsider on a user of the members'
 * organization the endpoint's 403 (E3). Another organization's path (section 3) has no rule id.
 */
function cellRules(op: OperationSpec, column: string): readonly string[] {
  if (op.operationId === OP.login) return ['A3'];
  if (!op.access.authenticated) return ['A4'];
  if ((PSEUDO_NAMES as readonly string[]).includes(column)) return PSEUDO_RULES[column as PseudoName];
  const organization = op.access.tenant?.from === 'path';
  if (column === 'orgless') return organization ? [] : ['U2'];
  if (column === 'outsider') return organization ? [] : op.access.target ? ['E3'] : ['R1'];
  if (!isMemberName(column)) return [];
  if (op.operationId === OP.getOrganization) return ['O1'];
  const gate = op.access.gate;
  const refused = gate?.kind === 'minRole' && memberRoleValue(column) < gate.rank;
  return refused && !organization && documentsMessage(op, 403) ? ['R1', 'E3'] : ['R1'];
}

/** ` (R1, E3)`, or nothing for no rule. */
function citation(rules: readonly string[]): string {
  return rules.length === 0 ? '' : ` (${rules.join(', ')})`;
}

/** Reads change nothing; a login with real credentials opens a session; every write may, if the target lets it through. */
export function cellMutates(ctx: RunContext, op: OperationSpec, actor: Actor | undefined): boolean {
  if (op.method === 'GET') return false;
  if (!op.access.authenticated) return op.operationId === OP.login && actor !== undefined && credentialsOf(ctx, actor) !== null;
  return true;
}

/** A principal's e-mail and password, when the run knows them. */
function credentialsOf(ctx: RunContext, actor: Actor): { email: string; password: string } | null {
  if (!actor.member || !isPrincipalName(actor.name)) return null;
  const p = ctx.principals.byName.get(actor.name);
  return p?.email && p.password ? { email: p.email, password: p.password } : null;
}

export async function planCell(ctx: RunContext, scope: CaseScope, targets: MatrixTargets, op: OperationSpec, actor: Actor): Promise<CellPlan> {
  if (!op.access.authenticated) return planPublic(ctx, op, actor) ?? scope.skip(`the suite has no plan for the public operation ${op.operationId}`);
  const home = ctx.homeOrgId ?? scope.skip("the members' organization id is unknown");
  let args: CallArgs = {};
  let facts: CallFacts = {};
  switch (op.operationId) {
    case OP.getOrganization:
      args = { params: { orgId: home } };
      facts = { pathOrgId: home };
      break;
    case OP.updateOrganization:
      args = { params: { orgId: home }, json: { name: await targets.homeName(scope) } };
      facts = { pathOrgId: home };
      break;
    case OP.listUsers:
      break;
    case OP.createUser:
      args = { json: ctx.fixtures.createBody(`matrix-${actor.name}`, ROLES.USER) };
      facts = { grant: ROLES.USER };
      break;
    case OP.getUser: {
      const user = homeUserToRead(ctx, scope);
      args = { params: { userId: user.id } };
      facts = { user };
      break;
    }
    case OP.updateUser:
    case OP.deleteUser:
    case OP.activateUser: {
      const user = await targets.disposable(scope, actor, op.operationId === OP.activateUser);
      args = { params: { userId: user.id }, json: op.operationId === OP.updateUser ? { lastName: `Matrix ${actor.name}` } : undefined };
      facts = { user };
      break;
    }
    default:
      return scope.skip(`the suite has no plan for ${op.operationId}`);
  }
  const expected = expectedOutcome(ctx.spec, op, actor, facts);
  return expected.status === null ? scope.skip(expected.why) : { args, expected };
}

/**
 * The public operations ignore the Authorization header (security: []): a principal logs in with
 * its own credentials; anyone else, and every refresh and logout, sends values that name no one.
 */
function planPublic(ctx: RunContext, op: OperationSpec, actor: Actor): CellPlan | null {
  const ignored = `${op.operationId} takes no Authorization (security: []), so ${actor.description} changes nothing`;
  switch (op.operationId) {
    case OP.login: {
      const own = credentialsOf(ctx, actor);
      if (own) return { args: { json: own }, expected: byRule('auth', 'A3', `${actor.name} logs in with its own e-mail and password`, 200) };
      return {
        args: { json: { email: ctx.fixtures.email('nobody'), password: 'Nobody-Passw0rd' } },
        expected: byRule('auth', 'A3', `an unknown e-mail is USER_NOT_FOUND; ${ignored}`, 401, exampleMessage(ctx.spec, op.operationId, 401, 'notFound')),
        field: { name: 'error_code', value: exampleField(ctx.spec, op.operationId, 401, 'notFound', 'error_code') },
      };
    }
    case OP.refresh:
      return {
        args: { json: { refreshToken: `conf-${ctx.runId}-not-a-refresh-token` } },
        expected: byRule('auth', 'A4', `an unknown refresh token is refused; ${ignored}`, 401, exampleMessage(ctx.spec, op.operationId, 401, 'invalid')),
        field: { name: 'error_code', value: exampleField(ctx.spec, op.operationId, 401, 'invalid', 'error_code') },
      };
    case OP.logout:
      return {
        args: { json: { refreshToken: `conf-${ctx.runId}-not-a-refresh-token` } },
        expected: byRule('auth', 'A4', `logout is idempotent, an unknown token included; ${ignored}`, 200),
      };
    default:
      return null;
  }
}

/** The organization's name and the disposable targets of the matrix, fetched or created on first use. */
export class MatrixTargets {
  private name: Promise<string> | null = null;

  constructor(private readonly ctx: RunContext) {}

  homeName(scope: CaseScope): Promise<string> {
    const home = this.ctx.homeOrgId;
    if (!home) return scope.skip("the members' organization id is unknown");
    return (this.name ??= organizationName(this.ctx, scope, home));
  }

  /** Managers of the members' organization act on their own users; everyone else on the shared bystanders. */
  disposable(scope: CaseScope, actor: Actor, deleted: boolean): Promise<DisposableUser> {
    const m = actor.member;
    const manager = m && m.orgId === this.ctx.homeOrgId && typeof m.role === 'number' && m.role >= ROLES.WORKSPACES;
    const owner = manager ? actor.name : 'bystander';
    const label = `matrix-${owner}${deleted ? '-deleted' : ''}`;
    return this.ctx.fixtures.sharedUser(this.ctx, scope, label, { role: ROLES.USER, deleted, label });
  }
}
