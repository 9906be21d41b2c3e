/**
 * Starts the mock server on `node:http`: the API's mock behind the engine's mock service and the HTTP
 * adapter of this folder.
 * Tests run it in-process on port 0; the CLI (src/cli/mock.ts) runs it on a fixed port.
 */
import { createServer, ServerResponse, STATUS_CODES, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { loadSpec, projectPath, type LoadedSpec } from '../contract/index.js';
import type { ApiDefinition } from '../engine/api-definition.js';
import { DEFAULTS } from '../engine/defaults.js';
import type { MockApi, RateLimitSetting } from '../engine/api.js';
import { createApp } from './app.js';
import type { ServerInfo } from './control-plane.js';
import { createCorsPolicy, type CorsOrigins } from './cors.js';
import { createFaults, type LatencyRange } from './faults.js';
import { hasBody } from './body.js';
import { JSON_CONTENT_TYPE } from './json-response.js';
import { createMockService } from './mock-service.js';
import { createRequestHistory } from './request-history.js';
import { createRequestLog, type RequestLog } from './request-log.js';
import { resolveExposure } from './exposure.js';
import { createStatePersister, loadStateFile } from './state-file.js';
import { closeCleanlyOnDestroySoon, closeGracefully } from './wire.js';

export interface ServerOptions {
  /** The API to serve (src/apis); the engine knows none of its own. */
  readonly definition: ApiDefinition;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  /** Seeds the mock's data and the fault generator. */
  readonly seed: number;
  /** Extra generated users in the first organization. */
  readonly users: number;
  readonly tokenTtlSeconds: number;
  /** The rate limit of an API that has one (Tours); null: off; undefined: the API's documented default. */
  readonly rateLimit?: RateLimitSetting | null | undefined;
  /** Where the state lives across restarts; null keeps it in memory only. */
  readonly stateFile: string | null;
  readonly latency: LatencyRange | null;
  readonly errorRate: number;
  readonly corsOrigins: CorsOrigins;
  readonly controlPlane: boolean;
  /**
   * The token `/__mock` requires (`Authorization: Bearer <token>`). Absent: none on the loopback, a
   * random one beyond it (RunningServer.controlToken tells it).
   */
  readonly controlToken?: string | undefined;
  /**
   * The secret that signs access tokens (Flashback) and derives the seeded credentials (Tours).
   * Absent: derived from the seed on the loopback, random beyond it.
   */
  readonly signingKey?: string | undefined;
  /** Where request log lines go; null for none (`--quiet`). */
  readonly log: ((chunk: string) => void) | null;
  /** Where faults of the mock itself are reported (one line each). */
  readonly reportError: (message: string) => void;
  /** How latency waits; tests inject their own. */
  readonly delay?: ((ms: number) => Promise<void>) | undefined;
  /** A ready mock to serve instead of one built from the options (tests). */
  readonly api?: MockApi | undefined;
  /** The API's spec; loaded from the definition's `specFile` when absent. */
  readonly spec?: LoadedSpec | undefined;
}

export const DEFAULT_SERVER_OPTIONS: Omit<ServerOptions, 'definition'> = Object.freeze({
  port: 0,
  host: DEFAULTS.host,
  seed: DEFAULTS.seed,
  users: DEFAULTS.users,
  tokenTtlSeconds: DEFAULTS.tokenTtlSeconds,
  stateFile: null,
  latency: null,
  errorRate: DEFAULTS.errorRate,
  corsOrigins: DEFAULTS.corsOrigins,
  controlPlane: DEFAULTS.controlPlane,
  log: null,
  reportError: (message: string) => void process.stderr.write(`${message}\n`),
});

export interface RunningServer {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly api: MockApi;
  /** The token `/__mock` requires, or null when it is open (loopback without one, or no control plane). */
  readonly controlToken: string | null;
  /** Stops accepting, lets requests in flight finish, waits for the state file, flushes the log. */
  close(): Promise<void>;
}

/** How long close() lets connections finish before cutting them. */
const CLOSE_GRACE_MS = 5000;

/** The raw answer to a request Node could not parse (W3: a 4xx, never a crash). */
function clientErrorResponse(status: number): string {
  const body = JSON.stringify({ success: false, message: STATUS_CODES[status] ?? 'Bad request' });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${JSON_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
const BAD_REQUEST = clientErrorResponse(400);
const HEADERS_TOO_LARGE = clientErrorResponse(431);
const REQUEST_TIMEOUT = clientErrorResponse(408);

/** Answers a request Node could not parse, and logs it (its method and path are unknown: `-`). */
function clientErrorHandler(log: RequestLog | null): (error: NodeJS.ErrnoException, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, answer] =
      error.code === 'HPE_HEADER_OVERFLOW' ? [431, HEADERS_TOO_LARGE] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, REQUEST_TIMEOUT] : [400, BAD_REQUEST];
    socket.write(answer);
    closeGracefully(socket);
    log?.line('-', '-', status, 0, '-');
  };
}

/** W3: the answer to an `Upgrade` request that carries a body, which Node's parser leaves unread. */
const UPGRADE_WITH_BODY = JSON.stringify({ success: false, message: 'Upgrade is not supported: send the request without an Upgrade header' });

/**
 * W2/W3 for CONNECT and `Upgrade`: Node drops the connection of a CONNECT nobody tunnels, and
 * leaves the connection of an `Upgrade` request nobody upgrades deaf to every byte after it. The mock
 * tunnels and upgrades nothing: it answers the request as if the header were absent (RFC 9110
 * lets a server ignore `Upgrade`), so CONNECT gets a 404, or a 405 with `Allow` on a known path, and
 * `curl --http2`'s `Upgrade: h2c` its ordinary answer. An `Upgrade` request with a body gets a 400:
 * Node's parser stops at its headers, so the body cannot be read. Either way the answer says
 * `Connection: close` and the connection then closes cleanly (wire.ts): the bytes after such a
 * request are not known to be HTTP.
 */
function answerWithoutUpgrade(listener: RequestListener): (req: IncomingMessage, socket: Duplex) => void {
  return (req, socket) => {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on('finish', () => {
      res.detachSocket(socket as Socket);
      closeGracefully(socket);
    });
    if (req.method !== 'CONNECT' && hasBody(req)) {
      res.writeHead(400, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(UPGRADE_WITH_BODY) });
      res.end(UPGRADE_WITH_BODY);
      return;
    }
    listener(req, res);
  };
}

/** `GET /__mock/settings`: what the server runs with, without secrets. */
function settingsOf(options: ServerOptions, url: string): ReturnType<ServerInfo['settings']> {
  const { definition } = options;
  const rateLimit = definition.defaultRateLimit ? (options.rateLimit === undefined ? definition.defaultRateLimit : options.rateLimit) : null;
  return {
    api: { name: definition.name, title: definition.title, specFile: definition.specFile },
    url,
    seed: options.seed,
    users: options.users,
    tokenTtlSeconds: options.tokenTtlSeconds,
    rateLimit: rateLimit && { limit: rateLimit.limit, windowSeconds: rateLimit.windowSeconds },
    latency: options.latency && { min: options.latency.min, max: options.latency.max },
    errorRate: options.errorRate,
    corsOrigins: options.corsOrigins === '*' ? '*' : [...options.corsOrigins],
    stateFile: options.stateFile,
    controlPlane: true,
    requestLog: options.log !== null,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Builds the mock (or takes `options.api`), loads the state file, and listens. Rejects with a
 * StateFileError for an unusable state file and with the listen error (EADDRINUSE, ...) otherwise.
 */
export async function startServer(overrides: Partial<ServerOptions> & Pick<ServerOptions, 'definition'>): Promise<RunningServer> {
  const options: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...overrides };
  const spec = options.spec ?? loadSpec(projectPath(options.definition.specFile));
  const exposure = resolveExposure(options.host, options);
  const controlToken = options.controlPlane ? exposure.controlToken : null;
  const api =
    options.api ??
    options.definition.create(
      {
        seed: options.seed,
        extraUsers: options.users,
        tokenTtlSeconds: options.tokenTtlSeconds,
        rateLimit: options.rateLimit,
        signingKey: exposure.signingKey,
      },
      spec,
    );
  if (options.stateFile) await loadStateFile(options.stateFile, api);
  // Created after the load: the state now is the one on disk, which a failed write rolls back to.
  const persister = options.stateFile
    ? createStatePersister(options.stateFile, { snapshot: () => api.exportState(), restore: (snapshot) => api.importState(snapshot) })
    : null;

  const log = options.log ? createRequestLog(options.log) : null;
  // The address is known once listening; the pages and the settings read it then.
  let url = '';
  const controlPlane: ServerInfo | null = options.controlPlane ? { settings: () => settingsOf(options, url), requests: createRequestHistory() } : null;
  const reportError = (error: unknown, where: string): void => options.reportError(`mock: internal error in ${where}: ${describe(error)}`);
  const listener = createApp({
    service: createMockService({ api, persister, reportError }),
    spec,
    controlPlane,
    controlToken,
    url: () => url,
    cors: createCorsPolicy(options.corsOrigins, options.definition.corsCredentials),
    faults: createFaults({ seed: options.seed, latency: options.latency, errorRate: options.errorRate, delay: options.delay }),
    log,
    reportError,
  });
  const server = createServer(listener);
  server.on('clientError', clientErrorHandler(log));
  server.on('connect', answerWithoutUpgrade(listener));
  server.on('upgrade', answerWithoutUpgrade(listener));
  server.on('connection', closeCleanlyOnDestroySoon);
  // An `Expect` other than 100-continue: Node would answer a bare 417 and leave the body unread.
  // RFC 9110 lets a server ignore it, so the request is served like any other.
  server.on('checkExpectation', listener);
  const port = await listen(server, options.port, options.host);
  server.on('error', (error) => options.reportError(`mock: server error: ${describe(error)}`));

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        // Keep-alive connections go once idle; a connection still busy after the grace period is cut.
        const idle = setInterval(() => server.closeIdleConnections(), 25);
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
      await persister?.idle();
      log?.flush();
    })());

  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  url = `http://${host}:${port}`;
  return { url, port, api, controlToken, close };
}
