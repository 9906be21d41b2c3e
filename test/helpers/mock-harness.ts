/**
 * Drives the mock in-process (no port) and holds every answer to the spec: an undocumented status,
 * a body that fails its response schema, or a 401 without `WWW-Authenticate: Bearer` throws, so any
 * test that calls through the harness also checks the contract.
 */
import { serialiseBody } from '../../src/engine/json-body.js';
import { joinedBytes } from '../../src/engine/list-body.js';
import { changesState } from '../../src/server/mock-service.js';
import { compileValidators, describeSchemaErrors, loadSpec, type LoadedSpec } from '../../src/contract/index.js';
import { createMockApi } from '../../src/apis/flashback/index.js';
import type { FlashbackPrincipal } from '../../src/apis/flashback/create-mock-api.js';
import type { BodyProblem, Handled, MockApi, MockOptions } from '../../src/engine/api.js';
import principalsFixture from '../../fixtures/principals.json' with { type: 'json' };

export const SEED = 20260131;

export type PrincipalName = 'owner' | 'administrator' | 'workspaces' | 'billing' | 'user' | 'outsider' | 'orgless' | 'deleted' | 'unvalidated';

export interface CallOptions {
  readonly params?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** The raw header, when a test needs another scheme or shape. */
  readonly authorization?: string;
  readonly body?: unknown;
  readonly bodyProblem?: BodyProblem;
}

/** A response as the wire would carry it (the body went through the engine's serialisation), with what the engine makes of it. */
export interface HarnessResponse<Body = any> {
  readonly status: number;
  readonly body: Body;
  readonly headers: Readonly<Record<string, string>>;
  /** Who asked, as the pipeline reports it for the log line. */
  readonly principal: string;
  /** Whether the engine writes the state after this answer (mock-service.ts, changesState). */
  readonly mutated: boolean;
}

let sharedSpec: LoadedSpec | undefined;
let sharedValidators: ReturnType<typeof compileValidators> | undefined;

export function spec(): LoadedSpec {
  return (sharedSpec ??= loadSpec());
}

function validators(): ReturnType<typeof compileValidators> {
  return (sharedValidators ??= compileValidators(spec()));
}

export const ORG_A = principalsFixture.organizations[0]!.id;
export const ORG_B = principalsFixture.organizations[1]!.id;

/** The fixture entry of a named principal (fixed id, email, password). */
export function fixturePrincipal(name: PrincipalName) {
  const principal = principalsFixture.principals.find((p) => p.name === name);
  if (!principal) throw new Error(`fixtures/principals.json has no principal "${name}"`);
  return principal;
}

export interface Harness {
  readonly api: MockApi<FlashbackPrincipal>;
  /** Calls an operation by id and checks the answer against the spec (throws on any mismatch). */
  call<Body = any>(operationId: string, options?: CallOptions): Promise<HarnessResponse<Body>>;
  /** Logs a named principal in (through the login operation) and returns the access token. */
  login(name: PrincipalName): Promise<string>;
  /** Logs in and returns the whole login body (tokens, tokenId, user). */
  loginBody(name: PrincipalName): Promise<any>;
  userId(name: PrincipalName): string;
}

export function createHarness(overrides: Partial<MockOptions> = {}): Harness {
  const api = createMockApi({ seed: SEED, extraUsers: 20, tokenTtlSeconds: 3600, ...overrides }, spec());

  async function call<Body>(operationId: string, options: CallOptions = {}): Promise<HarnessResponse<Body>> {
    const operation = spec().byId.get(operationId);
    if (!operation) throw new Error(`The spec has no operation ${operationId}`);
    const authorization = options.authorization ?? (options.token !== undefined ? `Bearer ${options.token}` : undefined);
    const raw = await api.handle({
      operation,
      params: options.params ?? {},
      authorization,
      body: options.body,
      bodyProblem: options.bodyProblem,
    });
    const response = onTheWire(operation.method, raw);
    assertDocumented(operationId, response);
    return response as HarnessResponse<Body>;
  }

  async function loginBody(name: PrincipalName): Promise<any> {
    const { email, password } = fixturePrincipal(name);
    const response = await call('login', { body: { email, password } });
    if (response.status !== 200) throw new Error(`Login of ${name} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  return {
    api,
    call,
    loginBody,
    login: async (name) => (await loginBody(name)).accessToken as string,
    userId: (name) => fixturePrincipal(name).id,
  };
}

/** The text the engine sends for a body (its registered or kept bytes, else its JSON). */
export function serialisedText(body: unknown): string {
  const json = serialiseBody(body);
  return typeof json === 'string' ? json : joinedBytes(json).toString('utf8');
}

function onTheWire(method: string, { response: raw, principal }: Handled): HarnessResponse {
  const text = serialisedText(raw.body);
  if (text !== JSON.stringify(raw.body)) throw new Error(`the engine's bytes differ from JSON.stringify(body): ${text.slice(0, 200)}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers ?? {})) headers[name.toLowerCase()] = value;
  return { status: raw.status, body: JSON.parse(text), headers, principal, mutated: changesState(method, raw.status) };
}

/** Throws unless the response is one the spec documents for the operation, with a body that fits. */
export function assertDocumented(operationId: string, response: HarnessResponse): void {
  const operation = spec().byId.get(operationId);
  const documented = operation?.responses.get(response.status);
  const seen = `${operationId} answered ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
  if (!documented) throw new Error(`Undocumented status: ${seen}`);
  const validate = validators().response(operationId, response.status);
  if (validate && !validate(response.body)) throw new Error(`Body does not match the spec (${describeSchemaErrors(validate.errors)}): ${seen}`);
  if (response.status === 401 && response.headers['www-authenticate'] !== 'Bearer') throw new Error(`401 without WWW-Authenticate: Bearer: ${seen}`);
  for (const [name, header] of documented.headers) {
    if (header.required && response.headers[name] === undefined) throw new Error(`Missing required header ${name}: ${seen}`);
  }
}

let emailCounter = 0;

/** A valid create body with a fresh email; override any field. */
export function newUserBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  emailCounter += 1;
  return { email: `new.member.${emailCounter}@acme.test`, password: 'Fresh-Passw0rd', firstName: 'Nina', lastName: 'New', ...overrides };
}

/** A controllable clock for `MockOptions.now`. */
export function manualClock(start = Date.parse('2026-02-01T12:00:00.000Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** The JSON of a JWT's header and payload (no verification). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  const json = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: json(header), payload: json(payload) };
}

/** Every authenticated operation of the spec, with params that name real things. */
export function authenticatedOperations(h: Harness): { operationId: string; params: Record<string, string>; body?: unknown }[] {
  return spec()
    .operations.filter((op) => op.access.authenticated)
    .map((op) => ({
      operationId: op.operationId,
      params: Object.fromEntries(op.pathParams.map((name) => [name, name === 'orgId' ? ORG_A : h.userId('user')])),
      ...(op.requestBody ? { body: {} } : {}),
    }));
}
