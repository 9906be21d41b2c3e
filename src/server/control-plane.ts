/**
 * The `/__mock` control plane (contract-decisions.md section 8), routed from its own OpenAPI
 * document, openapi/mock-control.yaml: each of its operations has exactly one handler here.
 */
import { loadSpec, projectPath, type LoadedSpec } from '../contract/index.js';
import type { components } from '../generated/mock-control.js';
import { StateImportError, type BodyProblem, type MockApi } from '../mock/api.js';

export const MOCK_CONTROL_SPEC = 'openapi/mock-control.yaml';

type Schemas = components['schemas'];

export interface ControlRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly problem: BodyProblem | undefined;
}

export interface ControlResult {
  readonly status: number;
  readonly body: unknown;
  /** The state changed: persist it before answering. */
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
/** GET /__mock/outbox lists at most this many, the most recent. */
export const OUTBOX_LIMIT = 1000;

const HEALTH: Schemas['Health'] = Object.freeze({ status: 'ok' });
const done = (message: string): ControlResult => ({ status: 200, body: { success: true, message } satisfies Schemas['Done'], mutated: true });
const fail = (status: number, message: string): ControlResult => ({ status, body: { success: false, message } satisfies Schemas['MessageError'] });

const BODY_PROBLEMS: Record<BodyProblem, ControlResult> = {
  'invalid-json': fail(400, 'Invalid JSON body'),
  'too-large': fail(413, 'Request body too large'),
  'unsupported-media-type': fail(415, 'Unsupported content type: send application/json'),
};

/** The handlers, by operationId of openapi/mock-control.yaml. */
export const CONTROL_HANDLERS: Readonly<Record<string, ControlHandler>> = {
  getHealth: () => ({ status: 200, body: HEALTH }),
  resetState: (api) => {
    api.reset();
    return done('State reset to the seeded state');
  },
  listPrincipals: async (api) => ({ status: 200, body: { principals: await api.principals() } }),
  validateUser: (api, { params }) =>
    api.validateUser(params.userId ?? '') ? done('User validated') : fail(404, 'User not found'),
  listOutbox: (api) => {
    const all = api.outbox();
    return { status: 200, body: { emails: all.slice(-OUTBOX_LIMIT), total: all.length } satisfies Schemas['Outbox'] };
  },
  exportState: (api) => ({ status: 200, body: api.exportState() }),
  importState: (api, { body, problem }) => {
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
};

export function loadControlSpec(): LoadedSpec {
  return loadSpec(projectPath(MOCK_CONTROL_SPEC));
}

/** `template → method → route` for every operation of the control document; throws when a handler is missing or stray. */
export function controlRoutes(spec: LoadedSpec, handlers: Readonly<Record<string, ControlHandler>> = CONTROL_HANDLERS): Map<string, Map<string, ControlRoute>> {
  const routes = new Map<string, Map<string, ControlRoute>>();
  for (const op of spec.operations) {
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`${MOCK_CONTROL_SPEC} has ${op.operationId}, which has no handler in src/server/control-plane.ts`);
    let byMethod = routes.get(op.path);
    if (!byMethod) routes.set(op.path, (byMethod = new Map()));
    byMethod.set(op.method, Object.freeze({ kind: 'control', operationId: op.operationId, bodyLimit: op.requestBody ? STATE_BODY_LIMIT : 0, handler }));
  }
  const documented = new Set(spec.operations.map((op) => op.operationId));
  const stray = Object.keys(handlers).find((id) => !documented.has(id));
  if (stray) throw new Error(`src/server/control-plane.ts handles ${stray}, which ${MOCK_CONTROL_SPEC} does not document`);
  return routes;
}
