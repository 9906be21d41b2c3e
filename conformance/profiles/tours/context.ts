/**
 * What a Tours check gets: the spec and its access model, the documented messages, the principals as
 * actors (each with its session and its API key), a way to send a request inside a case, and the
 * run's own records (fixtures.ts). One per run.
 */
import type { AccessModel, ContractValidators, LoadedSpec, OperationSpec } from '../../../src/contract/index.js';
import { checkMessage, checkOutcome } from '../../kernel/assertions/outcome.js';
import type { SecretBook } from '../../kernel/assertions/secrets.js';
import type { Expected } from '../../kernel/expected.js';
import type { HttpClient, RequestSpec } from '../../kernel/http/client.js';
import type { Exchange } from '../../kernel/http/exchange.js';
import type { ResolvedOptions } from '../../kernel/options.js';
import type { KernelRun } from '../../kernel/profile.js';
import type { CaseScope, Recorder } from '../../kernel/recorder.js';
import { specMessages, type SpecMessages } from '../../kernel/spec-messages.js';
import { CREDENTIAL_KINDS, principalActor, pseudoActors, type Actor, type CredentialKind } from './actors.js';
import { expectedOutcome, type CallFacts } from './expectations.js';
import type { Fixtures } from './fixtures.js';
import { TOURS_PRINCIPALS, type OrgKey, type ResolvedPrincipal, type ResolvedPrincipals } from './principals.js';

export interface CallArgs {
  readonly params?: Readonly<Record<string, string>>;
  /** Appended to the path, e.g. `?page=2`. */
  readonly query?: string;
  readonly json?: unknown;
  readonly raw?: RequestSpec['raw'];
  readonly headers?: Readonly<Record<string, string>>;
}

export class ToursContext {
  readonly spec: LoadedSpec;
  readonly validators: ContractValidators;
  readonly options: ResolvedOptions;
  readonly http: HttpClient;
  readonly recorder: Recorder;
  readonly secrets: SecretBook;
  readonly model: AccessModel;
  readonly messages: SpecMessages;
  /** The pseudo-principals: no credential, a bearer value that is no key, unknown key and session, the seeded expired and revoked keys. */
  readonly pseudo: readonly Actor[];
  private readonly actors = new Map<string, Actor>();

  constructor(
    kernel: KernelRun,
    readonly principals: ResolvedPrincipals,
    readonly fixtures: Fixtures,
  ) {
    this.spec = kernel.spec;
    this.validators = kernel.validators;
    this.options = kernel.options;
    this.http = kernel.http;
    this.recorder = kernel.recorder;
    this.secrets = kernel.secrets;
    this.model = kernel.spec.accessModel;
    this.messages = specMessages(kernel.spec);
    this.pseudo = pseudoActors(principals.extras);
    for (const p of principals.byName.values()) {
      for (const kind of CREDENTIAL_KINDS) {
        const actor = principalActor(p, kind);
        if (actor) this.actors.set(actor.name, actor);
      }
    }
  }

  get runId(): string {
    return this.options.runId;
  }

  op(operationId: string): OperationSpec {
    const op = this.spec.byId.get(operationId);
    if (!op) throw new Error(`The spec has no operation "${operationId}"; the conformance suite needs it.`);
    return op;
  }

  principal(name: string): ResolvedPrincipal | undefined {
    return this.principals.byName.get(name);
  }

  /** A principal with one of its credentials; undefined when the run lacks it. */
  actor(name: string, kind: CredentialKind = 'session'): Actor | undefined {
    return this.actors.get(`${name} (${kind === 'session' ? 'session' : 'key'})`);
  }

  /** Every principal actor the run has: each principal by session, then by key. */
  allActors(): Actor[] {
    return [...this.actors.values()];
  }

  /** The actor, or skips the case saying which credential is missing and how to give it. */
  need(scope: CaseScope, name: string, kind: CredentialKind = 'session'): Actor {
    return this.actor(name, kind) ?? scope.skip(this.missingReason(name, kind));
  }

  missingReason(name: string, kind: CredentialKind = 'session'): string {
    const what = kind === 'session' ? 'session' : 'API key';
    return this.principals.mockControlPlane
      ? `needs ${name}'s ${what}, which ${this.principals.source} does not list`
      : `needs ${name}'s ${what}: give it in --config or as CONFORMANCE_TOURS_${name.toUpperCase().replace(/-/g, '_')}_${kind === 'session' ? 'SESSION (or _EMAIL and _PASSWORD)' : 'APIKEY'}`;
  }

  /** The id of an organization, as its principals learned it. */
  orgId(org: OrgKey): string | null {
    for (const spec of TOURS_PRINCIPALS) {
      if (spec.org !== org) continue;
      const id = this.principals.byName.get(spec.name)?.orgId;
      if (id) return id;
    }
    return null;
  }

  /** Sends an operation as an actor (null: no credential) inside a case. */
  async call(scope: CaseScope, actor: Actor | null, operationId: string, args: CallArgs = {}): Promise<Exchange> {
    const op = this.op(operationId);
    const path =
      op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const value = args.params?.[name];
        if (value === undefined) throw new Error(`${op.operationId} needs the path parameter ${name}`);
        return encodeURIComponent(value);
      }) + (args.query ?? '');
    return this.send(scope, actor, { kind: 'operation', operationId }, { method: op.method, path, json: args.json, raw: args.raw, headers: args.headers });
  }

  /** Sends a request that is no operation of the spec (an unknown route, a wrong method). */
  async stray(
    scope: CaseScope,
    actor: Actor | null,
    component: 'RouteNotFound' | 'MethodNotAllowed',
    request: { method: string; path: string },
  ): Promise<Exchange> {
    return this.send(scope, actor, { kind: 'route', component }, request);
  }

  /** A request outside the contract (the mock's control plane): recorded, never validated. */
  async internal(scope: CaseScope, request: { method: string; path: string; json?: unknown }): Promise<Exchange> {
    return this.send(scope, null, { kind: 'internal' }, request);
  }

  private async send(
    scope: CaseScope,
    actor: Actor | null,
    subject: Exchange['meta']['subject'],
    request: Omit<RequestSpec, 'authorization'>,
  ): Promise<Exchange> {
    const headers = actor?.headers || request.headers ? { ...actor?.headers, ...request.headers } : undefined;
    const exchange = await this.http.send(
      { ...request, headers, authorization: actor?.authorization },
      { subject, principal: actor?.name ?? 'no-credential', caseId: scope.id },
    );
    return scope.attach(exchange);
  }

  /** What the spec gives this call (expectations.ts). */
  expected(operationId: string, actor: Actor, facts: CallFacts = {}): ReturnType<typeof expectedOutcome> {
    return expectedOutcome(this.model, this.messages, this.op(operationId), actor, facts);
  }

  /** Sends an operation and compares the answer with what the spec gives it; skips the case when the rules do not settle one answer. */
  async callExpecting(
    scope: CaseScope,
    actor: Actor,
    operationId: string,
    args: CallArgs,
    facts: CallFacts = {},
  ): Promise<{ exchange: Exchange; ok: boolean }> {
    const expected = this.expected(operationId, actor, facts);
    if (expected.status === null) scope.skip(expected.why);
    const exchange = await this.call(scope, actor, operationId, args);
    return { exchange, ok: this.expect(scope, exchange, expected) };
  }

  /** Compares status and documented message; records failures in the case. True when all matched. */
  expect(scope: CaseScope, exchange: Exchange, expected: Expected): boolean {
    const failures = checkOutcome(exchange, expected, this.options);
    for (const failure of failures) scope.failOn(exchange, failure);
    return failures.length === 0;
  }

  /** Compares a documented message on its own (`--lenient-messages`: any non-empty one). */
  expectMessage(scope: CaseScope, exchange: Exchange, message: string, context: Pick<Expected, 'kind' | 'reason'>): boolean {
    const failures = checkMessage(exchange, message, context, this.options);
    for (const failure of failures) scope.failOn(exchange, failure);
    return failures.length === 0;
  }
}
