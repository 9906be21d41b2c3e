/**
 * One request and its answer, as the recorder keeps it. Every check reads responses from here, and
 * the envelope, no-5xx and secrets sweeps walk the whole list at the end of the run.
 */

/** What the suite meant by the request: the operation it called, or the component response a stray route gets. */
export type ExchangeSubject =
  | { readonly kind: 'operation'; readonly operationId: string }
  | { readonly kind: 'route'; readonly component: 'RouteNotFound' | 'MethodNotAllowed' }
  /** The mock's control plane and other calls outside the contract: never validated. */
  | { readonly kind: 'internal' };

export interface ExchangeMeta {
  readonly subject: ExchangeSubject;
  /** A principal or pseudo-principal name, or `-`. */
  readonly principal: string;
  /** The case that sent it (`setup`, `fixtures`, `cleanup` outside the checks). */
  readonly caseId: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** How the Authorization header was built, never the token itself: `Bearer <owner's token>`. */
  readonly authorization: string | null;
  /**
   * Which credential was sent, as a number of this run (the same Authorization value, else the same
   * Cookie header, has the same number); null: none. Rate-limit checks group answers by it.
   */
  readonly credentialId?: number | null;
  readonly contentType: string | null;
  /** A short summary of the body with passwords masked, or a size for big bodies. */
  readonly bodySummary: string | null;
}

export interface RecordedResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string | null;
  /** The body as text; once released (`released`), only its first characters (kept-bodies.ts). */
  readonly text: string;
  /** The parsed body; `undefined` when it is not JSON (see `jsonError`) or was released. */
  readonly json: unknown;
  readonly jsonError: string | null;
  /** The body's size in bytes, as read. */
  readonly bodyBytes?: number;
  /** True once the run released the body to keep its memory bounded: `text` is an excerpt, `json` undefined. */
  readonly released?: boolean;
}

export interface Exchange {
  readonly id: number;
  readonly meta: ExchangeMeta;
  readonly request: RecordedRequest;
  /** Null when the connection failed (refused, reset, timed out); see `error`. */
  readonly response: RecordedResponse | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/**
 * W2: does a 405's `Allow` header list every method the path serves (`served`) and not the one that
 * was refused (`refused`)? `header` is the header as received (null: none), for the failure to show.
 */
export function allowListsServed(exchange: Exchange, served: readonly string[], refused: string): { readonly ok: boolean; readonly header: string | null } {
  const header = exchange.response?.headers.allow ?? null;
  if (header === null) return { ok: false, header };
  const listed = new Set(
    header
      .split(',')
      .map((m) => m.trim().toUpperCase())
      .filter(Boolean),
  );
  return { ok: served.every((m) => listed.has(m)) && !listed.has(refused), header };
}

export function operationIdOf(exchange: Exchange): string | null {
  return exchange.meta.subject.kind === 'operation' ? exchange.meta.subject.operationId : null;
}

/** The operationId, or `METHOD path` when the request is not one of the operations. */
export function operationLabel(exchange: Exchange): string {
  return operationIdOf(exchange) ?? `${exchange.request.method} ${exchange.request.path}`;
}

/** The message of a JSON object body (`message`, else `error`), when there is one. */
export function bodyMessage(exchange: Exchange): string | null {
  const body = exchange.response?.json;
  if (typeof body !== 'object' || body === null) return null;
  // Flashback's envelopes carry it in `message`, Tours & Events' error bodies in `error`.
  const record = body as Record<string, unknown>;
  const message = typeof record.message === 'string' ? record.message : record.error;
  return typeof message === 'string' ? message : null;
}

/** A field of a JSON object body. */
export function bodyField(exchange: Exchange, key: string): unknown {
  const body = exchange.response?.json;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined;
}

const MAX_SUMMARY = 240;

/** A one-line summary of a JSON request body, password and token values masked. */
export function summarizeJsonBody(body: unknown): string {
  const text = JSON.stringify(body, (key, value: unknown) => (/pass|token/i.test(key) && typeof value === 'string' ? '***' : value));
  return truncate(text ?? String(body), MAX_SUMMARY);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
