// The bench's ceiling: a bare `node:http` server that answers each benchmarked request with the very
// status, headers and body our mock returned for it (captured by bench/run.ts beforehand). It does
// nothing else: one Map lookup on method, path and Authorization, then the stored bytes. Node adds
// Date, Connection and Keep-Alive itself, as it does for the mock.
//
// Plain JavaScript on purpose: it runs on `node` with no loader, exactly like the built mock.
//
// usage: node bench/bare-server.mjs --port N --host 127.0.0.1 --responses FILE.json
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' }, responses: { type: 'string' } },
});
if (!values.port || !values.host || !values.responses) {
  process.stderr.write('usage: node bench/bare-server.mjs --port N --host H --responses FILE\n');
  process.exit(2);
}

/** @type {{ routes: { method: string, path: string, authorization: string | null, status: number, statusMessage: string, rawHeaders: string[], body: string }[] }} */
const file = JSON.parse(readFileSync(values.responses, 'utf8'));
const HOP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** @type {Map<string, { status: number, statusMessage: string, headers: string[], body: Buffer }>} */
const routes = new Map();
for (const r of file.routes) {
  const headers = [];
  for (let i = 0; i < r.rawHeaders.length; i += 2) {
    if (!HOP.has(r.rawHeaders[i].toLowerCase())) headers.push(r.rawHeaders[i], r.rawHeaders[i + 1]);
  }
  routes.set(`${r.method} ${r.path} ${r.authorization ?? ''}`, {
    status: r.status,
    statusMessage: r.statusMessage,
    headers,
    body: Buffer.from(r.body, 'base64'),
  });
}
const health = { status: 200, statusMessage: 'OK', headers: ['content-type', 'application/json'], body: Buffer.from('{"ok":true}') };
routes.set('GET /__bare/health ', health);
const notFound = { status: 404, statusMessage: 'Not Found', headers: [], body: Buffer.alloc(0) };

const server = http.createServer((req, res) => {
  const hit = routes.get(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`) ?? notFound;
  const answer = () => {
    res.writeHead(hit.status, hit.statusMessage, hit.headers);
    res.end(hit.body);
  };
  if (req.method === 'GET' || req.method === 'HEAD') {
    answer();
  } else {
    // Read the body to its end, as any server of a POST must.
    req.on('end', answer);
    req.resume();
  }
});
server.keepAliveTimeout = 5_000;
server.listen(Number(values.port), values.host);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
