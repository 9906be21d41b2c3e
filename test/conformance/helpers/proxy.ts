/**
 * A deliberately broken target for the conformance tests: the real mock (started in-process with
 * startServer) behind a small node:http proxy whose hooks rewrite requests or answers. The bugs
 * live here, in the tests, never in the mock. The proxy itself (`serveProxy`) knows no API: this
 * file gives it Flashback's context, tours-proxy.ts the Tours one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { flashbackApi } from '../../../src/apis/index.js';

export interface ProxyRequest {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ProxyResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface MockPrincipal {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly orgId: string | null;
  readonly accessToken: string | null;
}

/** A user as the mock's state holds it (`GET /__mock/state`), for breakages that need the truth about a user. */
export interface MockUser {
  readonly id: string;
  readonly email: string;
  readonly orgId: string | null;
  readonly orgRole: number;
  readonly validated: boolean;
  readonly deletedAt: string | null;
  readonly passwordHash: string;
}

export interface ProxyContext {
  readonly principals: readonly MockPrincipal[];
  principal(name: string): MockPrincipal;
  /** Sends a request to the mock as is. */
  forward(request: ProxyRequest): Promise<ProxyResponse>;
  /** The mock's current record of a user, by id or e-mail (any case); undefined when there is none. */
  user(idOrEmail: string): Promise<MockUser | undefined>;
}

/** Answered by a breakage: the proxy closes the connection without a response. */
export const DROP: ProxyResponse = Object.freeze({ status: 0, headers: {}, body: '' });

/** A proxy's hooks, given the context `C` of the API behind it. */
export interface ProxyHooks<C> {
  /** Rewrites the request, or answers it without the mock. */
  request?(request: ProxyRequest, ctx: C): ProxyRequest | ProxyResponse | Promise<ProxyRequest | ProxyResponse>;
  /** Rewrites the mock's answer. */
  response?(response: ProxyResponse, request: ProxyRequest, ctx: C): ProxyResponse | Promise<ProxyResponse>;
}

export type Breakage = ProxyHooks<ProxyContext>;

/** What every proxy context has: a way to send a request to the mock as is. */
export interface ForwardingContext {
  forward(request: ProxyRequest): Promise<ProxyResponse>;
}

export interface RunningProxy {
  readonly url: string;
  close(): Promise<void>;
}

export interface BrokenTarget {
  readonly url: string;
  readonly mock: RunningServer;
  close(): Promise<void>;
}

const DROPPED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

export async function startBrokenTarget(breakage: Breakage): Promise<BrokenTarget> {
  const mock = await startServer({ definition: flashbackApi, port: 0, log: null });
  const principalsBody = (await (await fetch(`${mock.url}/__mock/principals`)).json()) as { principals: MockPrincipal[] };
  const ctx: ProxyContext = {
    principals: principalsBody.principals,
    principal(name) {
      const found = principalsBody.principals.find((p) => p.name === name);
      if (!found) throw new Error(`no principal ${name}`);
      return found;
    },
    forward: forwardTo(mock.url),
    async user(idOrEmail) {
      const state = (await (await fetch(`${mock.url}/__mock/state`)).json()) as { users: MockUser[] };
      const key = idOrEmail.toLowerCase();
      return state.users.find((u) => u.id === idOrEmail || u.email.toLowerCase() === key);
    },
  };
  const proxy = await serveProxy(breakage, ctx);
  return {
    url: proxy.url,
    mock,
    async close() {
      await proxy.close();
      await mock.close();
    },
  };
}

/** A proxy on a free port in front of whatever `ctx.forward` reaches, with `hooks` rewriting what passes. */
export async function serveProxy<C extends ForwardingContext>(hooks: ProxyHooks<C>, ctx: C): Promise<RunningProxy> {
  const server = createServer((req, res) => {
    void handle(req, res, hooks, ctx).catch((err: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy error: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle<C extends ForwardingContext>(req: IncomingMessage, res: ServerResponse, hooks: ProxyHooks<C>, ctx: C): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
  let request: ProxyRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') };
  const rewritten = hooks.request ? await hooks.request(request, ctx) : request;
  let response: ProxyResponse;
  if ('status' in rewritten) response = rewritten;
  else {
    request = rewritten;
    response = await ctx.forward(request);
    if (hooks.response) response = await hooks.response(response, request, ctx);
  }
  if (response === DROP) {
    res.socket?.destroy();
    return;
  }
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

/** Sends a request to the server at `base` as is. */
export function forwardTo(base: string): (request: ProxyRequest) => Promise<ProxyResponse> {
  return (request) => forward(base, request);
}

async function forward(base: string, request: ProxyRequest): Promise<ProxyResponse> {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => !DROPPED.has(k) && k !== 'host'));
  const res = await fetch(base + request.path, {
    method: request.method,
    headers,
    body: request.method === 'GET' || request.method === 'HEAD' || request.body === '' ? undefined : request.body,
  });
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!DROPPED.has(name)) out[name] = value;
  });
  return { status: res.status, headers: out, body: await res.text() };
}

// --- helpers for breakages ----------------------------------------------------------------

/** The JSON body of an answer or request, or undefined. */
export function json(message: { readonly body: string }): unknown {
  try {
    return JSON.parse(message.body);
  } catch {
    return undefined;
  }
}

export function withJson(response: ProxyResponse, body: unknown, status = response.status): ProxyResponse {
  return { ...response, status, body: JSON.stringify(body) };
}

export function answer(status: number, body: unknown, headers: Record<string, string> = {}): ProxyResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function bearer(request: ProxyRequest): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ?? null;
}

export function as(request: ProxyRequest, token: string | null): ProxyRequest {
  const headers = { ...request.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  else delete headers.authorization;
  return { ...request, headers };
}

/** The path without its query. */
export function pathOf(request: ProxyRequest): string {
  return request.path.split('?')[0] ?? request.path;
}
