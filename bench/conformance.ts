/**
 * The conformance suite against the local mock: its wall-clock run time and the requests per second
 * it sustains. The suite runs as its CLI (`npm run conformance -- --target URL`) against a counting
 * loopback proxy in front of a fresh mock, so the count does not depend on what the suite reports.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { BenchOptions } from './options.js';
import type { ConformanceResult, Skipped } from './results.js';
import { freePort, mockAvailable, ROOT, startMock } from './servers.js';
import { round } from './stats.js';

type Log = (line: string) => void;

/** Why the suite cannot run yet, or undefined when it can. */
export function conformanceMissing(): string | undefined {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (pkg.scripts?.['conformance'] === undefined) return 'the conformance suite has not landed (no "conformance" script in package.json)';
  if (!mockAvailable()) return 'the mock is not built (dist/src/cli/mock.js missing)';
  return undefined;
}

export async function measureConformance(options: BenchOptions, log: Log): Promise<ConformanceResult | Skipped> {
  const missing = conformanceMissing();
  if (missing !== undefined) return { skipped: missing };
  const mock = await startMock({ users: options.users, seed: options.seed });
  const proxy = await countingProxy(mock.baseUrl);
  try {
    log(`conformance: npm run conformance -- --target ${proxy.url}`);
    const started = performance.now();
    const run = await runCli(['run', '-s', 'conformance', '--', '--target', proxy.url]);
    const seconds = (performance.now() - started) / 1000;
    const active = proxy.activeSeconds();
    return {
      how: `npm run conformance -- --target <proxy>; req/s over the ${active.toFixed(2)} s between its first and last request`,
      seconds: round(seconds, 3),
      requests: proxy.count(),
      rps: round(active > 0 ? proxy.count() / active : 0, 1),
      exitCode: run.code,
      summary: run.lastLine,
    };
  } finally {
    await proxy.close();
    await mock.stop();
  }
}

function runCli(args: readonly string[]): Promise<{ code: number | null; lastLine: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-2_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const lines = tail.trim().split('\n').filter((l) => l.trim() !== '');
      resolve({ code, lastLine: (lines[lines.length - 1] ?? '').trim().slice(0, 160) });
    });
  });
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

/** The headers a proxy passes on; node writes the connection-level ones itself. */
function endToEnd(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    if (!HOP_BY_HOP.has(name.toLowerCase())) out.push(name, rawHeaders[i + 1] ?? '');
  }
  return out;
}

interface CountingProxy {
  readonly url: string;
  count(): number;
  /** Seconds from the first request's arrival to the last response's end. */
  activeSeconds(): number;
  close(): Promise<void>;
}

async function countingProxy(target: string): Promise<CountingProxy> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const upstream = new URL(target);
  let requests = 0;
  let first = 0;
  let last = 0;
  const server = http.createServer((req, res) => {
    requests++;
    if (first === 0) first = performance.now();
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, endToEnd(up.rawHeaders));
        up.pipe(res);
        up.on('end', () => {
          last = performance.now();
        });
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => requests,
    activeSeconds: () => (last > first ? (last - first) / 1000 : 0),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
