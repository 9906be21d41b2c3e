/**
 * (2) Envelopes: every response of the run, whatever its status, is documented for its operation,
 * JSON with a JSON content type, valid against the spec's schema for that status, with the
 * required headers (assertions/envelope.ts). One case per operation, and one per stray route kind.
 * Then the fields every user object derives from its role (R2, R3), in every answer of the run.
 */
import { isRoleValue, roleName, rolesUpTo } from '../../../../src/contract/index.js';
import { checkEnvelope } from '../../../kernel/assertions/envelope.js';
import type { RunContext } from '../context.js';
import type { Exchange } from '../../../kernel/http/exchange.js';
import { OP } from '../operations.js';
import { sampleEveryOperation } from './samples.js';
import { expectEqual } from './targets.js';

/**
 * What each envelope case checks besides the shapes of section 4, cited in its name: the JSON
 * content type (E1), the timestamps' format (E2) where the answers carry one, and the refusals of
 * authentication: the 401 (A2), a failed login (A3), a refused refresh token (A4); a stray route's
 * 404 and 405 (W2).
 */
const ENVELOPE_RULES: Readonly<Record<string, readonly string[]>> = {
  [OP.getOrganization]: ['E1', 'E2', 'A2'],
  [OP.updateOrganization]: ['E1', 'E2', 'A2'],
  [OP.listUsers]: ['E1', 'E2', 'A2'],
  [OP.createUser]: ['E1', 'E2', 'A2'],
  [OP.getUser]: ['E1', 'E2', 'A2'],
  [OP.updateUser]: ['E1', 'E2', 'A2'],
  [OP.deleteUser]: ['E1', 'A2'],
  [OP.activateUser]: ['E1', 'A2'],
  [OP.login]: ['E1', 'E2', 'A3'],
  [OP.refresh]: ['E1', 'E2', 'A4'],
  [OP.logout]: ['E1', 'A4'],
  RouteNotFound: ['E1', 'W2'],
  MethodNotAllowed: ['E1', 'W2'],
};

const cite = (key: string): string => {
  const rules = ENVELOPE_RULES[key] ?? [];
  return rules.length === 0 ? '' : ` (${rules.join(', ')})`;
};

/** The user objects of a successful answer, by operation: the list's `data`, the bare user, a write's `data`. */
const USERS_IN: Readonly<Record<string, (body: Record<string, unknown>) => unknown[]>> = {
  [OP.listUsers]: (body) => (Array.isArray(body.data) ? (body.data as unknown[]) : []),
  [OP.getUser]: (body) => [body],
  [OP.createUser]: (body) => [body.data],
  [OP.updateUser]: (body) => [body.data],
};

export async function runEnvelopes(ctx: RunContext): Promise<void> {
  await sampleEveryOperation(ctx);
}

export async function sweepEnvelopes(ctx: RunContext): Promise<void> {
  const subjects = [
    ...ctx.spec.operations.map((op) => ({
      key: op.operationId,
      title: `every ${op.operationId} response matches its documented envelope${cite(op.operationId)}`,
    })),
    { key: 'RouteNotFound', title: `every unknown-route response matches RouteNotFound${cite('RouteNotFound')}` },
    { key: 'MethodNotAllowed', title: `every wrong-method response matches MethodNotAllowed${cite('MethodNotAllowed')}` },
  ];
  const bySubject = new Map<string, Exchange[]>();
  for (const exchange of ctx.http.exchanges) {
    const s = exchange.meta.subject;
    const key = s.kind === 'operation' ? s.operationId : s.kind === 'route' ? s.component : null;
    if (key) bySubject.set(key, [...(bySubject.get(key) ?? []), exchange]);
  }
  const envelope = { spec: ctx.spec, validators: ctx.validators, lenientMessages: ctx.options.lenientMessages };
  for (const { key, title } of subjects) {
    await ctx.recorder.run('envelopes', title, { mutates: false }, async (scope) => {
      const exchanges = bySubject.get(key) ?? scope.skip(`no ${key} response in this run`);
      for (const exchange of exchanges) {
        scope.attach(exchange);
        for (const failure of checkEnvelope(exchange, envelope)) scope.failOn(exchange, failure);
      }
    });
  }
  await rolesShown(ctx);
}

/**
 * R2 and R3 on every user object of the run: `orgRoleDescription` is the name of its `orgRole`, and
 * `orgRoles` every role value up to it. The organization's list holds a user of each role (the
 * principals), so a name or list wrong for one role only shows.
 */
async function rolesShown(ctx: RunContext): Promise<void> {
  await ctx.recorder.run('envelopes', 'every user shows the name of its role and the roles up to it (R2, R3)', { mutates: false }, async (scope) => {
    let users = 0;
    for (const exchange of ctx.http.exchanges) {
      const subject = exchange.meta.subject;
      const pick = subject.kind === 'operation' ? USERS_IN[subject.operationId] : undefined;
      const body = exchange.response?.json;
      if (!pick || (exchange.response?.status ?? 500) >= 300 || typeof body !== 'object' || body === null) continue;
      for (const user of pick(body as Record<string, unknown>)) {
        if (typeof user !== 'object' || user === null) continue;
        const { orgRole, orgRoleDescription, orgRoles, email } = user as Record<string, unknown>;
        if (!isRoleValue(orgRole)) continue; // a value that is no role: the schema check reports it
        users++;
        if (scope.exchangeIds.at(-1) !== exchange.id) scope.attach(exchange);
        const who = `${String(email)} (orgRole ${orgRole})`;
        expectEqual(scope, exchange, `orgRoleDescription of ${who}`, orgRoleDescription, roleName(orgRole), {
          kind: 'envelope',
          reason: 'R2: orgRoleDescription carries the name of the role (254 is ADMINISTRATOR)',
        });
        expectEqual(scope, exchange, `orgRoles of ${who}`, orgRoles, rolesUpTo(orgRole), {
          kind: 'envelope',
          reason: "R3: orgRoles holds, ascending, every role value up to and including the user's own",
        });
      }
    }
    if (users === 0) scope.skip('no user object in this run');
  });
}
