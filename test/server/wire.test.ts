/**
 * W3 on the wire (src/server/wire.ts, start-server.ts): every answer reaches the client, whether or
 * not the request's body was read, and an `Upgrade` request leaves no connection deaf. Raw sockets,
 * so that nothing between the test and the server reads, buffers or retries.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flashbackApi } from '../../src/apis/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ definition: flashbackApi, port: 0 });
});
afterAll(() => server.close());

interface Exchange {
  /** Every byte the server sent, as latin1 text. */
  readonly text: string;
  /** The server closed its side (a FIN) rather than resetting the connection or leaving it open. */
  readonly ended: boolean;
  /** The error the socket reported (ECONNRESET, EPIPE), if any. */
  readonly error: string | undefined;
}

/** A safety net only: a deaf connection must not hang the test run. What is asserted is `ended`. */
const SAFETY_MS = 8000;

/**
 * Sends `chunks` and, like a simple blocking client, reads nothing until all of them are written:
 * an answer the server sends early must still be there to read then.
 */
function exchange(chunks: readonly (string | Buffer)[]): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    let ended = false;
    let error: string | undefined;
    const finish = (): void => {
      clearTimeout(safety);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString('latin1'), ended, error });
    };
    const safety = setTimeout(finish, SAFETY_MS);
    socket.pause();
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('end', () => {
      ended = true;
      finish();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', finish);
    socket.on('connect', () => {
      chunks.forEach((chunk, i) => socket.write(chunk, i === chunks.length - 1 ? () => socket.resume() : undefined));
    });
  });
}

const BIG = Buffer.alloc(4 * 1024 * 1024, 'a');
const ATTEMPTS = 20;
const statusOf = (text: string): number | null => {
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(text);
  return match ? Number(match[1]) : null;
};
/** The status of every answer in `text`, in order. */
const statuses = (text: string): number[] => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

describe('W3: an answer is never lost to an unread body', () => {
  const cases = [
    ['an operation that reads no body (401)', 'GET /organization/users', 'HTTP/1.1', 'connection: close\r\n', 401],
    ['a path the server does not know (404)', 'POST /nowhere', 'HTTP/1.1', 'connection: close\r\n', 404],
    ['a control operation that reads no body (405)', 'POST /__mock/health', 'HTTP/1.1', 'connection: close\r\n', 405],
    ['an HTTP/1.0 request, which closes by default', 'GET /organization/users', 'HTTP/1.0', '', 401],
  ] as const;

  it.each(cases)(`a 4 MiB body sent to %s: all ${ATTEMPTS} attempts answered`, async (_what, requestLine, version, connection, status) => {
    let answered = 0;
    const problems: string[] = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      const head = `${requestLine} ${version}\r\nhost: x\r\n${connection}content-type: application/json\r\ncontent-length: ${BIG.length}\r\n\r\n`;
      const result = await exchange([head, BIG]);
      if (statusOf(result.text) === status && result.ended) answered++;
      else problems.push(`${result.error ?? 'no error'}: ${JSON.stringify(result.text.slice(0, 40))}`);
    }
    expect(problems.slice(0, 3)).toEqual([]);
    expect(answered).toBe(ATTEMPTS);
  });
});

describe('W3: an Upgrade request leaves no connection deaf', () => {
  it('is answered as if the header were absent, and the connection ends cleanly: the bytes after it wait for nobody', async () => {
    const result = await exchange(['GET /__mock/health HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\n\r\n', 'NOT HTTP AT ALL\r\n\r\n']);
    expect(statuses(result.text)).toEqual([200]);
    expect(result.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(result.text.endsWith('{"status":"ok"}')).toBe(true);
    expect(result.ended).toBe(true);
  });

  it('`Upgrade: h2c` (curl --http2) on an API operation gets its ordinary answer', async () => {
    const result = await exchange([
      'GET /organization/users HTTP/1.1\r\nhost: x\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n',
    ]);
    expect(statuses(result.text)).toEqual([401]);
    expect(result.text).toMatch(/\r\nwww-authenticate: Bearer\r\n/i);
    expect(result.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(result.ended).toBe(true);
  });

  it('with a large body it is a 400, and the connection ends cleanly even with the next request queued behind it', async () => {
    const body = Buffer.alloc(256 * 1024, 'a');
    const result = await exchange([
      `POST /__mock/clock HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
      body,
      'GET /__mock/health HTTP/1.1\r\nhost: x\r\n\r\n',
    ]);
    expect(statuses(result.text)).toEqual([400]);
    expect(result.text).toContain('Upgrade is not supported');
    expect(result.ended).toBe(true);
  });

  // A guard rather than a finding: the raw clientError answers still work beside the Upgrade handling.
  it('after all of the above, a malformed request is still a 400 and a valid one still a 200', async () => {
    const malformed = await exchange(['GET / HTTP/1.1\r\nbad header line\r\n\r\n']);
    expect(statuses(malformed.text)).toEqual([400]);
    expect(malformed.ended).toBe(true);
    const valid = await exchange(['GET /__mock/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
    expect(statuses(valid.text)).toEqual([200]);
  });
});
