/**
 * JSON responses: serialised once where the body is fixed (prepared), or per request where it is not.
 * Every body is `application/json; charset=utf-8` with a `content-length` (E1).
 */
import type { ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export type HeaderMap = Readonly<Record<string, string | number>>;

/** A response whose status, headers and bytes are computed once, ahead of any request. */
export interface PreparedResponse {
  readonly status: number;
  readonly headers: HeaderMap;
  readonly body: Buffer;
}

export function prepareJson(status: number, body: unknown, headers: HeaderMap = {}): PreparedResponse {
  const bytes = Buffer.from(JSON.stringify(body));
  return Object.freeze({
    status,
    body: bytes,
    headers: Object.freeze({ 'content-type': JSON_CONTENT_TYPE, 'content-length': bytes.length, ...headers }),
  });
}

/** Writes a prepared response; `extra` (CORS) is merged only when there is some. */
export function sendPrepared(res: ServerResponse, prepared: PreparedResponse, extra: HeaderMap | null): void {
  res.writeHead(prepared.status, extra ? { ...prepared.headers, ...extra } : prepared.headers);
  res.end(prepared.body);
}

/** Serialises and writes a body computed for this request. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: HeaderMap | undefined, extra: HeaderMap | null): void {
  sendJsonText(res, status, body === undefined ? '' : JSON.stringify(body), headers, extra);
}

/** Writes a JSON body that is already serialised, as text or as UTF-8 bytes. */
export function sendJsonText(res: ServerResponse, status: number, text: string | Buffer, headers: HeaderMap | undefined, extra: HeaderMap | null): void {
  res.writeHead(status, {
    ...headers,
    ...extra,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
