/** The request log: one line per request, the lines of one event-loop turn written with one call. */
import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startServer } from '../../src/server/index.js';
import { createRequestLog } from '../../src/server/request-log.js';
import { organizationSpec } from '../helpers/server-harness.js';
import { flashbackApi } from '../../src/apis/index.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createRequestLog', () => {
  it('writes the lines of one turn with one call, after the turn', async () => {
    const writes: string[] = [];
    const log = createRequestLog((chunk) => void writes.push(chunk));
    log.line('GET', '/organization/users', 200, 0.42, 'owner@acme.test');
    log.line('POST', '/user/login', 401, 12.345, '-');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\S+Z GET \/organization\/users 200 0\.4ms owner@acme\.test\n\S+Z POST \/user\/login 401 12\.3ms -\n$/);
    log.line('GET', '/__mock/health', 200, 1, '-');
    await nextTurn();
    expect(writes).toHaveLength(2);
  });

  it('cuts a very long URL so that a line stays short', async () => {
    const writes: string[] = [];
    const log = createRequestLog((chunk) => void writes.push(chunk));
    log.line('GET', `/${'x'.repeat(5000)}`, 404, 1, '-');
    log.flush();
    expect(writes[0]?.length).toBeLessThan(300);
  });

  it('flush writes at once, and nothing when there is nothing', () => {
    const writes: string[] = [];
    const log = createRequestLog((chunk) => void writes.push(chunk));
    log.flush();
    expect(writes).toEqual([]);
    log.line('GET', '/', 404, 0, '-');
    log.flush();
    expect(writes).toHaveLength(1);
  });
});

describe('the request log of a running server', () => {
  /** Sends raw bytes and resolves when the server closes the connection. */
  function raw(url: string, bytes: string): Promise<void> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.end(bytes));
      socket.resume();
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
  }

  it('logs a line for requests Node cannot parse and for CONNECT too, not only for routed ones', async () => {
    const writes: string[] = [];
    const server = await startServer({ definition: flashbackApi, spec: organizationSpec, log: (chunk) => void writes.push(chunk) });
    try {
      await raw(server.url, 'HELLO THERE\r\n\r\n');
      await raw(server.url, 'CONNECT /organization/users HTTP/1.1\r\nHost: x\r\n\r\n');
      await nextTurn();
      const lines = writes.join('').trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^\S+Z - - 400 \S+ -$/);
      expect(lines[1]).toMatch(/^\S+Z CONNECT \/organization\/users 405 \S+ -$/);
    } finally {
      await server.close();
    }
  });

  it('says so when CORS refuses an origin that --cors-origin does not list, and not for a listed one', async () => {
    const writes: string[] = [];
    const server = await startServer({
      definition: flashbackApi,
      spec: organizationSpec,
      corsOrigins: ['https://app.example.com'],
      log: (chunk) => void writes.push(chunk),
    });
    try {
      const preflight = { method: 'OPTIONS', headers: { 'access-control-request-method': 'GET' } };
      await fetch(`${server.url}/organization/users`, { ...preflight, headers: { ...preflight.headers, origin: 'https://evil.example' } });
      await fetch(`${server.url}/organization/users`, { ...preflight, headers: { ...preflight.headers, origin: 'https://app.example.com' } });
      await nextTurn();
      const lines = writes.join('').trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/ OPTIONS \/organization\/users 204 \S+ - \(CORS refused origin https:\/\/evil\.example: not in --cors-origin\)$/);
      expect(lines[1]).toMatch(/ OPTIONS \/organization\/users 204 \S+ -$/);
    } finally {
      await server.close();
    }
  });
});
