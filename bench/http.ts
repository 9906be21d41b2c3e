/** Plain `node:http` client helpers for the bench: one-off requests, response capture, readiness polls. */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PlainRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

/** A response as it came off the wire: what the bare server replays. */
export interface CapturedResponse {
  readonly status: number;
  readonly statusMessage: string;
  /** Name/value pairs in wire order and spelling. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** Sends one request on a fresh connection and collects the whole response. */
export function send(baseUrl: string, request: PlainRequest, timeoutMs = 60_000): Promise<CapturedResponse> {
  const url = new URL(request.path, baseUrl);
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: request.method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`${request.method} ${request.path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** GET a JSON document; throws when the status is not 2xx. */
export async function getJson(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await send(baseUrl, { method: 'GET', path, headers });
  if (res.status < 200 || res.status > 299) {
    throw new Error(`GET ${path} answered ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
  }
  return JSON.parse(res.body.toString('utf8')) as unknown;
}

export interface PollOptions {
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Rejects the poll early, e.g. when the server process has exited. */
  readonly abort?: () => Error | undefined;
}

/** Polls until a 2xx answer; resolves with the time it was seen (performance.now()). */
export async function pollUntilOk(baseUrl: string, options: PollOptions): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw aborted;
    try {
      const res = await send(baseUrl, { method: 'GET', path: options.path, headers: options.headers ?? {} }, 2_000);
      if (res.status >= 200 && res.status < 300) return performance.now();
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) {
      throw new Error(`${baseUrl}${options.path} gave no 2xx answer within ${options.timeoutMs} ms`);
    }
    await sleep(options.intervalMs);
  }
}
