/**
 * The shape of a handler, and of what an API hands the engine. The engine's pipeline (pipeline.ts)
 * runs the credential, the access rule of `x-access`, the body checks and the escalation rules; a
 * handler only supplies what is its own API's: how to find its target, its self rules, and the change.
 * Nothing here names an API: the records (caller, target, organization) are type parameters.
 */
import type { AccessModel, AccessRule, CredentialKind, OperationSpec } from '../contract/index.js';
import type { ApiRequest, ApiResponse } from './api.js';
import type { QueryValues } from './query.js';
import type { BodyMessages } from './request-validation.js';

/** Body hooks, shared by both kinds of handler. */
export interface BodyHooks<Body> {
  /** String fields trimmed before validation and storage (e.g. names counted after trimming). */
  readonly trimmedFields?: readonly string[];
  /** A message that replaces the generic one for any non-type problem of a field (e.g. a password policy). */
  readonly fieldMessages?: Readonly<Record<string, string>>;
  /** After the schema: a further 400 about the body alone (e.g. no writable field in a partial update). */
  bodyRule?(body: Body): string | null;
}

/** A record the pipeline found for `x-access.target`, with the facts its access checks need. */
export interface Found<Target> {
  readonly record: Target;
  /** The organization it belongs to (checked against the caller's for `owner: tenant`). */
  readonly tenantId: string | null;
  /** The user it belongs to (checked against the caller for `owner: caller`). */
  readonly ownerId: string | null;
  /** Its ranked role, for `targetRank`; null when it has none. */
  readonly rank: number | null;
}

export interface MemberRequest<Body = unknown, Caller = unknown, Target = unknown, Tenant = unknown> {
  readonly op: OperationSpec;
  readonly rule: AccessRule;
  readonly params: Readonly<Record<string, string>>;
  /** The documented query parameters, checked against their schemas, defaults applied. */
  readonly query: QueryValues;
  readonly caller: Caller;
  /** The body after trimming and schema validation; undefined for operations that take none. */
  readonly body: Body;
  /** The `x-access.target` record: it exists and passed its owner check. */
  readonly target: Target | null;
  /** The organization of `x-access.tenant.from: path`: it is the caller's. */
  readonly organization: Tenant | null;
}

/** A handler of an operation that needs a credential (`x-access.credentials` names a kind). */
export interface MemberHandler<Body = unknown, Caller = unknown, Target = unknown, Tenant = unknown> extends BodyHooks<Body> {
  readonly kind: 'member';
  /** The record `x-access.target` names, by the path parameter's value (the caller's facts at hand); undefined when there is none. */
  findTarget?(id: string, caller: CallerFacts): Found<Target> | undefined;
  /** Business rules about the caller and the target, checked before the escalation rules (a 400, e.g. R7). */
  selfRule?(request: MemberRequest<Body, Caller, Target, Tenant>): string | null;
  /** `grantedRank`: the ranked role the request grants, if any. */
  grantedRank?(request: MemberRequest<Body, Caller, Target, Tenant>): number | null;
  /** The state rules, conflicts and the change itself. */
  run(request: MemberRequest<Body, Caller, Target, Tenant>): ApiResponse | Promise<ApiResponse>;
  /** For an operation whose credential is `optional`: the answer to a request that sent none. */
  runAnonymous?(request: PublicRequest<Body>): ApiResponse | Promise<ApiResponse>;
}

export interface PublicRequest<Body = unknown> {
  readonly op: OperationSpec;
  /** Path parameters, URL-decoded (a public operation's target is its own to find, e.g. an invitation token). */
  readonly params: Readonly<Record<string, string>>;
  readonly body: Body;
}

/** A handler of an operation open without a credential. */
export interface PublicHandler<Body = unknown> extends BodyHooks<Body> {
  readonly kind: 'public';
  run(request: PublicRequest<Body>): ApiResponse | Promise<ApiResponse>;
}

// Handlers are stored by operation id with their body type erased (methods are bivariant in their
// parameters); the pipeline has validated the body against the operation's own schema before
// calling, which is what each handler's typed Body relies on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHandler = MemberHandler<any, any, any, any> | PublicHandler<any>;

export type HandlerTable = Readonly<Record<string, AnyHandler>>;

/** What the access checks need to know of a caller, read fresh from the API's state on every request. */
export interface CallerFacts {
  readonly userId: string;
  /** The kind of credential the request carried. */
  readonly credential: CredentialKind;
  /** Who made the request, for the log line (an email): the pipeline reports it beside the answer. */
  readonly label: string;
  /** The organization the caller belongs to, or null. */
  readonly tenantId: string | null;
  /** A suspended membership (`x-access-model.membership.suspended`). */
  readonly suspended: boolean;
  /** The caller's effective role name, or null with no organization. */
  readonly role: string | null;
  /** The value of a ranked role; null where roles are not ranked. */
  readonly rank: number | null;
  /** The permission keys of the effective role. */
  readonly permissions: ReadonlySet<string>;
  /** Platform flags (`x-access-model.platformFlags`) the user carries. */
  readonly flags: ReadonlySet<string>;
}

/** A rate limiter's verdict on one request. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Headers for the answer, whatever it is (`X-RateLimit-*`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Seconds until the window resets, for the 429's `retryAfter`. */
  readonly retryAfterSeconds: number;
  /** The 429's message. */
  readonly message: string;
}

/** The outcome of reading a request's credential. */
export type Authenticated<Caller> =
  | { readonly kind: 'caller'; readonly caller: Caller; readonly facts: CallerFacts }
  /** No credential was sent. */
  | { readonly kind: 'none' }
  /** A credential was sent and refused: the API's own answer (a 401 with its message). */
  | { readonly kind: 'refused'; readonly response: ApiResponse };

/** What an API gives the engine's pipeline: its state's answers to the questions the access rules ask. */
export interface AccessBackend<Caller, Tenant> {
  readonly model: AccessModel;
  /** Reads the credential of a request: the caller, none, or the API's refusal. */
  authenticate(request: ApiRequest): Authenticated<Caller> | Promise<Authenticated<Caller>>;
  /** The answer to a request with no credential on an operation that needs one (the API's 401). */
  unauthenticated(op: OperationSpec): ApiResponse;
  /** The organization `x-access.tenant.from: path` names; undefined when there is none. */
  findTenant(id: string): Tenant | undefined;
  tenantIdOf(tenant: Tenant): string;
  /**
   * The rate limit of a caller's credential (step 3 of Tours section 4): counts the request and gives
   * the headers every answer after this step carries, and whether it is over the limit. Absent: no limit.
   */
  rateLimit?(caller: Caller, facts: CallerFacts): RateDecision | null;
  /** `grantedRole`: the permission keys of the role a request names, in the caller's organization; null for no such role (its handler answers that). */
  rolePermissions?(tenantId: string, roleName: string): readonly string[] | null;
  /** An error answer of the operation, in the body its spec documents for that status; `extra` fields join the body (a 429's `retryAfter`). */
  error(op: OperationSpec, status: number, message: string, reason: string | null, extra?: Readonly<Record<string, unknown>>): ApiResponse;
  readonly bodyMessages: BodyMessages;
}

/** The target or organization the pipeline resolved; throws if an operation's `x-access` did not ask for it. */
export function resolved<T>(value: T | null, what: string, operationId: string): T {
  if (value === null) throw new Error(`${operationId} needs ${what}: check its x-access rule (target / tenant.from: path)`);
  return value;
}
