/**
 * The request listener: routing, CORS, `Prefer`, fault injection, bodies, persistence and the log
 * line, around the mock domain's `MockApi.handle` (src/engine/api.ts). Everything that can be computed
 * ahead (routes, static bodies, header objects) is computed here, once.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoadedSpec } from '../contract/index.js';
import type { Credentials, MockApi } from '../engine/api.js';
import { BODY_LIMIT, readJsonBody, type ReadBody } from './body.js';
import { controlRoutes, type ControlRoute } from './control-plane.js';
import type { CorsPolicy } from './cors.js';
import type { Faults } from './faults.js';
import { prepareJson, sendJson, sendJsonText, sendPrepared, type HeaderMap, type PreparedResponse } from './json-response.js';
import { firstExample, operationRoutes, type OperationRoute } from './operation-route.js';
import { parsePrefer, type Preference } from './prefer.js';
import type { RequestLog } from './request-log.js';
import { buildPathEntries, createRouter } from './router.js';
import type { StatePersister } from './state-file.js';

export interface AppOptions {
  readonly api: MockApi;
  readonly spec: LoadedSpec;
  /** False switches `/__mock` off (its paths are then 404). */
  readonly controlPlane: boolean;
  readonly cors: CorsPolicy;
  readonly faults: Faults | null;
  readonly persister: StatePersister | null;
  readonly log: RequestLog | null;
  /** A fault of the mock itself: logged, never shown to the client. */
  readonly reportError: (error: unknown, where: string) => void;
}

type Target = OperationRoute | ControlRoute;

interface Answered {
  readonly status: number;
  readonly principal: string;
}

const NO_BODY: ReadBody = Object.freeze({ body: undefined, problem: undefined });
const ANONYMOUS = '-';
const answered = (status: number, principal = ANONYMOUS): Answered => ({ status, principal });
const NOT_FOUND = answered(404);
const METHOD_NOT_ALLOWED = answered(405);
const PREFLIGHT = answered(204);
const NO_QUERY: URLSearchParams = new URLSearchParams();
/** A request id a client may set for itself (echoed back), else one is made. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's own `X-Request-Id` when it is a plain token, else a new one: every answer carries one (Tours TE3). */
function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The query string of a URL, parsed (the router matched the path alone). */
function queryOf(url: string): URLSearchParams {
  const mark = url.indexOf('?');
  return mark < 0 ? NO_QUERY : new URLSearchParams(url.slice(mark + 1));
}

export function createApp(options: AppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { api, spec, cors, faults, persister, log, reportError } = options;
  const routes = new Map<string, Map<string, Target>>(operationRoutes(spec));
  if (options.controlPlane) for (const [template, byMethod] of controlRoutes()) routes.set(template, byMethod);
  const match = createRouter(buildPathEntries(routes, firstExample(spec.componentResponse('MethodNotAllowed'))));
  const notFound = prepareJson(404, firstExample(spec.componentResponse('RouteNotFound')));
  const controlInternalError = prepareJson(500, { success: false, message: 'Internal server error' });

  /** Persists a mutation before its answer leaves; false (and logged) when the write failed. */
  async function persisted(where: string): Promise<boolean> {
    if (!persister) return true;
    try {
      await persister.persist();
      return true;
    } catch (error) {
      reportError(error, `writing the state file after ${where}`);
      return false;
    }
  }

  /** `Prefer` (README.md, "Prefer"): the documented answer asked for, or a refused credential's own answer. */
  async function servePreference(
    res: ServerResponse,
    route: OperationRoute,
    preference: Preference,
    credentials: Credentials,
    extra: HeaderMap | null,
  ): Promise<Answered> {
    const choice = route.prefer.choose(preference);
    let principal = ANONYMOUS;
    // A documented 401 needs no credential; anything else on an authenticated operation needs a valid one,
    // and without one the answer is the API's refusal, just as without `Prefer` (authenticated once).
    if (route.authenticated && !(choice.ok && choice.status === 401)) {
      const auth = await api.authenticate(credentials);
      if (!auth.ok) {
        sendJson(res, auth.response.status, auth.response.body, auth.response.headers, extra);
        return answered(auth.response.status);
      }
      principal = auth.email;
    }
    if (choice.ok) {
      sendPrepared(res, choice.response, extra);
      return answered(choice.status, principal);
    }
    const refusal = route.refusePreference(choice.reason);
    sendJson(res, 400, refusal.body, refusal.headers, extra);
    return answered(400, principal);
  }

  async function serveOperation(
    req: IncomingMessage,
    res: ServerResponse,
    route: OperationRoute,
    params: Readonly<Record<string, string>>,
    extra: HeaderMap | null,
  ): Promise<Answered> {
    if (faults) {
      const ms = faults.nextLatency();
      if (ms > 0) await faults.delay(ms);
    }
    const authorization = req.headers.authorization;
    const preference = parsePrefer(req.headers.prefer);
    if (preference) return servePreference(res, route, preference, { authorization, cookie: req.headers.cookie }, extra);
    if (faults?.nextFailure()) {
      sendPrepared(res, route.internalError, extra);
      return answered(500);
    }
    const { body, problem } = route.readsBody ? await readJsonBody(req, BODY_LIMIT) : NO_BODY;
    const response = await api.handle({
      operation: route.operation,
      params,
      query: queryOf(req.url ?? ''),
      authorization,
      cookie: req.headers.cookie,
      body,
      bodyProblem: problem,
    });
    const principal = response.principal ?? ANONYMOUS;
    if (response.mutated && !(await persisted(route.operation.operationId))) {
      sendPrepared(res, route.internalError, extra);
      return answered(500, principal);
    }
    // The mock's cached serialisation when it has one (the user list), else the body serialised now.
    if (response.bodyJson !== undefined) sendJsonText(res, response.status, response.bodyJson, response.headers, extra);
    else sendJson(res, response.status, response.body, response.headers, extra);
    return answered(response.status, principal);
  }

  async function serveControl(
    req: IncomingMessage,
    res: ServerResponse,
    route: ControlRoute,
    params: Readonly<Record<string, string>>,
    extra: HeaderMap | null,
  ): Promise<Answered> {
    const { body, problem } = route.bodyLimit > 0 ? await readJsonBody(req, route.bodyLimit) : NO_BODY;
    const result = await route.handler(api, { params, body, problem });
    if (result.mutated && !(await persisted(route.operationId))) {
      sendPrepared(res, controlInternalError, extra);
      return answered(500);
    }
    sendJson(res, result.status, result.body, undefined, extra);
    return answered(result.status);
  }

  async function serve(req: IncomingMessage, res: ServerResponse, started: number): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    let fallback: PreparedResponse = controlInternalError;
    const id = requestId(req.headers['x-request-id']);
    const extra: HeaderMap = { ...cors.forRequest(req.headers.origin), 'x-request-id': id };
    let outcome: Answered;
    try {
      const found = match(url);
      if (!found) {
        sendPrepared(res, notFound, extra);
        outcome = NOT_FOUND;
      } else if (method === 'OPTIONS') {
        const requested = req.headers['access-control-request-headers'];
        res.writeHead(204, { ...cors.forPreflight(req.headers.origin, found.entry.allow, requested), 'x-request-id': id });
        res.end();
        outcome = PREFLIGHT;
      } else {
        const target = found.entry.byMethod[method];
        if (!target) {
          sendPrepared(res, found.entry.methodNotAllowed, extra);
          outcome = METHOD_NOT_ALLOWED;
        } else if (target.kind === 'operation') {
          fallback = target.internalError;
          outcome = await serveOperation(req, res, target, found.params, extra);
        } else {
          outcome = await serveControl(req, res, target, found.params, extra);
        }
      }
    } catch (error) {
      // W3: never a crash, never a stack for the client; the operation's documented 500 instead.
      reportError(error, `${method} ${url}`);
      if (res.headersSent) res.destroy();
      else sendPrepared(res, fallback, extra);
      outcome = answered(500);
    }
    log?.line(method, url, outcome.status, performance.now() - started, outcome.principal);
  }

  return function listener(req, res) {
    void serve(req, res, log ? performance.now() : 0);
  };
}
