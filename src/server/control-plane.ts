/**
 * The `/__mock` control plane (docs/decisions/flashback.md, section 8), described by its own OpenAPI
 * document, openapi/mock-control.yaml: each of its operations has exactly one handler here.
 */
import { loadSpec, projectPath, type LoadedSpec } from '../contract/index.js';
import type { components } from '../generated/mock-control.js';
import { StateImportError, type BodyProblem, type MockApi } from '../engine/api.js';
import { outboxCapacity } from '../engine/state-limits.js';
import type { RequestHistory } from './request-history.js';

export const MOCK_CONTROL_SPEC = 'openapi/mock-control.yaml';

type Schemas = components['schemas'];

export interface ControlRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly problem: BodyProblem | undefined;
  /** What the control plane reads of the server itself rather than of the API's state. */
  readonly server: ServerInfo;
}

/** The server's own facts for the control plane: its settings and the last requests it answered. */
export interface ServerInfo {
  /** The settings it runs with, without secrets (`GET /__mock/settings`). */
  settings(): Schemas['Settings'];
  readonly requests: RequestHistory;
}

export interface ControlResult {
  readonly status: number;
  readonly body: unknown;
  /**
   * The state changed: the mock service writes it before answering. Said by the handler, not read
   * from the method as for an API's operations: the control plane is the engine's own, and its POST
   * /__mock/clock changes nothing the state file holds.
   */
  readonly mutated?: boolean;
}

export type ControlHandler = (api: MockApi, request: ControlRequest) => ControlResult | Promise<ControlResult>;

export interface ControlRoute {
  readonly kind: 'control';
  readonly operationId: string;
  /** Bytes of body read at most; 0 when the operation takes no body. */
  readonly bodyLimit: number;
  readonly handler: ControlHandler;
}

/** A state snapshot of a large `--users` run is far over the API's 1 MiB. */
export const STATE_BODY_LIMIT = 64 * 1024 * 1024;
/** POST /__mock/clock moves at most ten years at once (ClockAdvance in openapi/mock-control.yaml). */
const MAX_ADVANCE_SECONDS = 315_360_000;

const HEALTH: Schemas['Health'] = Object.freeze({ status: 'ok' });
const NO_ORGANIZATIONS: Schemas['OrganizationSummaryList'] = Object.freeze({ organizations: [], usersWithoutOrganization: 0 });
const done = (message: string): ControlResult => ({ status: 200, body: { success: true, message } satisfies Schemas['Done'], mutated: true });
const fail = (status: number, message: string): ControlResult => ({ status, body: { success: false, message } satisfies Schemas['MessageError'] });

const BODY_PROBLEMS: Record<BodyProblem, ControlResult> = {
  'invalid-json': fail(400, 'Invalid JSON body'),
  'too-large': fail(413, 'Request body too large'),
  'unsupported-media-type': fail(415, 'Unsupported content type: send application/json'),
};

/** One operation of openapi/mock-control.yaml and its handler. */
export interface ControlOperation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  /** The operation has a requestBody. */
  readonly takesBody: boolean;
  readonly handler: ControlHandler;
}

/**
 * The control plane's operations, as openapi/mock-control.yaml documents them. Written out rather
 * than read from the YAML at start (parsing it cost more than the rest of the HTTP layer's start-up);
 * test/server/control-plane-spec.test.ts keeps this table and the document equal.
 */
export const CONTROL_OPERATIONS: readonly ControlOperation[] = [
  { operationId: 'getHealth', method: 'GET', path: '/__mock/health', takesBody: false, handler: () => ({ status: 200, body: HEALTH }) },
  {
    operationId: 'resetState',
    method: 'POST',
    path: '/__mock/reset',
    takesBody: false,
    handler: (api) => {
      api.reset();
      return done('State reset to the seeded state');
    },
  },
  // Read, not moved: advancing by 0 is how a MockApi tells its clock.
  { operationId: 'getClock', method: 'GET', path: '/__mock/clock', takesBody: false, handler: (api) => ({ status: 200, body: api.advanceClock(0) }) },
  {
    operationId: 'advanceClock',
    method: 'POST',
    path: '/__mock/clock',
    takesBody: true,
    handler: (api, { body, problem }) => {
      if (problem) return BODY_PROBLEMS[problem];
      const seconds = (body as { advanceSeconds?: unknown } | undefined)?.advanceSeconds;
      if (typeof body !== 'object' || body === null || !Number.isSafeInteger(seconds) || (seconds as number) < 0 || (seconds as number) > MAX_ADVANCE_SECONDS) {
        return fail(400, `Invalid clock: advanceSeconds must be a whole number from 0 to ${MAX_ADVANCE_SECONDS}`);
      }
      return { status: 200, body: api.advanceClock(seconds as number) satisfies Schemas['ClockReading'] };
    },
  },
  {
    operationId: 'listPrincipals',
    method: 'GET',
    path: '/__mock/principals',
    takesBody: false,
    handler: async (api) => ({ status: 200, body: { principals: await api.principals(), ...api.principalExtras?.() } }),
  },
  {
    operationId: 'validateUser',
    method: 'POST',
    path: '/__mock/users/{userId}/validate',
    takesBody: false,
    handler: (api, { params }) => (api.validateUser(params.userId ?? '') ? done('User validated') : fail(404, 'User not found')),
  },
  {
    operationId: 'listOutbox',
    method: 'GET',
    path: '/__mock/outbox',
    takesBody: false,
    handler: (api) => {
      const all = api.outbox();
      return { status: 200, body: { emails: all.slice(-outboxCapacity()), total: all.length } satisfies Schemas['Outbox'] };
    },
  },
  {
    operationId: 'listOrganizationSummaries',
    method: 'GET',
    path: '/__mock/organizations',
    takesBody: false,
    handler: (api) => ({ status: 200, body: api.organizationSummaries?.() ?? NO_ORGANIZATIONS }),
  },
  {
    operationId: 'listRecentRequests',
    method: 'GET',
    path: '/__mock/requests',
    takesBody: false,
    handler: (_api, { server }) => ({ status: 200, body: server.requests.list() }),
  },
  {
    operationId: 'getSettings',
    method: 'GET',
    path: '/__mock/settings',
    takesBody: false,
    handler: (_api, { server }) => ({ status: 200, body: server.settings() }),
  },
  { operationId: 'exportState', method: 'GET', path: '/__mock/state', takesBody: false, handler: (api) => ({ status: 200, body: api.exportState() }) },
  {
    operationId: 'importState',
    method: 'PUT',
    path: '/__mock/state',
    takesBody: true,
    handler: (api, { body, problem }) => {
      if (problem) return BODY_PROBLEMS[problem];
      if (body === undefined) return fail(400, 'Invalid state: the body must be a snapshot from GET /__mock/state');
      try {
        api.importState(body);
      } catch (error) {
        // Only a snapshot the mock rejects is the client's fault; anything else is a bug (a 500).
        if (error instanceof StateImportError) return fail(400, `Invalid state: ${error.message}`.slice(0, 512));
        throw error;
      }
      return done('State imported');
    },
  },
];

/** The control document itself, for tests and tools (the server does not read it). */
export function loadControlSpec(): LoadedSpec {
  return loadSpec(projectPath(MOCK_CONTROL_SPEC));
}

/** `template → method → route` for every control operation. */
export function controlRoutes(operations: readonly ControlOperation[] = CONTROL_OPERATIONS): Map<string, Map<string, ControlRoute>> {
  const routes = new Map<string, Map<string, ControlRoute>>();
  for (const { operationId, method, path, takesBody, handler } of operations) {
    let byMethod = routes.get(path);
    if (!byMethod) routes.set(path, (byMethod = new Map<string, ControlRoute>()));
    byMethod.set(method, Object.freeze({ kind: 'control', operationId, bodyLimit: takesBody ? STATE_BODY_LIMIT : 0, handler }));
  }
  return routes;
}
