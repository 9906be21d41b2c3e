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

/** Writes a JSON body that is already serialised: text, UTF-8 bytes, or UTF-8 bytes in chunks (written in order, no copy). */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  text: string | Buffer | readonly Buffer[],
  headers: HeaderMap | undefined,
  extra: HeaderMap | null,
): void {
  const chunks = typeof text !== 'string' && !Buffer.isBuffer(text) ? text : null;
  res.writeHead(status, {
    ...headers,
    ...extra,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': chunks ? chunks.reduce((sum, chunk) => sum + chunk.length, 0) : Buffer.byteLength(text as string | Buffer),
  });
  if (!chunks) {
    res.end(text);
    return;
  }
  res.cork();
  for (const chunk of chunks) res.write(chunk);
  res.end();
  res.uncork();
}
