/**
 * The order of checks, the same for every operation of every API and derived only from the
 * operation's `x-access` rule and the document's `x-access-model` (openapi/README.md, "How the order
 * of checks reads the vocabulary"), never listed per handler:
 *
 * 1. The credential: the API's refusal, or its 401 when none was sent and none is `optional`.
 * 2. A credential of a kind the operation does not accept: `x-access-model.wrongCredential`, else
 *    as if none had been sent. A request that sent none, on an operation whose credential is
 *    `optional`, goes to the handler's `runAnonymous` after its body is checked.
 * 3. The API's rate limit, when it has one: a 429 over the limit; its headers on every answer from here on.
 * 3. `tenant.from: path`: the organization must exist (404 `tenant.notFound`) and be the caller's
 *    (the `tenant.foreign` answer); this comes before the gate (Flashback section 3).
 * 4. `tenant.from: caller`: a caller with no organization, or a suspended one
 *    (`x-access-model.membership`, else the gate's `denied`).
 * 5. The gate: `minRole`, `permission`, `roles` or `platform`, else 403 `denied`.
 * 6. The body: 413, 415, 400 not JSON, 400 schema problems, 400 handler body rules.
 * 7. `target`: 404 `target.notFound` for a missing one, and for one the owner rule refuses the
 *    `tenant.foreign` answer (another organization's) or a 404 (another user's).
 * 8. Self rules (the handler's 400s), then the `escalation` rules in their order (403),
 *    then the handler: state rules, conflicts and the change.
 *
 * The pipeline is where the caller becomes known (step 1), so it reports the caller beside the
 * answer (`Handled.principal`, for the log line) rather than every handler copying it into its
 * response: a handler's answer says what the client gets, nothing more.
 *
 * Depth made visible: a request may carry `observe` (ApiRequest), which the pipeline tells each stage
 * the request reaches (`auth`, `validation`, `handler`: PipelineStage in api.ts). Normal serving sets
 * none, so it costs one absent-property check per stage; the fuzzer (test/fuzz) sets it to count how
 * deep its requests get, and to plant a crash at a stage. API-agnostic: it names stages, no operation.
 */
import { compileValidators, type AccessModel, type AccessRule, type ContractValidators, type EscalationRule, type LoadedSpec } from '../contract/index.js';
import { checkQuery } from './query.js';
import type { ApiRequest, ApiResponse, Handled } from './api.js';
import type { AccessBackend, AnyHandler, CallerFacts, Found, HandlerTable, MemberHandler, MemberRequest, PublicHandler } from './operation-handler.js';
import { createBodyChecker, type BodyChecker } from './request-validation.js';

export type RequestHandler = (request: ApiRequest) => Handled | Promise<Handled>;

/** Nobody: a request with no accepted credential. */
const ANONYMOUS = '-';

/** The answer with who asked, waiting for it when the handler is asynchronous. */
function handled(response: ApiResponse | Promise<ApiResponse>, principal: string): Handled | Promise<Handled> {
  return response instanceof Promise ? response.then((r) => ({ response: r, principal })) : { response, principal };
}

/** Checks that every operation of the spec has a handler of the right kind; throws naming the first that has not. */
export function checkHandlers(spec: LoadedSpec, handlers: HandlerTable): void {
  for (const op of spec.operations) {
    const handler: AnyHandler | undefined = handlers[op.operationId];
    if (!handler) throw new Error(`The mock has no handler for operation ${op.operationId}; add one to the API's handler table`);
    const expected = op.access.credentials.length > 0 ? 'member' : 'public';
    if (handler.kind !== expected)
      throw new Error(`Operation ${op.operationId} needs a ${expected} handler (x-access.credentials is [${op.access.credentials.join(', ')}])`);
    if (op.access.target && handler.kind === 'member' && !handler.findTarget)
      throw new Error(`Operation ${op.operationId} has an x-access.target, so its handler needs findTarget`);
  }
}

/** Compiled once per loaded spec: tests and tools that build many mocks over one spec share them. */
const compiled = new WeakMap<LoadedSpec, { readonly validators: ContractValidators; readonly checkBody: BodyChecker }>();

function compiledFor(spec: LoadedSpec): { readonly validators: ContractValidators; readonly checkBody: BodyChecker } {
  let entry = compiled.get(spec);
  if (!entry) {
    const validators = compileValidators(spec);
    compiled.set(spec, (entry = { validators, checkBody: createBodyChecker(spec, validators) }));
  }
  return entry;
}

/** The request handler of an API: the order of checks over the API's backend and handlers, for the operations of `spec`. */
export function createPipeline<Caller, Tenant>(backend: AccessBackend<Caller, Tenant>, handlers: HandlerTable, spec: LoadedSpec): RequestHandler {
  const { model } = backend;
  const { validators, checkBody } = compiledFor(spec);
  return (request) => {
    const op = request.operation;
    const found = handlers[op.operationId];
    if (!found) throw new Error(`No handler for operation ${op.operationId}`);
    if (found.kind === 'public') return handled(runPublic(found, request), ANONYMOUS);
    // The table erases each handler's own record types; this API's backend produces the records its handlers take.
    const handler = found as MemberHandler<unknown, Caller, unknown, Tenant>;
    const authenticated = backend.authenticate(request);
    if (authenticated instanceof Promise) return authenticated.then((a) => runMember(handler, request, a));
    return runMember(handler, request, authenticated);
  };

  function runPublic(handler: PublicHandler, request: ApiRequest): ApiResponse | Promise<ApiResponse> {
    const op = request.operation;
    request.observe?.('auth');
    request.observe?.('validation');
    const checked = checkBody(op, request.body, request.bodyProblem, handler, backend.bodyMessages);
    if (!checked.ok) return backend.error(op, checked.status, checked.message, null);
    request.observe?.('handler');
    return handler.run({ op, params: request.params, body: checked.body });
  }

  function runMember(
    handler: MemberHandler<unknown, Caller, unknown, Tenant>,
    request: ApiRequest,
    authenticated: Awaited<ReturnType<AccessBackend<Caller, Tenant>['authenticate']>>,
  ): Handled | Promise<Handled> {
    const op = request.operation;
    const rule = op.access;
    if (authenticated.kind === 'refused') return { response: authenticated.response, principal: ANONYMOUS };
    if (authenticated.kind === 'none')
      return handled(rule.optional && handler.runAnonymous ? runAnonymous(handler, request) : backend.unauthenticated(op), ANONYMOUS);
    const { caller, facts } = authenticated;
    if (!rule.credentials.includes(facts.credential)) {
      const wrong = model.wrongCredential;
      // Without a `wrongCredential` answer, a credential of another kind counts as none sent: nobody asked.
      if (!wrong) return { response: backend.unauthenticated(op), principal: ANONYMOUS };
      return { response: backend.error(op, wrong.status, wrong.message, wrong.reason), principal: facts.label };
    }
    request.observe?.('auth');
    return handled(rateLimited(handler, request, caller, facts), facts.label);
  }

  /** Step 3, for a caller whose credential this operation accepts: the rate limit's headers on every answer from here on. */
  function rateLimited(
    handler: MemberHandler<unknown, Caller, unknown, Tenant>,
    request: ApiRequest,
    caller: Caller,
    facts: CallerFacts,
  ): ApiResponse | Promise<ApiResponse> {
    const op = request.operation;
    const rate = backend.rateLimit?.(caller, facts) ?? null;
    if (rate === null) return checkAccess(handler, request, caller, facts);
    if (!rate.allowed) return withHeaders(backend.error(op, 429, rate.message, null, { retryAfter: rate.retryAfterSeconds }), rate.headers);
    const answer = checkAccess(handler, request, caller, facts);
    return answer instanceof Promise ? answer.then((a) => withHeaders(a, rate.headers)) : withHeaders(answer, rate.headers);
  }

  function runAnonymous(handler: MemberHandler<unknown, Caller, unknown, Tenant>, request: ApiRequest): ApiResponse | Promise<ApiResponse> {
    const op = request.operation;
    request.observe?.('auth');
    request.observe?.('validation');
    const checked = checkBody(op, request.body, request.bodyProblem, handler, backend.bodyMessages);
    if (!checked.ok) return backend.error(op, checked.status, checked.message, null);
    request.observe?.('handler');
    return (handler.runAnonymous as NonNullable<typeof handler.runAnonymous>)({ op, params: request.params, body: checked.body });
  }

  /** Steps 4 to 8, for a caller whose credential is accepted here. */
  function checkAccess(
    handler: MemberHandler<unknown, Caller, unknown, Tenant>,
    request: ApiRequest,
    caller: Caller,
    facts: CallerFacts,
  ): ApiResponse | Promise<ApiResponse> {
    const op = request.operation;
    const rule = op.access;
    const fail = (status: number, message: string, reason: string | null = null): ApiResponse => backend.error(op, status, message, reason);
    const denied = (): ApiResponse => fail(403, rule.denied?.message ?? '', rule.denied?.reason ?? null);
    const { tenant } = rule;
    /** Another organization's resource: answered as `tenant.foreign` says. */
    const foreign = (notFound: string): ApiResponse => (tenant?.foreign === 404 ? fail(404, notFound) : fail(403, tenant?.message ?? ''));

    let organization: Tenant | null = null;
    if (tenant?.from === 'path') {
      organization = backend.findTenant(request.params[tenant.param ?? ''] ?? '') ?? null;
      if (organization === null) return fail(404, tenant.notFound ?? '');
      if (facts.tenantId !== backend.tenantIdOf(organization)) return foreign(tenant.notFound ?? '');
    } else if (tenant) {
      const membership = model.membership;
      if (facts.tenantId === null) return membership ? fail(403, membership.none.message, membership.none.reason) : denied();
      if (facts.suspended && membership?.suspended) return fail(403, membership.suspended.message, membership.suspended.reason);
    }
    if (rule.gate && !passesGate(rule, facts)) return denied();

    request.observe?.('validation');
    const query = checkQuery(op, request.query, validators);
    if (!query.ok) return fail(400, backend.bodyMessages.queryProblem(query.problem));
    const checked = checkBody(op, request.body, request.bodyProblem, handler, backend.bodyMessages);
    if (!checked.ok) return fail(checked.status, checked.message);

    let target: Found<unknown> | null = null;
    if (rule.target) {
      const { param, owner, notFound } = rule.target;
      target = handler.findTarget?.(request.params[param] ?? '', facts) ?? null;
      if (target === null) return fail(404, notFound);
      if (owner === 'tenant' && target.tenantId !== facts.tenantId) return foreign(notFound);
      if (owner === 'caller' && target.ownerId !== facts.userId) return fail(404, notFound);
    }

    const memberRequest: MemberRequest<unknown, Caller, unknown, Tenant> = {
      op,
      rule,
      params: request.params,
      query: query.values,
      caller,
      body: checked.body,
      target: target?.record ?? null,
      organization,
    };
    const selfProblem = handler.selfRule?.(memberRequest);
    if (selfProblem) return fail(400, selfProblem);
    for (const escalation of rule.escalation) {
      if (!allowedBy(escalation, handler, memberRequest, facts, target)) return fail(403, escalation.message, escalation.reason);
    }
    request.observe?.('handler');
    return handler.run(memberRequest);
  }

  /** Whether one escalation rule lets the request through. */
  function allowedBy(
    escalation: EscalationRule,
    handler: MemberHandler<unknown, Caller, unknown, Tenant>,
    request: MemberRequest<unknown, Caller, unknown, Tenant>,
    facts: CallerFacts,
    target: Found<unknown> | null,
  ): boolean {
    switch (escalation.check) {
      case 'targetRank':
        // Managing *another* user: one's own record is not ranked against oneself (Flashback R7 allows editing one's names).
        if (!target || target.ownerId === facts.userId) return true;
        return facts.rank !== null && target.rank !== null && mayRankOver(model, facts.rank, target.rank);
      case 'grantedRank': {
        const granted = handler.grantedRank?.(request) ?? null;
        return granted === null || (facts.rank !== null && mayRankOver(model, facts.rank, granted));
      }
      case 'grantedPermissions': {
        const keys = fieldOf(request.body, escalation.field);
        // Keys outside the catalogue are the handler's 422 (an unknown permission), not an escalation.
        const catalogue = new Set(model.permissions.map((p) => p.key));
        return !Array.isArray(keys) || keys.every((key) => typeof key !== 'string' || !catalogue.has(key) || facts.permissions.has(key));
      }
      case 'grantedRole': {
        const name = fieldOf(request.body, escalation.field);
        if (typeof name !== 'string' || facts.tenantId === null) return true;
        const system = model.roles.kind === 'system' ? model.roles.system.find((r) => r.name === name) : undefined;
        if (system?.assignableBy && !(facts.role !== null && system.assignableBy.includes(facts.role))) return false;
        const permissions = backend.rolePermissions?.(facts.tenantId, name) ?? null;
        // An unknown role is the handler's 422, not an escalation.
        return permissions === null || permissions.every((key) => facts.permissions.has(key));
      }
    }
  }
}

/** Whether the caller passes the operation's gate. */
function passesGate(rule: AccessRule, facts: CallerFacts): boolean {
  const gate = rule.gate;
  if (!gate) return true;
  switch (gate.kind) {
    case 'minRole':
      return facts.rank !== null && facts.rank >= gate.rank;
    case 'permission':
      return facts.permissions.has(gate.permission);
    case 'roles':
      return facts.role !== null && gate.roles.includes(facts.role);
    case 'platform':
      return facts.flags.has(gate.flag);
  }
}

/** Ranked roles (R5, R6): strictly below the caller's own, except for the highest role, which may act on any. */
function mayRankOver(model: AccessModel, callerRank: number, otherRank: number): boolean {
  const ranked = model.roles.kind === 'ranked' ? model.roles.ranked : [];
  const top = ranked[ranked.length - 1]?.value;
  return callerRank === top || otherRank < callerRank;
}

function fieldOf(body: unknown, field: string | null): unknown {
  return field !== null && typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
}

/** The answer with the headers added (the rate-limit headers of every answer after step 3). */
function withHeaders(response: ApiResponse, headers: Readonly<Record<string, string>>): ApiResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}
