/**
 * The boundary between an API's stateful mock (src/apis, driven by the engine's pipeline, no HTTP)
 * and the rest of the engine (src/server: the mock service, then the HTTP adapter).
 *
 * The server turns a socket request into an ApiRequest (route → operation, path params, the raw
 * Authorization header, the parsed body or what was wrong with it). Everything the API decides
 * (401/403/400/404/409, bodies, state) happens behind `handle`, so tests can drive it in-process
 * without a port. What the answer means for the rest of the engine (who asked, whether the state is
 * to be written, the body's bytes) is the engine's to know, not the API's to say in its answer: the
 * pipeline reports the caller beside the response (Handled), the mock service decides persistence
 * from the request and the status, and json-body.ts serialises.
 */
import type { OperationSpec } from '../contract/index.js';
import type { components as MockControl } from '../generated/mock-control.js';
import type { ClockReading } from './clock.js';

/** What was wrong with the body before it could be parsed. Reported only after auth and role (section 3). */
export type BodyProblem = 'invalid-json' | 'too-large' | 'unsupported-media-type';

export interface ApiRequest {
  readonly operation: OperationSpec;
  /** Path parameters, already URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string, parsed; absent when the caller has none to give (in-process tests). */
  readonly query?: URLSearchParams | undefined;
  /** The raw `Authorization` header, if any. */
  readonly authorization: string | undefined;
  /** The raw `Cookie` header, if any (session cookies). */
  readonly cookie?: string | undefined;
  /** The parsed JSON body; undefined when the request had none. */
  readonly body: unknown;
  readonly bodyProblem?: BodyProblem | undefined;
  /** Told each stage of the order of checks the request reaches (pipeline.ts, PipelineStage); absent in normal serving. Tests and the fuzzer set it. */
  readonly observe?: ((stage: PipelineStage) => void) | undefined;
}

/**
 * How deep a request got in the order of checks (pipeline.ts): `auth`, its credential was accepted
 * for the operation (or the operation needs none); `validation`, it passed the tenant and gate checks
 * and its query and body are checked now; `handler`, its query and body were accepted and it passed
 * the target, self and escalation rules: the operation's handler runs (state rules, conflicts, the change).
 */
export type PipelineStage = 'auth' | 'validation' | 'handler';

/** An API's answer to a request: what the client is sent, and nothing else. */
export interface ApiResponse {
  readonly status: number;
  /** Serialised by the engine (json-body.ts: bytes the API registered for this body object, else JSON.stringify). */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What an API's `handle` gives the engine: the response, and who asked (the pipeline knows the caller once it has checked the credential). */
export interface Handled {
  readonly response: ApiResponse;
  /** The caller, for the log line (`owner@acme.test`), or `-` when no credential was accepted. */
  readonly principal: string;
}

/** The credentials of a request: its `Authorization` and `Cookie` headers as sent. */
export type Credentials = Pick<ApiRequest, 'authorization' | 'cookie'>;

/** The result of checking a request's credentials, for the server's `Prefer` handling: the caller, or the API's answer refusing them (its 401). */
export type Authentication = { readonly ok: true; readonly userId: string; readonly email: string } | { readonly ok: false; readonly response: ApiResponse };

/**
 * A seeded principal as the control plane lists it: what every API's principals have, and beside it
 * the API's own ready credentials (Flashback: `accessToken`; Tours & Events: `sessionToken`, `apiKey`).
 */
export interface PrincipalInfo {
  readonly name: string;
  /** The role name, or null for a principal with no organization. */
  readonly role: string | null;
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly orgId: string | null;
  /** The credential a start-up table shows for pasting (a bearer value), or null for one who cannot sign in. */
  readonly [credential: string]: unknown;
}

/** An email the mock "sent", as the control plane lists it (openapi/mock-control.yaml: Flashback's verification and invite emails, Tours' invitation emails). */
export type OutboxEmail = MockControl['schemas']['Outbox']['emails'][number];

/** What the control plane tells of the organizations (`GET /__mock/organizations`): counts, never a secret. */
export type OrganizationSummaries = MockControl['schemas']['OrganizationSummaryList'];

/** A rate limit: at most `limit` requests per `windowSeconds` for one credential. */
export interface RateLimitSetting {
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface MockOptions {
  /** Seed of the faker data; the same seed gives the same state, byte for byte. */
  readonly seed: number;
  /** Extra generated users in the first organization. */
  readonly extraUsers: number;
  /** Access token lifetime in seconds (A5: 3600 by default). */
  readonly tokenTtlSeconds: number;
  /** HS256 key; derived from the seed when absent, so tokens survive a restart with the same seed. */
  readonly signingKey?: string | undefined;
  /** Requests per window of one credential, for an API with rate limits (Tours TL1); null switches it off; absent: the API's documented default. */
  readonly rateLimit?: RateLimitSetting | null | undefined;
  /** The clock, injectable for tests of expiry. Milliseconds since the epoch. */
  readonly now?: (() => number) | undefined;
}

export interface MockApi<Principal extends PrincipalInfo = PrincipalInfo> {
  handle(request: ApiRequest): Handled | Promise<Handled>;
  authenticate(credentials: Credentials): Authentication | Promise<Authentication>;
  /** Back to the seeded state, the clock back to the real time. */
  reset(): void;
  /** Moves the mock's clock forward (expiry of tokens, sessions, keys, invitations, rate-limit windows). */
  advanceClock(seconds: number): ClockReading;
  principals(): Promise<Principal[]>;
  /** Seeded credentials that belong to no principal (Tours: an expired and a revoked key, a pending invitation), listed beside them. */
  principalExtras?(): Readonly<Record<string, unknown>>;
  /** The column of the start-up table that holds a credential to paste, e.g. `accessToken`. */
  readonly credentialColumn?: string;
  /** Marks a user's email validated; false when there is no such user. */
  validateUser(userId: string): boolean;
  outbox(): readonly OutboxEmail[];
  /** Each organization with counts of what it holds (the dashboard's); absent: none are listed. */
  organizationSummaries?(): OrganizationSummaries;
  /** The whole state as plain JSON. */
  exportState(): unknown;
  /** Replaces the whole state; throws StateImportError (nothing changed) when the snapshot is malformed. */
  importState(snapshot: unknown): void;
}

export class StateImportError extends Error {
  override readonly name = 'StateImportError';
}
