/**
 * The Tours & Events Organizations API behind the engine's MockApi boundary: the engine's pipeline
 * runs the order of checks of section 4 from the spec's access vocabulary (credentials, session only,
 * the rate limit, membership, the gate, the body's shape, the target, the escalation rule TR5), and
 * asks this API's domain (domain.ts) for its facts and for the business part of each operation.
 */
import type { LoadedSpec } from '../../contract/index.js';
import type { Authentication as EngineAuthentication, Credentials, MockApi, MockOptions } from '../../engine/api.js';
import { readErrorBodies } from '../../engine/error-bodies.js';
import type { AccessBackend, Authenticated, CallerFacts, Found, HandlerTable, MemberHandler, PublicHandler } from '../../engine/operation-handler.js';
import { checkHandlers, createPipeline } from '../../engine/pipeline.js';
import { specMessages } from '../../engine/spec-messages.js';
import type { BodyMessages, FieldProblem } from '../../engine/request-validation.js';
import type { QueryProblem } from '../../engine/query.js';
import type { Caller } from './caller.js';
import { sha256Hex } from './credentials.js';
import { ToursDomain } from './domain.js';
import { MESSAGES, TEMPLATES } from './messages.js';
import { rateLimitHeaders } from './rate-limit.js';
import type { OrganizationRecord } from './records.js';
import type { ToursPrincipal } from './seed.js';
import { summarizeOrganizations } from './summary.js';

/** `a string`, `an array`: the type words of `Invalid request body: 'name' must be a string`. */
function typeWords(type: unknown): string {
  const words = (Array.isArray(type) ? type : [type]).map((t) => (t === 'null' ? 'null' : /^[aeiou]/.test(String(t)) ? `an ${String(t)}` : `a ${String(t)}`));
  return words.join(' or ');
}

/** How this API words body and query problems (section 4, step 6; W1's from the spec's BadCreateBody, PayloadTooLarge, UnsupportedMediaType). */
export function toursBodyMessages(spec: LoadedSpec): BodyMessages {
  const { component } = specMessages(spec);
  const invalidJson = component('BadCreateBody', 'invalidJson');
  const unreadable = {
    'invalid-json': { status: 400, message: invalidJson },
    'too-large': { status: 413, message: component('PayloadTooLarge') },
    'unsupported-media-type': { status: 415, message: component('UnsupportedMediaType') },
  } as const;
  return {
    unreadable: (problem) => unreadable[problem],
    missing: invalidJson,
    noFields: MESSAGES.noFieldsToUpdate,
    shapeProblem: ({ field, keyword, params }: FieldProblem): string => {
      if (field === undefined) return keyword === 'required' ? TEMPLATES.requiredField(String(params.missingProperty)) : MESSAGES.notAnObject;
      return TEMPLATES.wrongType(field, typeof params.items === 'string' ? `an array of ${params.items}s` : typeWords(params.type));
    },
    queryProblem: ({ name, keyword, params }: QueryProblem): string =>
      keyword === 'enum' && Array.isArray(params.allowedValues)
        ? `Invalid query: ${name} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`
        : `Invalid query: ${name} must be a positive integer`,
  };
}

export function createToursMockApi(options: MockOptions, spec: LoadedSpec): MockApi<ToursPrincipal> {
  const domain = new ToursDomain({
    model: spec.accessModel,
    seed: options.seed,
    signingKey: options.signingKey,
    extraMembers: options.extraUsers,
    rateLimit: options.rateLimit,
    now: options.now,
  });
  const errors = readErrorBodies(spec);
  /** Step 1 and TA4, for both the pipeline and `Prefer`: the caller, nothing sent, or the 401's message. */
  const judge = (request: Credentials): { readonly caller: Caller } | { readonly none: true } | { readonly error: string } => {
    const judged = domain.authenticate(request.authorization, request.cookie);
    if (judged.kind === 'none') return { none: true };
    const caller = judged.kind === 'ok' ? domain.callerOf(judged) : null;
    // An accepted credential whose user is gone reads as an ended session (TA3).
    return caller ? { caller } : { error: judged.kind === 'refused' ? judged.error : MESSAGES.invalidSession };
  };

  /** The facts of a caller, made once per (frozen) caller: a credential's caller is kept while its records stand (caller.ts). */
  const factsOf = new WeakMap<Caller, CallerFacts>();
  const facts = (caller: Caller): CallerFacts => {
    let known = factsOf.get(caller);
    if (known === undefined) {
      known = {
        userId: caller.userId,
        credential: caller.credential,
        label: caller.email,
        tenantId: caller.tenantId,
        suspended: caller.membership === 'suspended',
        role: caller.role?.name ?? null,
        rank: null,
        permissions: caller.role?.permissions ?? new Set(),
        flags: caller.flags,
      };
      factsOf.set(caller, known);
    }
    return known;
  };

  const backend: AccessBackend<Caller, OrganizationRecord> = {
    model: spec.accessModel,
    authenticate(request): Authenticated<Caller> {
      const judged = judge(request);
      if ('none' in judged) return { kind: 'none' };
      if ('error' in judged) return { kind: 'refused', response: errors(request.operation, 401, judged.error, null) };
      return { kind: 'caller', caller: judged.caller, facts: facts(judged.caller) };
    },
    unauthenticated: (op) => errors(op, 401, MESSAGES.authenticationRequired, null),
    findTenant: (id) => domain.store.organizations.get(id),
    tenantIdOf: (organization) => organization.id,
    rateLimit(caller) {
      const decision = domain.rateLimit(caller);
      return (
        decision && {
          allowed: decision.allowed,
          headers: rateLimitHeaders(decision),
          retryAfterSeconds: decision.retryAfterSeconds,
          message: MESSAGES.rateLimited,
        }
      );
    },
    rolePermissions: (tenantId, roleName) => domain.rolePermissions(tenantId, roleName),
    error: errors,
    bodyMessages: toursBodyMessages(spec),
  };

  const handlers = createHandlers(domain, spec);
  checkHandlers(spec, handlers);
  const handle = createPipeline(backend, handlers, spec);

  return {
    handle,
    credentialColumn: 'apiKey',
    authenticate(credentials): EngineAuthentication {
      const judged = judge(credentials);
      if ('caller' in judged) return { ok: true, userId: judged.caller.userId, email: judged.caller.email };
      const error = 'error' in judged ? judged.error : MESSAGES.authenticationRequired;
      return { ok: false, response: { status: 401, body: { error } } };
    },
    reset: () => domain.reset(),
    advanceClock: (seconds) => domain.clock.advance(seconds),
    principals: async () => domain.principals().principals.slice(),
    principalExtras() {
      const { expiredApiKey, revokedApiKey, invitation } = domain.principals();
      return { expiredApiKey, revokedApiKey, invitation };
    },
    validateUser: () => false,
    outbox: () => domain.outbox(),
    organizationSummaries: () => summarizeOrganizations(domain.exportState(), domain.clock.now()),
    exportState: () => domain.exportState(),
    importState: (snapshot) => domain.importState(snapshot),
  };
}

/** The records `x-access.target` names, by the operation's path parameter (step 7). */
function targetFinders(domain: ToursDomain): Readonly<Record<string, (id: string, caller: CallerFacts) => Found<unknown> | undefined>> {
  const member = (id: string): Found<unknown> | undefined => {
    const record = domain.store.members.get(id);
    return record && { record, tenantId: record.organizationId, ownerId: record.userId, rank: null };
  };
  const role = (id: string, caller: CallerFacts): Found<unknown> | undefined => {
    const record = domain.store.roles.get(id);
    if (record) return { record, tenantId: record.organizationId, ownerId: null, rank: null };
    // A system role (its fixed id) exists in every organization (TR2): the caller's own.
    const system = domain.model.roles.kind === 'system' ? domain.model.roles.system.find((r) => r.id === id) : undefined;
    return system && { record: system, tenantId: caller.tenantId, ownerId: null, rank: null };
  };
  const invitation = (id: string): Found<unknown> | undefined => {
    const record = domain.store.invitations.get(id);
    return record && { record, tenantId: record.organizationId, ownerId: null, rank: null };
  };
  const organization = (id: string): Found<unknown> | undefined => {
    const record = domain.store.organizations.get(id);
    return record && { record, tenantId: record.id, ownerId: null, rank: null };
  };
  const apiKey = (id: string): Found<unknown> | undefined => {
    const record = domain.store.apiKeys.get(id);
    return record && { record, tenantId: null, ownerId: record.userId, rank: null };
  };
  // Unknown, expired, used and revoked tokens are one 404 (TI3, TI4): the operation itself tells them apart.
  const token = (value: string): Found<unknown> | undefined => {
    const record = domain.store.invitationByTokenHash(sha256Hex(value));
    return record && { record, tenantId: record.organizationId, ownerId: null, rank: null };
  };
  return {
    updateMember: member,
    removeMember: member,
    updateRole: role,
    deleteRole: role,
    resendInvitation: invitation,
    revokeInvitation: invitation,
    getOrganizationById: organization,
    updateOrganizationById: organization,
    deleteOrganizationById: organization,
    getApiKey: apiKey,
    updateApiKey: apiKey,
    deleteApiKey: apiKey,
    acceptInvitation: token,
  };
}

/** One engine handler per operation of the spec, each running the domain's business part of it (a result is already the engine's answer: a status, a body and, for some, headers). */
function createHandlers(domain: ToursDomain, spec: LoadedSpec): HandlerTable {
  const finders = targetFinders(domain);
  const table: Record<string, MemberHandler<unknown, Caller> | PublicHandler> = {};
  for (const op of spec.operations) {
    const id = op.operationId;
    if (op.access.credentials.length === 0) {
      table[id] = { kind: 'public', run: ({ params, body }) => domain.run(id, { caller: null, params, body }) };
      continue;
    }
    const find = finders[id];
    table[id] = {
      kind: 'member',
      ...(find ? { findTarget: find } : {}),
      run: ({ caller, params, query, body }) => domain.run(id, { caller, params, query, body }),
      // An optional credential (get-session, sign-out) sent none: the operation answers for no caller.
      runAnonymous: ({ params, body }) => domain.run(id, { caller: null, params, body }),
    };
  }
  return table;
}
