/**
 * The order of checks (docs/decisions/flashback.md, section 3), the same for every operation and derived
 * only from the operation's `x-access` rule, never listed per handler:
 *
 * 1. 401 authentication (A2), when `credentials` names a kind and the credential is not `optional`.
 * 2. `tenant.from: caller`: a caller with no organization, or a `gate.minRole` above the caller's role
 *    → 403 `denied`. `tenant.from: path`: 404 `tenant.notFound` for an unknown organization, the
 *    `tenant.foreign` answer for another (or none), then the gate's 403 `denied`.
 * 3. The body: 413, 415, 400 not JSON, 400 schema problems, 400 handler body rules.
 * 4./5. `target`: 404 `target.notFound` for an unknown one, the `tenant.foreign` answer for one of
 *    another organization (`owner: tenant`).
 * 6. Self rules (400, the handler's), then the `escalation` rules in their order (R5/R6, 403),
 *    then the handler: state rules (400), conflicts (409) and the change.
 */
import { mayGrant, mayManage, type AccessRule, type LoadedSpec } from '../contract/index.js';
import type { ApiRequest, ApiResponse } from './api.js';
import { authenticateCaller, type Caller } from '../apis/flashback/authenticate.js';
import { unauthorized } from '../apis/flashback/envelopes.js';
import type { HandlerTable, MemberHandler, MemberRequest, MockContext, PublicHandler } from './operation-handler.js';
import type { Organization, UserRecord } from '../apis/flashback/records.js';
import type { BodyChecker } from './request-validation.js';

export type RequestHandler = (request: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** Checks that every operation of the spec has a handler of the right kind; throws naming the first that has not. */
export function checkHandlers(spec: LoadedSpec, handlers: HandlerTable): void {
  for (const op of spec.operations) {
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`The mock has no handler for operation ${op.operationId}; add one to the API's handler table`);
    const expected = op.access.authenticated ? 'member' : 'public';
    if (handler.kind !== expected) throw new Error(`Operation ${op.operationId} needs a ${expected} handler (x-access.credentials is [${op.access.credentials.join(', ')}])`);
  }
}

export function createPipeline(context: MockContext, handlers: HandlerTable, checkBody: BodyChecker): RequestHandler {
  return (request) => {
    const op = request.operation;
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`No handler for operation ${op.operationId}`);
    if (handler.kind === 'public') return runPublic(handler, request);
    const rule = op.access;
    if (!rule.authenticated) throw new Error(`Operation ${op.operationId} is public but has a member handler`);
    const caller = authenticateCaller(request.authorization, context.tokens, () => context.store);
    if (caller instanceof Promise) return caller.then((c) => runMember(handler, rule, request, c));
    return runMember(handler, rule, request, caller);
  };

  function runPublic(handler: PublicHandler, request: ApiRequest): ApiResponse | Promise<ApiResponse> {
    const op = request.operation;
    const checked = checkBody(op, request.body, request.bodyProblem, handler);
    if (!checked.ok) return context.envelopes.error(op.operationId, checked.status, checked.message);
    return handler.run({ op, body: checked.body });
  }

  function runMember(handler: MemberHandler, rule: AccessRule, request: ApiRequest, caller: Caller): ApiResponse | Promise<ApiResponse> {
    if (!caller) return unauthorized();
    const op = request.operation;
    const fail = (status: number, message: string): ApiResponse => context.envelopes.error(op.operationId, status, message, caller.email);
    const denied = rule.denied?.message ?? '';
    const { tenant, gate } = rule;
    /** Another organization's organization or user: answered as `tenant.foreign` says. */
    const foreign = (notFound: string): ApiResponse => (tenant?.foreign === 404 ? fail(404, notFound) : fail(403, tenant?.message ?? denied));

    let organization: Readonly<Organization> | null = null;
    if (tenant?.from === 'path') {
      organization = context.store.organization(request.params[tenant.param ?? ''] ?? '') ?? null;
      if (!organization) return fail(404, tenant.notFound ?? '');
      if (caller.orgId !== organization.id) return foreign(tenant.notFound ?? '');
    } else if (tenant && caller.orgId === null) {
      return fail(403, denied);
    }
    if (gate?.kind === 'minRole' && (caller.orgRole ?? -1) < gate.rank) return fail(403, denied);
    if (gate && gate.kind !== 'minRole') throw new Error(`${op.operationId}: this mock serves ranked roles only, not a ${gate.kind} gate`);

    const checked = checkBody(op, request.body, request.bodyProblem, handler);
    if (!checked.ok) return fail(checked.status, checked.message);

    let target: UserRecord | null = null;
    if (rule.target) {
      target = context.store.user(request.params[rule.target.param] ?? '') ?? null;
      if (!target) return fail(404, rule.target.notFound);
      if (rule.target.owner === 'tenant' && target.orgId !== caller.orgId) return foreign(rule.target.notFound);
    }

    const memberRequest: MemberRequest = { op, rule, params: request.params, caller, body: checked.body, target, organization };
    const selfProblem = handler.selfRule?.(memberRequest);
    if (selfProblem) return fail(400, selfProblem);
    const rankProblem = checkRankRules(handler, memberRequest);
    if (rankProblem) return fail(403, rankProblem);
    return handler.run(memberRequest);
  }
}

/** The rank rules of `x-access.escalation` (R6 `targetRank`, R5 `grantedRank`), in their order; the 403 message, or null. */
function checkRankRules(handler: MemberHandler, request: MemberRequest): string | null {
  const { rule, caller, target } = request;
  for (const escalation of rule.escalation) {
    if (escalation.check === 'targetRank') {
      // Managing *another* user: editing your own names is allowed (R7), so R6 skips yourself.
      if (target && target.id !== caller.id && (caller.orgRole === null || target.orgRole === null || !mayManage(caller.orgRole, target.orgRole))) {
        return escalation.message;
      }
    } else if (escalation.check === 'grantedRank') {
      const granted = handler.grantedRole?.(request) ?? null;
      if (granted !== null && (caller.orgRole === null || !mayGrant(caller.orgRole, granted))) return escalation.message;
    } else {
      throw new Error(`${request.op.operationId}: this mock serves ranked roles only, not the ${escalation.check} check`);
    }
  }
  return null;
}
