/**
 * The HTTP adapter: the request listener. Routing, CORS, `Prefer`, fault injection, reading bodies,
 * writing the bytes and the log line, around the engine's mock service (mock-service.ts), which runs
 * the API, writes the state file and serialises. The adapter writes the service's Reply as it is and
 * reads nothing into it. Everything that can be computed ahead (routes, static bodies, header
 * objects) is computed here, once.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoadedSpec } from '../contract/index.js';
import { BODY_LIMIT, createBodyBudget, readJsonBody, type ReadBody } from './body.js';
import { controlRoutes, STATE_BODY_LIMIT, type ControlRoute, type ServerInfo } from './control-plane.js';
import type { CorsPolicy } from './cors.js';
import { pageRoutes, type PageRoute } from './dashboard.js';
import { carriesToken } from './exposure.js';
import type { Faults } from './faults.js';
import { prepareJson, sendJson, sendJsonText, sendPrepared, type HeaderMap } from './json-response.js';
import type { MockService, Reply } from './mock-service.js';
import { firstExample, operationRoutes, type OperationRoute } from './operation-route.js';
import { parsePrefer, type Preference } from './prefer.js';
import { isRecorded } from './request-history.js';
import type { RequestLog } from './request-log.js';
import { buildPathEntries, createRouter } from './router.js';

export interface AppOptions {
  readonly service: MockService;
  readonly spec: LoadedSpec;
  /** What the control plane reads of the server (settings, the last requests); null switches `/__mock` off (its paths are then 404). */
  readonly controlPlane: ServerInfo | null;
  /** The token the control plane's operations require (all but the health check), or null for none (exposure.ts). */
  readonly controlToken: string | null;
  /** Where the server listens (the pages point the API's document at it); known once listening. */
  readonly url: () => string;
  readonly cors: CorsPolicy;
  readonly faults: Faults | null;
  readonly log: RequestLog | null;
  /** A fault of the mock itself: logged, never shown to the client. */
  readonly reportError: (error: unknown, where: string) => void;
}

type Target = OperationRoute | ControlRoute | PageRoute;

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
const CONTROL_TOKEN_REQUIRED = answered(401);
const NO_QUERY: URLSearchParams = new URLSearchParams();
/** A request id a client may set for itself (echoed back), else one is made. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's own `X-Request-Id` when it is a plain token, else a new one: every answer carries one (Tours TE3). */
function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The dashboard's `?token=` link (exposure.ts) names the control token: the log and the history do not. */
function redactToken(url: string): string {
  return url.includes('token=') ? url.replace(/([?&]token=)[^&#]*/g, '$1…') : url;
}

/** The query string of a URL, parsed (the router matched the path alone). */
function queryOf(url: string): URLSearchParams {
  const mark = url.indexOf('?');
  return mark < 0 ? NO_QUERY : new URLSearchParams(url.slice(mark + 1));
}

export function createApp(options: AppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { service, spec, cors, faults, log, reportError } = options;
  const controlPlane = options.controlPlane;
  const history = controlPlane?.requests ?? null;
  const routes = new Map<string, Map<string, Target>>(operationRoutes(spec));
  if (controlPlane) {
    for (const [template, byMethod] of controlRoutes()) routes.set(template, byMethod);
    for (const [template, byMethod] of pageRoutes({ spec, url: options.url })) routes.set(template, byMethod);
  }
  const match = createRouter(buildPathEntries(routes, firstExample(spec.componentResponse('MethodNotAllowed'))));
  const notFound = prepareJson(404, firstExample(spec.componentResponse('RouteNotFound')));
  const controlInternalError = prepareJson(500, { success: false, message: 'Internal server error' });
  const controlToken = options.controlToken;
  const controlTokenRequired = prepareJson(
    401,
    { success: false, message: 'Control token required: send Authorization: Bearer <token> (the token the mock printed at start, or its --control-token)' },
    { 'www-authenticate': 'Bearer realm="__mock"' },
  );
  const controlStateBudget = createBodyBudget(STATE_BODY_LIMIT);

  /** Writes the service's answer as it is; it is also what the log line reports. */
  function sendReply(res: ServerResponse, reply: Reply, extra: HeaderMap | null): Answered {
    sendJsonText(res, reply.status, reply.json, reply.headers, extra);
    return reply;
  }

  /** `Prefer` (README.md, "Prefer"): the documented answer asked for, or a refused credential's own answer. */
  async function servePreference(
    req: IncomingMessage,
    res: ServerResponse,
    route: OperationRoute,
    preference: Preference,
    extra: HeaderMap | null,
  ): Promise<Answered> {
    const choice = route.prefer.choose(preference);
    let principal = ANONYMOUS;
    // A documented 401 needs no credential; anything else on an authenticated operation needs a valid one,
    // and without one the answer is the API's refusal, just as without `Prefer` (authenticated once).
    if (route.authenticated && !(choice.ok && choice.status === 401)) {
      const caller = await service.authenticate({ authorization: req.headers.authorization, cookie: req.headers.cookie });
      if (!caller.ok) return sendReply(res, caller.reply, extra);
      principal = caller.principal;
    }
    if (choice.ok) {
      sendPrepared(res, choice.response, extra);
      return answered(choice.status, principal);
    }
    const refusal = route.refusePreference(choice.reason);
    sendJson(res, 400, refusal.body, refusal.headers, extra);
    return answered(400, principal);
  }

  /**
   * An API operation. Synchronous as far as it can be: a read without latency, `Prefer` or a body,
   * whose API answers at once (a cached token, a cached body), is answered in the turn it arrived,
   * with no promise made; each step that must wait (the latency, a body, a credential to verify, a
   * state-file write) continues from there.
   */
  function serveOperation(
    req: IncomingMessage,
    res: ServerResponse,
    route: OperationRoute,
    params: Readonly<Record<string, string>>,
    extra: HeaderMap | null,
  ): Answered | Promise<Answered> {
    if (faults) {
      const ms = faults.nextLatency();
      if (ms > 0) return faults.delay(ms).then(() => serveAfterLatency(req, res, route, params, extra));
    }
    return serveAfterLatency(req, res, route, params, extra);
  }

  function serveAfterLatency(
    req: IncomingMessage,
    res: ServerResponse,
    route: OperationRoute,
    params: Readonly<Record<string, string>>,
    extra: HeaderMap | null,
  ): Answered | Promise<Answered> {
    const preference = parsePrefer(req.headers.prefer);
    if (preference) return servePreference(req, res, route, preference, extra);
    if (faults?.nextFailure()) {
      sendPrepared(res, route.internalError, extra);
      return answered(500);
    }
    if (!route.readsBody) return handOver(req, res, route, params, extra, NO_BODY);
    const read = readJsonBody(req, BODY_LIMIT);
    return read instanceof Promise ? read.then((body) => handOver(req, res, route, params, extra, body)) : handOver(req, res, route, params, extra, read);
  }

  /** The request to the mock service, and its reply to the client. */
  function handOver(
    req: IncomingMessage,
    res: ServerResponse,
    route: OperationRoute,
    params: Readonly<Record<string, string>>,
    extra: HeaderMap | null,
    { body, problem }: ReadBody,
  ): Answered | Promise<Answered> {
    const request = {
      operation: route.operation,
      params,
      query: queryOf(req.url ?? ''),
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      body,
      bodyProblem: problem,
    };
    const reply = service.operation(request, route.internalError);
    return reply instanceof Promise ? reply.then((r) => sendReply(res, r, extra)) : sendReply(res, reply, extra);
  }

  async function serveControl(
    req: IncomingMessage,
    res: ServerResponse,
    route: ControlRoute,
    params: Readonly<Record<string, string>>,
    extra: HeaderMap | null,
  ): Promise<Answered> {
    const { body, problem } = route.bodyLimit > 0 ? await readJsonBody(req, route.bodyLimit, controlStateBudget) : NO_BODY;
    return sendReply(res, await service.control(route, { params, body, problem, server: controlPlane as ServerInfo }), extra);
  }

  /** A page of the control plane (the dashboard, the docs, their files): bytes as they are, no state. */
  async function servePage(
    req: IncomingMessage,
    res: ServerResponse,
    route: PageRoute,
    params: Readonly<Record<string, string>>,
    extra: HeaderMap | null,
  ): Promise<Answered> {
    const page = await route.serve({ params, host: req.headers.host });
    res.writeHead(page.status, extra ? { ...page.headers, ...extra } : page.headers);
    res.end(page.body);
    return answered(page.status);
  }

  /** Routes the request and answers it; returns the outcome, or a promise of it when a step must wait. */
  function dispatch(req: IncomingMessage, res: ServerResponse, extra: HeaderMap, id: string): Answered | Promise<Answered> {
    const found = match(req.url ?? '/');
    if (!found) {
      sendPrepared(res, notFound, extra);
      return NOT_FOUND;
    }
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      const requested = req.headers['access-control-request-headers'];
      res.writeHead(204, { ...cors.forPreflight(req.headers.origin, found.entry.allow, requested), 'x-request-id': id });
      res.end();
      return PREFLIGHT;
    }
    const target = found.entry.byMethod[method];
    if (!target) {
      sendPrepared(res, found.entry.methodNotAllowed, extra);
      return METHOD_NOT_ALLOWED;
    }
    if (target.kind === 'control') {
      // The pages hold no data (they read it from these operations), and the health check tells none.
      if (controlToken !== null && target.operationId !== 'getHealth' && !carriesToken(req.headers.authorization, controlToken)) {
        sendPrepared(res, controlTokenRequired, extra);
        return CONTROL_TOKEN_REQUIRED;
      }
      return serveControl(req, res, target, found.params, extra);
    }
    if (target.kind === 'page') return servePage(req, res, target, found.params, extra);
    return serveOperation(req, res, target, found.params, extra);
  }

  /** W3: a fault of the mock itself is never a crash, never a stack for the client: the operation's documented 500 instead. */
  function failed(req: IncomingMessage, res: ServerResponse, extra: HeaderMap, error: unknown): Answered {
    reportError(error, `${req.method ?? 'GET'} ${req.url ?? '/'}`);
    if (res.headersSent) {
      res.destroy();
    } else {
      // Looked up again only now, so that the common path keeps no fallback per request.
      let fallback = controlInternalError;
      try {
        const target = match(req.url ?? '/')?.entry.byMethod[req.method ?? 'GET'];
        if (target?.kind === 'operation') fallback = target.internalError;
      } catch {
        // The routing itself failed: the generic 500.
      }
      sendPrepared(res, fallback, extra);
    }
    return answered(500);
  }

  /** After the answer: the dashboard's request history and the log line (which names an origin CORS refused). */
  function record(req: IncomingMessage, answer: Answered, started: number, id: string): void {
    const method = req.method ?? 'GET';
    const url = redactToken(req.url ?? '/');
    const ms = performance.now() - started;
    if (history && isRecorded(method, url)) history.record(Date.now(), method, url, answer.status, ms, answer.principal, id);
    if (!log) return;
    // A browser's request from an origin --cors-origin does not list gets no allow header, so the
    // browser hides the answer: the log says why, or the user sees only a 204 or a 200 here.
    const origin = req.headers.origin;
    const note = origin !== undefined && !cors.allows(origin) ? `(CORS refused origin ${origin.slice(0, 200)}: not in --cors-origin)` : undefined;
    log.line(method, url, answer.status, ms, answer.principal, note);
  }

  return function listener(req, res) {
    const started = log || history ? performance.now() : 0;
    const id = requestId(req.headers['x-request-id']);
    const allowed = cors.forRequest(req.headers.origin);
    // Without `Origin` (API clients, scripts) the only header every answer adds is the request id.
    const extra: HeaderMap = allowed === null ? { 'x-request-id': id } : { ...allowed, 'x-request-id': id };
    let outcome: Answered | Promise<Answered>;
    try {
      outcome = dispatch(req, res, extra, id);
    } catch (error) {
      outcome = failed(req, res, extra, error);
    }
    if (!log && !history) {
      if (outcome instanceof Promise) outcome.catch((error: unknown) => failed(req, res, extra, error));
      return;
    }
    const done = (answer: Answered): void => record(req, answer, started, id);
    if (outcome instanceof Promise) outcome.then(done, (error: unknown) => done(failed(req, res, extra, error)));
    else done(outcome);
  };
}
