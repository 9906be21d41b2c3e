/**
 * A small fetch wrapper that records every exchange. The suite reaches the target only through it:
 * no import of the mock, no shortcut; a real backend and the embedded mock look the same from here.
 * It reads each body up to a limit (body.ts), keeps bodies within the run's budget (kept-bodies.ts),
 * and sends nothing once the run's guard has stopped it (run-guard.ts).
 */
import type { Answered, RunGuard } from '../run-guard.js';
import { BodyReadError, byteSize, readBody } from './body.js';
import type { Exchange, ExchangeMeta, RecordedResponse } from './exchange.js';
import { operationLabel, summarizeJsonBody } from './exchange.js';
import { DEFAULT_MAX_KEPT_CHARS, EXCERPT_CHARS, KeptBodies } from './kept-bodies.js';
import { Pacer } from './pacer.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface Authorization {
  /** The header value sent. */
  readonly value: string;
  /** How reports show it, e.g. `Bearer <owner's token>`. */
  readonly label: string;
}

export interface RequestSpec {
  readonly method: string;
  /** Path and query, starting with `/`. */
  readonly path: string;
  readonly authorization?: Authorization | undefined;
  /** Serialised as JSON, with `Content-Type: application/json`. */
  readonly json?: unknown;
  /** Sent as is; `contentType` null sends none. */
  readonly raw?: { readonly body: string; readonly contentType: string | null; readonly summary: string } | undefined;
  /** Other headers (a Cookie, say); never Authorization or Content-Type. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Sent at once, never held or retried by the pacer (pacer.ts): for a check that reaches a rate limit on purpose. */
  readonly unpaced?: boolean | undefined;
}

export interface HttpClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly fetch?: FetchLike | undefined;
  /** Keeps the run under the target's rate limits (pacer.ts). Default: a pacer with its defaults; null: none. */
  readonly pacer?: Pacer | null | undefined;
  /** The most bytes of one answer's body read; a longer body is cut and recorded as an error. Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined;
  /** Characters of body text the run keeps whole in all (kept-bodies.ts). Default 64 Mi. */
  readonly maxKeptChars?: number | undefined;
  /** Stops the run (deadline, unanswered requests in a row). Default: none. */
  readonly guard?: RunGuard | undefined;
  /** Sent as `Authorization: Bearer` on control-plane requests that carry no credential of their own. */
  readonly controlToken?: string | null | undefined;
}

/** The mock's control plane, which a target offers when it is the mock (principals, outbox, clock). */
const CONTROL_PLANE = '/__mock/';

/**
 * What to say when a control-plane request was refused for want of its token: the mock asks for one
 * when it listens beyond the loopback. Empty when the answer is not that.
 */
export function controlPlaneRefusal(exchange: Exchange): string {
  if (!exchange.request.path.startsWith(CONTROL_PLANE) || exchange.response?.status !== 401) return '';
  return `; its control plane answered 401: give its token with --control-token or ORG_CONTRACT_CONTROL_TOKEN (the mock prints it at start)`;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface HttpClient {
  readonly baseUrl: string;
  send(request: RequestSpec, meta: ExchangeMeta): Promise<Exchange>;
  /** Every exchange so far, in order. */
  readonly exchanges: readonly Exchange[];
  /** Called for every recorded exchange (fixtures use it to learn which users a run created). */
  onExchange(listener: (exchange: Exchange) => void): void;
  /** What the pacer waited for, one line each, for the run's notes. */
  readonly pacingNotes: readonly string[];
  /** Bodies released to keep memory bounded, when any (kept-bodies.ts), for the run's notes. */
  readonly keptBodiesNote: string | null;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const controlToken = options.controlToken ?? null;
  const exchanges: Exchange[] = [];
  const listeners: ((exchange: Exchange) => void)[] = [];
  const pacer = options.pacer === undefined ? new Pacer() : options.pacer;
  /** Credential value → its number in this run: exchanges name a credential without showing it. */
  const credentialIds = new Map<string, number>();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const kept = new KeptBodies({ maxKeptChars: options.maxKeptChars ?? DEFAULT_MAX_KEPT_CHARS, excerptChars: EXCERPT_CHARS });
  const guard = options.guard;

  async function send(request: RequestSpec, meta: ExchangeMeta): Promise<Exchange> {
    const credential = credentialOf(request);
    if (!pacer || credential === null || request.unpaced) return sendOnce(request, meta, credential);
    await pacer.beforeSend(credential, meta.principal);
    const first = await sendOnce(request, meta, credential);
    if (first.response) pacer.observe(credential, first.response);
    const wait = first.response ? pacer.retryDelay(first.response) : null;
    if (wait === null) return first;
    // A 429 the pacing did not prevent: both exchanges stay recorded; the caller gets the second.
    await pacer.waitToRetry(credential, meta.principal, operationLabel(first), wait);
    const second = await sendOnce(request, meta, credential);
    if (second.response) pacer.observe(credential, second.response);
    return second;
  }

  async function sendOnce(request: RequestSpec, meta: ExchangeMeta, credential: string | null): Promise<Exchange> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.authorization) headers.authorization = request.authorization.value;
    else if (controlToken && request.path.startsWith(CONTROL_PLANE)) headers.authorization = `Bearer ${controlToken}`;
    let body: string | undefined;
    let bodySummary: string | null = null;
    let contentType: string | null = null;
    if (request.raw) {
      body = request.raw.body;
      bodySummary = request.raw.summary;
      contentType = request.raw.contentType;
    } else if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      bodySummary = summarizeJsonBody(request.json);
      contentType = 'application/json';
    }
    if (contentType) headers['content-type'] = contentType;
    guard?.check();
    const id = exchanges.length + 1;
    const started = performance.now();
    let response: RecordedResponse | null = null;
    let error: string | null = null;
    let outcome: Answered = 'answered';
    // One controller per request, aborted by its timeout or the run's deadline, whichever comes first
    // (not AbortSignal.any, whose signals stay tied to the run's long-lived one).
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException(`timed out after ${options.timeoutMs} ms`, 'TimeoutError')), options.timeoutMs);
    const onStop = (): void => abort.abort(guard?.signal.reason);
    guard?.signal.addEventListener('abort', onStop, { once: true });
    try {
      const res = await doFetch(baseUrl + request.path, {
        method: request.method,
        headers,
        body,
        redirect: 'manual',
        signal: abort.signal,
      });
      const read = await readAnswer(res, maxBodyBytes);
      if ('over' in read) error = read.over;
      else response = kept.keep(id, read);
    } catch (err) {
      // The run's deadline passed while the request was out: the target is not to blame for it.
      guard?.check();
      const read = err instanceof BodyReadError ? err.bytesRead : null;
      const cause = err instanceof BodyReadError ? err.cause : err;
      outcome = fetchOutcome(cause);
      error = describeFetchError(cause, options.timeoutMs) + (read ? ` (${byteSize(read)} of the body had come)` : '');
    } finally {
      clearTimeout(timer);
      guard?.signal.removeEventListener('abort', onStop);
    }
    guard?.observe(outcome);
    const exchange: Exchange = {
      id,
      meta,
      request: {
        method: request.method,
        path: request.path,
        authorization: request.authorization?.label ?? null,
        credentialId: credential === null ? null : credentialNumber(credential),
        contentType,
        bodySummary,
      },
      response,
      error,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    exchanges.push(exchange);
    for (const listener of listeners) listener(exchange);
    return exchange;
  }

  function credentialNumber(value: string): number {
    let id = credentialIds.get(value);
    if (id === undefined) credentialIds.set(value, (id = credentialIds.size + 1));
    return id;
  }

  return {
    baseUrl,
    send,
    exchanges,
    onExchange: (listener) => void listeners.push(listener),
    get pacingNotes() {
      return pacer?.notes ?? [];
    },
    get keptBodiesNote() {
      return kept.note;
    },
  };
}

/** The credential a request carries, as a rate limiter would count it: the Authorization value, else the Cookie header. */
function credentialOf(request: RequestSpec): string | null {
  if (request.authorization) return `authorization ${request.authorization.value}`;
  for (const [name, value] of Object.entries(request.headers ?? {})) if (name.toLowerCase() === 'cookie' && value) return `cookie ${value}`;
  return null;
}

/** The answer's parts, or, for a body over `limit` bytes, the error that records it. */
async function readAnswer(
  res: Response,
  limit: number,
): Promise<{ status: number; headers: Record<string, string>; contentType: string | null; text: string; bytes: number } | { over: string }> {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  // Each Set-Cookie stays whole (a cookie's Expires has commas of its own): one per line.
  const cookies = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
  if (cookies.length > 0) headers['set-cookie'] = cookies.join('\n');
  const body = await readBody(res, limit);
  if (body.kind === 'over') {
    return {
      over: `a ${res.status} answer whose body is over the ${byteSize(limit)} limit (--max-body): ${byteSize(body.bytesSeen)} read, the rest not read`,
    };
  }
  return { status: res.status, headers, contentType: headers['content-type'] ?? null, text: body.text, bytes: body.bytes };
}

/** How the run guard counts a failed request: silence (a timeout, no connection) or a sign of life. */
function fetchOutcome(err: unknown): Answered {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout';
  const code = err instanceof Error ? (err.cause as { code?: string } | undefined)?.code : undefined;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'UND_ERR_CONNECT_TIMEOUT'
    ? 'unreachable'
    : 'other';
}

/** A fetch failure in one line: `connection refused`, `timed out after 10000 ms`, ... */
export function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset before a response';
  if (code === 'ENOTFOUND') return 'host not found';
  const detail = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return code ? `${code}: ${detail}` : detail;
}
