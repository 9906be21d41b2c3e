/**
 * createMockApi: the stateful Organization API behind the MockApi boundary (api.ts), without HTTP.
 *
 * Everything is derived from the spec: each operation's access rule (`x-access`), its request and
 * response schemas, and its error envelopes. See pipeline.ts for the order of checks.
 */
import { loadSpec, roleName, type LoadedSpec } from '../../contract/index.js';
import { readErrorBodies } from '../../engine/error-bodies.js';
import type { AccessBackend, Authenticated, CallerFacts } from '../../engine/operation-handler.js';
import { flashbackBodyMessages } from './body-messages.js';
import { readMessages } from './messages.js';
import type { MockContext } from './context.js';
import type { Organization, UserRecord } from './records.js';
import type { Authentication, MockApi, MockOptions } from '../../engine/api.js';
import type { components as MockControl } from '../../generated/mock-control.js';

/** A seeded Flashback principal with a ready access token (`Principal` of openapi/mock-control.yaml). */
export type FlashbackPrincipal = MockControl['schemas']['Principal'];
import { authenticateCaller } from './authenticate.js';
import { unauthorizedAnswer } from './envelopes.js';
import { createHandlers } from './handlers.js';
import { resolveOptions } from '../../engine/options.js';
import { checkHandlers, createPipeline } from '../../engine/pipeline.js';
import { loadPrincipalsFixture } from './principals-fixture.js';
import { seedState } from './seed.js';
import { parseSnapshot } from './state-snapshot.js';
import { MockStore } from './store.js';
import { summarizeOrganizations } from './summary.js';
import { signingKey, TokenService } from './tokens.js';

/**
 * The mock Organization API for `options`, answering the operations of `spec` (the project's
 * openapi/organization.yaml by default). The HTTP adapter (src/server) drives it through MockApi.
 */
export function createMockApi(options: MockOptions, spec: LoadedSpec = loadSpec()): MockApi<FlashbackPrincipal> {
  const settings = resolveOptions(options);
  const fixture = loadPrincipalsFixture();
  // Seeded once; reset re-indexes the same frozen records instead of generating them again.
  const seed = seedState(fixture, settings);
  const seeded = (): MockStore => new MockStore(seed);
  let store = seeded();
  const tokens = new TokenService(signingKey(settings.signingKey, settings.seed), settings.tokenTtlSeconds, settings.now);

  const errors = readErrorBodies(spec);
  const messages = readMessages(spec);
  const context: MockContext = {
    get store() {
      return store;
    },
    tokens,
    messages,
    fail: (op, status, message) => errors(op, status, message, null),
    isoNow: () => new Date(settings.now()).toISOString(),
  };
  const handlers = createHandlers(context);
  checkHandlers(spec, handlers);
  const unauthorized = unauthorizedAnswer(spec);
  /** A1, A2: a valid bearer token is the caller; anything else, sent or not, is the one 401. */
  const authenticated = (caller: UserRecord | null): Authenticated<UserRecord> =>
    caller ? { kind: 'caller', caller, facts: callerFacts(caller) } : { kind: 'refused', response: unauthorized() };
  const backend: AccessBackend<UserRecord, Readonly<Organization>> = {
    model: spec.accessModel,
    authenticate(request) {
      const caller = authenticateCaller(request.authorization, tokens, () => store);
      return caller instanceof Promise ? caller.then(authenticated) : authenticated(caller);
    },
    unauthenticated: unauthorized,
    findTenant: (id) => store.organization(id),
    tenantIdOf: (organization) => organization.id,
    error: errors,
    bodyMessages: flashbackBodyMessages(messages),
  };
  const handle = createPipeline(backend, handlers, spec);

  const replaceStore = (next: MockStore): void => {
    store = next;
    tokens.clearCache();
  };

  return {
    handle,
    credentialColumn: 'accessToken',

    authenticate({ authorization }) {
      const toResult = (caller: ReturnType<MockStore['user']> | null): Authentication =>
        caller ? { ok: true, userId: caller.id, email: caller.email } : { ok: false, response: unauthorized() };
      const caller = authenticateCaller(authorization, tokens, () => store);
      return caller instanceof Promise ? caller.then(toResult) : toResult(caller);
    },

    reset() {
      settings.clock.reset();
      replaceStore(seeded());
    },

    advanceClock: (seconds) => settings.clock.advance(seconds),

    async principals() {
      return Promise.all(
        fixture.principals.map(async (p): Promise<FlashbackPrincipal> => {
          const user = store.user(p.id);
          const canLogIn = user !== undefined && user.deletedAt === null && user.validated;
          return {
            name: p.name,
            role: user && user.orgRole !== null ? roleName(user.orgRole) : null,
            email: user?.email ?? p.email,
            password: p.password,
            userId: p.id,
            orgId: user ? user.orgId : null,
            accessToken: canLogIn ? (await tokens.signAccess(user)).token : null,
          };
        }),
      );
    },

    validateUser(userId) {
      if (!store.user(userId)) return false;
      store.updateUser(userId, { validated: true });
      return true;
    },

    outbox: () => store.outbox(),

    organizationSummaries: () => summarizeOrganizations(store.snapshot(), settings.now()),

    exportState: () => store.snapshot(),

    importState(snapshot) {
      // Parse and index into a new store first: a malformed snapshot throws before anything changes.
      replaceStore(new MockStore(parseSnapshot(snapshot)));
    },
  };
}

const NO_PERMISSIONS: ReadonlySet<string> = new Set();

/** R1, R8: the caller's organization and ranked role, read from the store on every request. Flashback has no permissions, flags or suspension. */
function callerFacts(user: UserRecord): CallerFacts {
  return {
    userId: user.id,
    credential: 'bearerJwt',
    label: user.email,
    tenantId: user.orgId,
    suspended: false,
    role: user.orgRole === null ? null : roleName(user.orgRole),
    rank: user.orgRole,
    permissions: NO_PERMISSIONS,
    flags: NO_PERMISSIONS,
  };
}
