/**
 * A deliberately broken Tours & Events target: the real Tours mock (started in-process) behind the
 * proxy of proxy.ts, with a context that knows the Tours principals, their two credentials, and who
 * sends a request (its API key or session, looked up by hash in the mock's state, so that the
 * credentials a run makes for itself are known too). The bugs live in tours-broken-targets.ts.
 */
import { createHash } from 'node:crypto';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { toursApi, type MemberRecord, type ToursPrincipal, type ToursSnapshot } from '../../../src/apis/tours/index.js';
import { forwardTo, serveProxy, type ForwardingContext, type ProxyHooks, type ProxyRequest } from './proxy.js';

export interface ToursExtras {
  readonly expiredApiKey: string;
  readonly revokedApiKey: string;
  readonly invitation: { readonly id: string; readonly email: string; readonly role: string; readonly token: string };
}

/** Who a request's credential belongs to, as the mock's state has it right now. */
export interface ToursCaller {
  readonly userId: string;
  /** The credential judged (a key wins over a session, TA3). */
  readonly via: 'apiKey' | 'session';
  /** The seeded principal, when the user is one. */
  readonly principal: ToursPrincipal | undefined;
  /** The user's membership, if any. */
  readonly member: MemberRecord | undefined;
}

export interface ToursProxyContext extends ForwardingContext {
  readonly principals: readonly ToursPrincipal[];
  readonly extras: ToursExtras;
  principal(name: string): ToursPrincipal;
  /** The mock's whole state now (`GET /__mock/state`). */
  state(): Promise<ToursSnapshot>;
  /** Rewrites the mock's state (`PUT /__mock/state`): a bug that leaves a record as the rules would not. */
  editState(edit: (state: ToursSnapshot) => ToursSnapshot): Promise<void>;
  /** Who sends the request; undefined for no credential or one the mock does not know. */
  caller(request: ProxyRequest): Promise<ToursCaller | undefined>;
}

export type ToursBreakage = ProxyHooks<ToursProxyContext>;

export interface ToursBrokenTarget {
  readonly url: string;
  readonly mock: RunningServer;
  close(): Promise<void>;
}

const SESSION_COOKIE = 'better-auth.session_token';
const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

export async function startToursBrokenTarget(breakage: ToursBreakage): Promise<ToursBrokenTarget> {
  const mock = await startServer({ definition: toursApi, port: 0, log: null });
  const listed = (await (await fetch(`${mock.url}/__mock/principals`)).json()) as { principals: ToursPrincipal[] } & ToursExtras;
  const state = async (): Promise<ToursSnapshot> => (await (await fetch(`${mock.url}/__mock/state`)).json()) as ToursSnapshot;
  const ctx: ToursProxyContext = {
    principals: listed.principals,
    extras: { expiredApiKey: listed.expiredApiKey, revokedApiKey: listed.revokedApiKey, invitation: listed.invitation },
    principal(name) {
      const found = listed.principals.find((p) => p.name === name);
      if (!found) throw new Error(`no Tours principal ${name}`);
      return found;
    },
    forward: forwardTo(mock.url),
    state,
    async editState(edit) {
      const res = await fetch(`${mock.url}/__mock/state`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(edit(await state())),
      });
      if (res.status !== 200) throw new Error(`the mock refused the edited state: ${await res.text()}`);
    },
    async caller(request) {
      const key = apiKeyOf(request);
      const session = key === null ? sessionOf(request) : null;
      if (key === null && session === null) return undefined;
      const now = await state();
      const userId =
        key !== null
          ? now.apiKeys.find((k) => k.keyHash === sha256Hex(key))?.userId
          : now.sessions.find((s) => s.tokenHash === sha256Hex(session ?? ''))?.userId;
      if (userId === undefined) return undefined;
      return {
        userId,
        via: key !== null ? 'apiKey' : 'session',
        principal: listed.principals.find((p) => p.userId === userId),
        member: now.members.find((m) => m.userId === userId),
      };
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

// --- helpers for breakages ----------------------------------------------------------------

/** The API key a request carries as its bearer value, or null. */
export function apiKeyOf(request: ProxyRequest): string | null {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? null;
}

/** The session token of the better-auth cookie a request carries, or null. */
export function sessionOf(request: ProxyRequest): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return null;
}

/** The request sent with a principal's API key or session instead of its own credential. */
export function asPrincipal(request: ProxyRequest, principal: ToursPrincipal, kind: 'apiKey' | 'session'): ProxyRequest {
  const { authorization: _authorization, cookie: _cookie, ...headers } = request.headers;
  return {
    ...request,
    headers:
      kind === 'apiKey' ? { ...headers, authorization: `Bearer ${principal.apiKey}` } : { ...headers, cookie: `${SESSION_COOKIE}=${principal.sessionToken}` },
  };
}
