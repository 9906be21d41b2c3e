/**
 * The engine's service between an API's mock (MockApi) and the HTTP adapter (app.ts): it runs a
 * request through the API, writes the state file when the request changed the state, serialises
 * the answer, and hands the adapter a Reply it writes as it is. The adapter knows sockets, routes,
 * CORS, `Prefer` and faults; what an answer means to the engine (who asked, whether state changed,
 * which bytes to send) is decided here, once, for every API alike.
 *
 * A request changed the state when its method is not GET or HEAD and it was answered below 400: an
 * API's reads change nothing worth keeping (Tours sets an API key's `lastUsedAt` on a read and does
 * not write it out, as before), and its refusals change nothing at all. A write that in fact changed
 * nothing (Flashback's logout of a token already revoked) costs one needless, harmless write.
 */
import type { ApiRequest, Credentials, Handled, MockApi } from '../engine/api.js';
import { serialiseBody } from '../engine/json-body.js';
import type { JsonBytes } from '../engine/list-body.js';
import type { ControlRequest, ControlRoute } from './control-plane.js';
import type { HeaderMap, PreparedResponse } from './json-response.js';
import type { StatePersister } from './state-file.js';

/** What the adapter writes, and logs. */
export interface Reply {
  readonly status: number;
  /** The answer's own headers (`WWW-Authenticate`, rate limits, `Set-Cookie`); the adapter adds content-type, content-length, CORS and the request id. */
  readonly headers: HeaderMap | undefined;
  /** The JSON body: text, UTF-8 bytes, or UTF-8 bytes in chunks to write in order. */
  readonly json: string | JsonBytes;
  /** Who asked, for the log line: the caller's label, or `-`. */
  readonly principal: string;
}

/** `Prefer`'s check of a request's credential (README.md, "Prefer"): the caller, or the API's refusal to send as it is. */
export type PreferCaller = { readonly ok: true; readonly principal: string } | { readonly ok: false; readonly reply: Reply };

export interface MockService {
  /** An API operation; `internalError` is its documented 500, the answer when its change could not be written. */
  operation(request: ApiRequest, internalError: PreparedResponse): Reply | Promise<Reply>;
  /** Checks a request's credential once, for `Prefer`. */
  authenticate(credentials: Credentials): Promise<PreferCaller>;
  /** A `/__mock` operation; its handler says whether it changed the state (the control plane is the engine's own). */
  control(route: ControlRoute, request: ControlRequest): Promise<Reply>;
}

const ANONYMOUS = '-';

/** Whether a request with this method, answered with this status, changed the state (see above). */
export function changesState(method: string, status: number): boolean {
  return status < 400 && method !== 'GET' && method !== 'HEAD';
}

export interface MockServiceOptions {
  readonly api: MockApi;
  /** Writes the state file; null keeps the state in memory only. */
  readonly persister: StatePersister | null;
  /** A failed write of the state file: logged, never shown to the client. */
  readonly reportError: (error: unknown, where: string) => void;
}

export function createMockService({ api, persister, reportError }: MockServiceOptions): MockService {
  const controlInternalError: Reply = {
    status: 500,
    headers: undefined,
    json: JSON.stringify({ success: false, message: 'Internal server error' }),
    principal: ANONYMOUS,
  };

  /** Writes the state before the answer leaves; false (and reported) when the write failed and the change was rolled back. */
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

  return {
    operation(request, internalError) {
      const answer = ({ response, principal }: Handled): Reply | Promise<Reply> => {
        const reply = (): Reply => ({ status: response.status, headers: response.headers, json: serialiseBody(response.body), principal });
        if (!persister || !changesState(request.operation.method, response.status)) return reply();
        return persisted(request.operation.operationId).then((ok) => (ok ? reply() : { status: 500, headers: undefined, json: internalError.body, principal }));
      };
      const handled = api.handle(request);
      return handled instanceof Promise ? handled.then(answer) : answer(handled);
    },

    async authenticate(credentials) {
      const auth = await api.authenticate(credentials);
      if (auth.ok) return { ok: true, principal: auth.email };
      const { status, headers, body } = auth.response;
      return { ok: false, reply: { status, headers, json: serialiseBody(body), principal: ANONYMOUS } };
    },

    async control(route, request) {
      const result = await route.handler(api, request);
      if (result.mutated && !(await persisted(route.operationId))) return controlInternalError;
      return { status: result.status, headers: undefined, json: serialiseBody(result.body), principal: ANONYMOUS };
    },
  };
}
