/**
 * The Tours & Events domain as one value, for the engine to drive: the clock, the store seeded from
 * the fixture, the rate limiter, and the answers to the questions of section 4 (who is calling, are
 * they over the limit, what does the operation answer). No HTTP: headers come in as strings and go out
 * as a record.
 */
import type { AccessModel } from '../../contract/index.js';
import { callerFor, effectiveRole, type Caller } from './caller.js';
import { ToursClock } from './clock.js';
import { authenticate, readCredentials, sha256Hex, type Authentication } from './credentials.js';
import { OPERATIONS, type Result } from './operations/index.js';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateDecision, type RateLimitConfig } from './rate-limit.js';
import { loadToursFixture, seedSnapshot, seededCredentials, type SeededCredentials, type ToursFixture } from './seed.js';
import { toursSpec } from './spec.js';
import { ToursStore, parseToursSnapshot } from './store.js';
import type { InvitationEmailRecord, ToursSnapshot } from './records.js';

/** The spec's `x-access-model` of this API: permission catalogue, system roles, platform flags (read at run time). */
export function loadToursModel(): AccessModel {
  return toursSpec().accessModel;
}

export interface ToursDomainOptions {
  readonly model: AccessModel;
  readonly fixture?: ToursFixture;
  readonly seed?: number;
  /** The key of the seeded sessions, API keys and invitation token; absent: derived from the seed. */
  readonly signingKey?: string | undefined;
  readonly extraMembers?: number;
  /** null: rate limiting off; default 100 per 60 seconds (TL1). */
  readonly rateLimit?: RateLimitConfig | null;
  /** The underlying clock, ms since the epoch (the real one by default). */
  readonly now?: () => number;
}

export interface OperationInput {
  readonly caller: Caller | null;
  readonly params?: Readonly<Record<string, string | undefined>>;
  readonly query?: Readonly<Record<string, unknown>> | URLSearchParams;
  readonly body?: unknown;
}

export class ToursDomain {
  readonly model: AccessModel;
  readonly clock: ToursClock;
  readonly limiter: RateLimiter;
  private readonly fixture: ToursFixture;
  private readonly seed: number;
  private readonly signingKey: string | undefined;
  private readonly extraMembers: number;
  private current: ToursStore;

  constructor(options: ToursDomainOptions) {
    this.model = options.model;
    this.fixture = options.fixture ?? loadToursFixture(undefined, options.model);
    this.seed = options.seed ?? 42;
    this.signingKey = options.signingKey;
    this.extraMembers = options.extraMembers ?? 0;
    this.clock = new ToursClock(options.now);
    this.limiter = new RateLimiter(this.clock, options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit);
    this.current = this.seeded();
  }

  get store(): ToursStore {
    return this.current;
  }

  /** Step 1 of section 4: the request's credential judged (TA3). `none`: nothing sent. */
  authenticate(authorization: string | undefined, cookie: string | undefined): Authentication {
    return authenticate(this.current, this.clock, readCredentials(authorization, cookie));
  }

  /** TA4: the caller of an accepted credential, read now; null if its user is gone. */
  callerOf(authentication: Authentication & { kind: 'ok' }): Caller | null {
    return callerFor(this.current, this.model, authentication);
  }

  /** Step 3 (TL1): counts the request of the caller's credential; null when limiting is off. */
  rateLimit(caller: Caller): RateDecision | null {
    return this.limiter.take(caller.credentialId);
  }

  /** The permissions of a role name in an organization (TR4 shadowing resolved), for the engine's `grantedRole`; null for no such role. */
  rolePermissions(organizationId: string, roleName: string): readonly string[] | null {
    const role = effectiveRole(this.current, this.model, organizationId, roleName);
    return role ? [...role.permissions] : null;
  }

  /** The business part of an operation (after steps 1–5 of section 4). */
  run(operationId: string, input: OperationInput): Result<unknown, number> {
    const operation = OPERATIONS[operationId];
    if (!operation) throw new Error(`The Tours domain has no operation ${operationId}`);
    return operation({
      store: this.current,
      clock: this.clock,
      model: this.model,
      caller: input.caller,
      params: input.params ?? {},
      query: input.query,
      body: input.body,
    });
  }

  /** Back to the seeded state and the real clock, every rate-limit window forgotten. */
  reset(): void {
    this.clock.reset();
    this.limiter.reset();
    this.current = this.seeded();
  }

  principals(): SeededCredentials {
    return seededCredentials(this.fixture, this.seed, this.signingKey);
  }

  outbox(): readonly InvitationEmailRecord[] {
    return this.current.outbox();
  }

  exportState(): ToursSnapshot {
    return this.current.snapshot();
  }

  /** Replaces the whole state; throws ToursStateError (nothing changed) for a malformed snapshot. */
  importState(raw: unknown): void {
    this.current = this.pinned(new ToursStore(parseToursSnapshot(raw)));
  }

  private seeded(): ToursStore {
    return this.pinned(
      new ToursStore(seedSnapshot(this.fixture, { seed: this.seed, extraMembers: this.extraMembers, now: this.clock.now(), signingKey: this.signingKey })),
    );
  }

  /** The seeded principals' sessions kept out of the per-user cap, in whatever state they are loaded. */
  private pinned(store: ToursStore): ToursStore {
    store.pinSessions(this.principals().principals.map((p) => sha256Hex(p.sessionToken)));
    return store;
  }
}
