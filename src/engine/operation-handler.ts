/**
 * The shape of a handler. The shared pipeline (pipeline.ts) runs authentication, the access rule
 * of `x-access`, body checks and the rank rules; a handler only supplies what is its own.
 */
import type { AccessRule, OperationSpec, RoleValue } from '../contract/index.js';
import type { ApiResponse } from './api.js';
import type { ErrorEnvelopes } from '../apis/flashback/envelopes.js';
import type { Organization, UserRecord } from '../apis/flashback/records.js';
import type { MockStore } from '../apis/flashback/store.js';
import type { TokenService } from '../apis/flashback/tokens.js';

/** What every handler may use; `store` is the current one (reset and import replace it). */
export interface MockContext {
  readonly store: MockStore;
  readonly tokens: TokenService;
  readonly envelopes: ErrorEnvelopes;
  /** The current time as ISO 8601 UTC with milliseconds (E2). */
  isoNow(): string;
}

/** Body hooks, shared by both kinds of handler. */
export interface BodyHooks<Body> {
  /** String fields trimmed before validation and storage (U3: names are 1 to 100 characters after trimming). */
  readonly trimmedFields?: readonly string[];
  /** A message that replaces the generic one for any non-type problem of a field (e.g. the password policy). */
  readonly fieldMessages?: Readonly<Record<string, string>>;
  /** Section 3, step 3, after the schema: a further 400 about the body alone (e.g. `No valid fields to update`). */
  bodyRule?(body: Body): string | null;
}

export interface MemberRequest<Body = unknown> {
  readonly op: OperationSpec;
  readonly rule: AccessRule;
  readonly params: Readonly<Record<string, string>>;
  readonly caller: UserRecord;
  /** The body after trimming and schema validation; undefined for operations that take none. */
  readonly body: Body;
  /** The `x-access.target` user: it exists and shares the caller's organization. */
  readonly target: UserRecord | null;
  /** The organization of `x-access.tenant.from: path`: it is the caller's. */
  readonly organization: Readonly<Organization> | null;
}

/** A handler of an operation that needs a credential (`x-access.credentials` names a kind). */
export interface MemberHandler<Body = unknown> extends BodyHooks<Body> {
  readonly kind: 'member';
  /** Section 3, step 6: the 400 self rules (R7), checked before the rank rules. */
  selfRule?(request: MemberRequest<Body>): string | null;
  /** R5: the role the request grants, if any; the pipeline checks it for a `grantedRank` escalation rule. */
  grantedRole?(request: MemberRequest<Body>): RoleValue | null;
  /** The state rules (400), conflicts (409) and the change itself. */
  run(request: MemberRequest<Body>): ApiResponse | Promise<ApiResponse>;
}

export interface PublicRequest<Body = unknown> {
  readonly op: OperationSpec;
  readonly body: Body;
}

/** A handler of an operation open without a token (login, refresh, logout). */
export interface PublicHandler<Body = unknown> extends BodyHooks<Body> {
  readonly kind: 'public';
  run(request: PublicRequest<Body>): ApiResponse | Promise<ApiResponse>;
}

// Handlers are stored by operation id with their body type erased (methods are bivariant in their
// parameters); the pipeline has validated the body against the operation's own schema before
// calling, which is what each handler's typed Body relies on.
export type AnyHandler = MemberHandler<unknown> | PublicHandler<unknown>;

export type HandlerTable = Readonly<Record<string, AnyHandler>>;

/** The target or organization the pipeline resolved; throws if an operation's `x-access` did not ask for it. */
export function resolved<T>(value: T | null, what: string, operationId: string): T {
  if (value === null) throw new Error(`${operationId} needs ${what}: check its x-access rule (target / tenant.from: path)`);
  return value;
}
