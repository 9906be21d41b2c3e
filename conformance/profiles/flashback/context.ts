/**
 * What a check gets: the spec, the principals as actors, a way to send a request inside a case,
 * and the run's disposable users. One per run.
 */
import type { ContractValidators, LoadedSpec, OperationSpec } from '../../../src/contract/index.js';
import { checkMessage, checkOutcome } from '../../kernel/assertions/outcome.js';
import type { SecretBook } from '../../kernel/assertions/secrets.js';
import type { HttpClient, RequestSpec } from '../../kernel/http/client.js';
import type { Exchange } from '../../kernel/http/exchange.js';
import { principalActor, type Actor } from './principals/actors.js';
import type { ResolvedPrincipals } from './principals/resolve.js';
import { MEMBER_NAMES, PRINCIPAL_NAMES, type PrincipalName } from './principals/names.js';
import { expectedOutcome, type CallFacts, type Expected } from './expectations.js';
import type { Fixtures } from './fixtures.js';
import { operation, operationPath } from './operations.js';
import type { CaseScope, Recorder } from '../../kernel/recorder.js';
import type { ResolvedOptions } from '../../kernel/options.js';

export interface CallArgs {
  readonly params?: Readonly<Record<string, string>>;
  /** Appended to the path, e.g. `?access_token=...`. */
  readonly query?: string;
  readonly json?: unknown;
  readonly raw?: RequestSpec['raw'];
  readonly headers?: RequestSpec['headers'];
}

export class RunContext {
  private readonly actors = new Map<PrincipalName, Actor>();

  constructor(
    readonly spec: LoadedSpec,
    readonly validators: ContractValidators,
    readonly options: ResolvedOptions,
    readonly http: HttpClient,
    readonly recorder: Recorder,
    readonly principals: ResolvedPrincipals,
    /** The pseudo-principals: no token, malformed header, garbage, wrongly signed, unsigned. */
    readonly pseudo: readonly Actor[],
    readonly secrets: SecretBook,
    readonly fixtures: Fixtures,
  ) {
    for (const name of PRINCIPAL_NAMES) {
      const p = principals.byName.get(name);
      if (p?.token) this.actors.set(name, principalActor({ ...p, token: p.token }));
    }
  }

  get runId(): string {
    return this.options.runId;
  }

  op(operationId: string): OperationSpec {
    return operation(this.spec, operationId);
  }

  actor(name: PrincipalName): Actor | undefined {
    return this.actors.get(name);
  }

  /** The actor, or skips the case saying which principal is missing and how to give it. */
  need(scope: CaseScope, name: PrincipalName): Actor {
    return this.actor(name) ?? scope.skip(this.missingReason(name));
  }

  missingReason(name: PrincipalName): string {
    return this.principals.mockControlPlane
      ? `needs the ${name} principal, which ${this.principals.source} does not list`
      : `needs the ${name} principal: give it in --config or as CONFORMANCE_${name.toUpperCase()}_TOKEN`;
  }

  /** The first of these principals that is available, or skips the case. */
  needAny(scope: CaseScope, names: readonly PrincipalName[]): Actor {
    for (const name of names) {
      const actor = this.actor(name);
      if (actor) return actor;
    }
    return scope.skip(`needs one of the principals ${names.join(', ')}`);
  }

  /** The members' organization (org A) and the outsider's (org B). */
  get homeOrgId(): string | null {
    for (const name of MEMBER_NAMES) {
      const orgId = this.principals.byName.get(name)?.orgId;
      if (orgId) return orgId;
    }
    return null;
  }

  get otherOrgId(): string | null {
    return this.principals.byName.get('outsider')?.orgId ?? null;
  }

  /** Sends an operation as an actor (null: no Authorization header) inside a case. */
  async call(scope: CaseScope, actor: Actor | null, operationId: string, args: CallArgs = {}): Promise<Exchange> {
    const op = this.op(operationId);
    const path = operationPath(op, args.params) + (args.query ?? '');
    return this.send(scope, actor, { kind: 'operation', operationId }, { method: op.method, path, json: args.json, raw: args.raw, headers: args.headers });
  }

  /** Sends a request that is no operation of the spec (unknown route, wrong method). */
  async stray(
    scope: CaseScope,
    actor: Actor | null,
    component: 'RouteNotFound' | 'MethodNotAllowed',
    request: { method: string; path: string },
  ): Promise<Exchange> {
    return this.send(scope, actor, { kind: 'route', component }, request);
  }

  /** A request outside the contract (the mock's control plane, a CORS preflight): recorded, never validated. */
  async internal(scope: CaseScope, request: { method: string; path: string; headers?: RequestSpec['headers'] }): Promise<Exchange> {
    return this.send(scope, null, { kind: 'internal' }, request);
  }

  private async send(
    scope: CaseScope,
    actor: Actor | null,
    subject: Exchange['meta']['subject'],
    request: Omit<RequestSpec, 'authorization'>,
  ): Promise<Exchange> {
    const exchange = await this.http.send(
      { ...request, authorization: actor?.authorization },
      { subject, principal: actor?.name ?? 'no-token', caseId: scope.id },
    );
    return scope.attach(exchange);
  }

  /**
   * Sends an organization operation and compares the answer with what its access rule gives for
   * these facts (expectations.ts). Skips the case when the rules do not settle one answer.
   */
  async callExpecting(scope: CaseScope, actor: Actor, operationId: string, args: CallArgs, facts: CallFacts): Promise<{ exchange: Exchange; ok: boolean }> {
    const expected = expectedOutcome(this.spec, this.op(operationId), actor, facts);
    if (expected.status === null) scope.skip(expected.why);
    const exchange = await this.call(scope, actor, operationId, args);
    return { exchange, ok: this.expect(scope, exchange, expected) };
  }

  /**
   * Compares a documented message on its own (where the status is not in question): exactly, or
   * with `--lenient-messages` any non-empty one. Records the failure in the case; true when it matched.
   */
  expectMessage(scope: CaseScope, exchange: Exchange, message: string, context: Pick<Expected, 'kind' | 'reason'>): boolean {
    const failures = checkMessage(exchange, message, context, this.options);
    for (const failure of failures) scope.failOn(exchange, failure);
    return failures.length === 0;
  }

  /** Compares status and documented message; records failures in the case. True when all matched. */
  expect(scope: CaseScope, exchange: Exchange, expected: Expected): boolean {
    const failures = checkOutcome(exchange, expected, this.options);
    for (const failure of failures) scope.failOn(exchange, failure);
    return failures.length === 0;
  }
}
