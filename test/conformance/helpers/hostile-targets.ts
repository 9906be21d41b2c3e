/**
 * Hostile targets for the suite's own tests: the real Flashback mock behind a node:http front that
 * serves the setup honestly (the health probe and `GET /__mock/principals`) and, from then on, turns
 * hostile: answers of 10 MB, a body that never ends (fast, or a trickle), no answer at all, or the
 * mock's answer after a delay. The suite must survive each one with a report and a clear exit code.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { flashbackApi } from '../../../src/apis/index.js';
import { startServer } from '../../../src/server/index.js';
import { forwardTo, type ProxyRequest } from './proxy.js';

export type Hostility =
  /** A 200 of 10 MB of JSON to every request. */
  | { readonly kind: 'huge' }
  /** A 200 whose chunked body never ends, sent as fast as the client reads. */
  | { readonly kind: 'endless' }
  /** A 200 whose body never ends, a byte now and then: only a timeout ends it. */
  | { readonly kind: 'trickle' }
  /** Takes the request and never answers. */
  | { readonly kind: 'hang' }
  /** The mock's own answer, `delayMs` late. */
  | { readonly kind: 'slow'; readonly delayMs: number };

export interface HostileTarget {
  readonly url: string;
  /** Requests it answered as the hostile target (after the principals). */
  readonly hostileRequests: () => number;
  close(): Promise<void>;
}

export const HUGE_BYTES = 10 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

export async function startHostileTarget(hostility: Hostility): Promise<HostileTarget> {
  const mock = await startServer({ definition: flashbackApi, port: 0, log: null });
  const forward = forwardTo(mock.url);
  // One body for every huge answer: a JSON string of 10 MB.
  const huge = Buffer.concat([Buffer.from('{"data":"'), Buffer.alloc(HUGE_BYTES - 11, 'x'), Buffer.from('"}')]);
  let principalsServed = false;
  let hostile = 0;
  const timers = new Set<NodeJS.Timeout>();

  const honest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
    const request: ProxyRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') };
    const answer = await forward(request);
    if (res.destroyed) return;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };

  const later = (ms: number, then: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      then();
    }, ms);
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    if (!principalsServed) {
      if (req.url === '/__mock/principals') principalsServed = true;
      void honest(req, res).catch(() => res.destroy());
      return;
    }
    hostile++;
    switch (hostility.kind) {
      case 'huge':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': huge.length });
        res.end(huge);
        return;
      case 'endless': {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.write('{"data":"');
        const pump = (): void => {
          while (!res.destroyed && res.write(CHUNK));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        const drip = (): void => {
          if (res.destroyed) return;
          res.write('x');
          later(50, drip);
        };
        drip();
        return;
      }
      case 'hang':
        return;
      case 'slow':
        later(hostility.delayMs, () => void honest(req, res).catch(() => res.destroy()));
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hostileRequests: () => hostile,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.close();
    },
  };
}
