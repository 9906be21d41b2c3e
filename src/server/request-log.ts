/**
 * One line per request on stdout (method, path, status, milliseconds, principal), batched: lines of
 * one event-loop turn are written with one call, so logging never blocks a request.
 */

export interface RequestLog {
  /** `note`: what the line must also say (a browser's origin that CORS refused). */
  line(method: string, url: string, status: number, ms: number, principal: string, note?: string): void;
  /** Writes what is buffered now (on close). */
  flush(): void;
}

/** Long URLs are cut so that a line stays a line. */
const MAX_URL = 200;

export function createRequestLog(write: (chunk: string) => void): RequestLog {
  let buffer = '';
  let time = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    time = '';
    if (buffer === '') return;
    const out = buffer;
    buffer = '';
    write(out);
  };
  return {
    line(method, url, status, ms, principal, note) {
      // One timestamp per batch: the lines of a batch were answered within the same turn.
      if (time === '') time = new Date().toISOString();
      const path = url.length > MAX_URL ? `${url.slice(0, MAX_URL)}…` : url;
      buffer += `${time} ${method} ${path} ${status} ${ms.toFixed(1)}ms ${principal}${note ? ` ${note}` : ''}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
