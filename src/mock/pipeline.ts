/**
 * The order of checks (contract-decisions.md section 3), the same for every operation and derived
 * only from the operation's `x-access` rule, never listed per handler:
 *
 * 1. 401 authentication (A2).
 * 2. `organization: caller`: no organization or a role below `minRole` → 403 `forbiddenMessage`.
 *    `organization: path`: 404 unknown organization, 403 `tenantMessage` for another (or none),
 *    then 403 `forbiddenMessage` for a role below `minRole`.
 * 3. The body: 413, 415, 400 not JSON, 400 schema problems, 400 handler body rules.
 * 4./5. `targetUser`: 404 unknown user, 403 `tenantMessage` for another organization's user.
 * 6. Self rules (400, the handler's), then the rank rules of `rankRules` in their order (R5/R6, 403),
 *    then the handler: state rules (400), conflicts (409) and the change.
 */
import { mayGrant, mayManage, type AuthenticatedAccessRule, type LoadedSpec } from '../contract/index.js';
import type { ApiRequest, ApiResponse } from './api.js';
import { authenticateCaller, type Caller } from './authenticate.js';
import { unauthorized } from './envelopes.js';
import { MESSAGES } from './messages.js';
import type { HandlerTable, MemberHandler, MemberRequest, MockContext, PublicHandler } from './operation-handler.js';
import type { Organization, UserRecord } from './records.js';
import type { BodyChecker } from './request-validation.js';

export type RequestHandler = (request: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** Checks that every operation of the spec has a handler of the right kind; throws naming the first that has not. */
export function checkHandlers(spec: LoadedSpec, handlers: HandlerTable): void {
  for (const op of spec.operations) {
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`The mock has no handler for operation ${op.operationId}; add one to src/mock/handlers.ts`);
    const expected = op.access.authenticated ? 'member' : 'public';
    if (handler.kind !== expected) throw new Error(`Operation ${op.operationId} needs a ${expected} handler (x-access.authenticated is ${op.access.authenticated})`);
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

  function runMember(handler: MemberHandler, rule: AuthenticatedAccessRule, request: ApiRequest, caller: Caller): ApiResponse | Promise<ApiResponse> {
    if (!caller) return unauthorized();
    const op = request.operation;
    const fail = (status: number, message: string): ApiResponse => context.envelopes.error(op.operationId, status, message, caller.email);

    let organization: Readonly<Organization> | null = null;
    if (rule.organization === 'path') {
      organization = context.store.organization(request.params.orgId ?? '') ?? null;
      if (!organization) return fail(404, MESSAGES.organizationNotFound);
      if (caller.orgId !== organization.id) return fail(403, rule.tenantMessage);
    } else if (caller.orgId === null) {
      return fail(403, rule.forbiddenMessage);
    }
    if ((caller.orgRole ?? -1) < rule.minRoleValue) return fail(403, rule.forbiddenMessage);

    const checked = checkBody(op, request.body, request.bodyProblem, handler);
    if (!checked.ok) return fail(checked.status, checked.message);

    let target: UserRecord | null = null;
    if (rule.targetUser) {
      target = context.store.user(request.params.userId ?? '') ?? null;
      if (!target) return fail(404, MESSAGES.userNotFound);
      if (target.orgId !== caller.orgId) return fail(403, rule.tenantMessage);
    }

    const memberRequest: MemberRequest = { op, rule, params: request.params, caller, body: checked.body, target, organization };
    const selfProblem = handler.selfRule?.(memberRequest);
    if (selfProblem) return fail(400, selfProblem);
    const rankProblem = checkRankRules(handler, memberRequest);
    if (rankProblem) return fail(403, rankProblem);
    return handler.run(memberRequest);
  }
}

/** R5 and R6, in the order the operation's `x-access.rankRules` lists them; the 403 message, or null. */
function checkRankRules(handler: MemberHandler, request: MemberRequest): string | null {
  const { rule, caller, target } = request;
  for (const rankRule of rule.rankRules) {
    if (rankRule === 'R6') {
      // Managing *another* user: editing your own names is allowed (R7), so R6 skips yourself.
      if (target && target.id !== caller.id && (caller.orgRole === null || target.orgRole === null || !mayManage(caller.orgRole, target.orgRole))) {
        return rule.forbiddenMessage;
      }
    } else {
      const granted = handler.grantedRole?.(request) ?? null;
      if (granted !== null && (caller.orgRole === null || !mayGrant(caller.orgRole, granted))) return rule.grantMessage ?? rule.forbiddenMessage;
    }
  }
  return null;
}
