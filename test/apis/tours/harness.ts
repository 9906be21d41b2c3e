/**
 * The Tours domain driven directly (no HTTP) for tests: a domain seeded at a fixed time, callers of
 * the seeded principals by session or by API key, and `call`, which runs an operation and checks its
 * body against the spec's response schema for the status it answered (test/helpers/spec-operations.ts).
 */
import { loadSpec, projectPath, type LoadedSpec } from '../../../src/contract/index.js';
import {
  SESSION_COOKIE,
  TOURS_SPEC,
  ToursDomain,
  loadToursModel,
  type Caller,
  type RateLimitConfig,
  type ToursPrincipal,
} from '../../../src/apis/tours/index.js';
import { loadSpecForTests } from '../../helpers/spec-operations.js';

export const model = loadToursModel();
export const spec: LoadedSpec = loadSpec(projectPath(TOURS_SPEC));
export const specForTests = await loadSpecForTests(projectPath(TOURS_SPEC));

/** The seeded time of every test domain: 2026-02-01 09:00 UTC, the day of the spec's examples. */
export const NOW = Date.parse('2026-02-01T09:00:00.000Z');

export type PrincipalName =
  | 'acme-owner'
  | 'acme-admin'
  | 'acme-coordinator'
  | 'acme-member'
  | 'acme-guide-lead'
  | 'acme-suspended'
  | 'globex-owner'
  | 'globex-coordinator'
  | 'orgless'
  | 'superadmin';

export interface CallInput {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, unknown>> | URLSearchParams;
  readonly body?: unknown;
}

export interface Answer {
  readonly status: number;
  readonly body: any;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Tours {
  readonly domain: ToursDomain;
  principal(name: PrincipalName): ToursPrincipal;
  /** The caller of a principal, authenticated now by its session (default) or its API key. */
  as(name: PrincipalName, credential?: 'session' | 'apiKey'): Caller;
  /** Authenticates an API key and returns its caller (throws when refused). */
  byKey(key: string): Caller;
  /** Runs an operation; throws when the body does not match the spec's schema for the status. */
  call(operationId: string, caller: PrincipalName | Caller | null, input?: CallInput): Answer;
  advance(seconds: number): void;
}

export function createTours(options: { extraMembers?: number; rateLimit?: RateLimitConfig | null; seed?: number } = {}): Tours {
  const domain = new ToursDomain({ model, seed: options.seed ?? 7, extraMembers: options.extraMembers ?? 0, rateLimit: options.rateLimit, now: () => NOW });
  const credentials = domain.principals();
  const principal = (name: PrincipalName): ToursPrincipal => {
    const found = credentials.principals.find((p) => p.name === name);
    if (!found) throw new Error(`no principal ${name}`);
    return found;
  };
  const accept = (auth: ReturnType<ToursDomain['authenticate']>, what: string): Caller => {
    if (auth.kind !== 'ok') throw new Error(`${what} was not accepted: ${JSON.stringify(auth)}`);
    const caller = domain.callerOf(auth);
    if (!caller) throw new Error(`${what}: no user`);
    return caller;
  };
  const as = (name: PrincipalName, credential: 'session' | 'apiKey' = 'session'): Caller => {
    const p = principal(name);
    return credential === 'session'
      ? accept(domain.authenticate(undefined, `${SESSION_COOKIE}=${p.sessionToken}`), `${name}'s session`)
      : accept(domain.authenticate(`Bearer ${p.apiKey}`, undefined), `${name}'s key`);
  };
  const call = (operationId: string, caller: PrincipalName | Caller | null, input: CallInput = {}): Answer => {
    const resolved = typeof caller === 'string' ? as(caller) : caller;
    const result = domain.run(operationId, { caller: resolved, ...input });
    const check = specForTests.validateResponse(operationId, result.status, result.body);
    if (!check.valid) throw new Error(`${operationId} answered ${result.status} with a body the spec refuses: ${check.errors}\n${JSON.stringify(result.body)}`);
    return result;
  };
  return {
    domain,
    principal,
    as,
    byKey: (key) => accept(domain.authenticate(`Bearer ${key}`, undefined), 'the key'),
    call,
    advance: (seconds) => domain.clock.advance(seconds),
  };
}

/** The value of a named example of an operation's response in the spec. */
export function specExample(operationId: string, status: number, name: string): unknown {
  const value = spec.byId.get(operationId)?.responses.get(status)?.examples.get(name);
  if (value === undefined) throw new Error(`no example ${name} for ${operationId} ${status}`);
  return value;
}
