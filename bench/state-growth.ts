/**
 * `npm run bench:state-growth`: what many sign-ins leave in a mock that keeps its state in a file.
 * Each sign-in writes a credential record (Flashback's refresh token, a Tours session), and every
 * later write saves the whole state: a state that grows without bound makes every write slower.
 * For each API: the median time of a write (the organization renamed, as its owner) with the seeded
 * state, then after --logins sign-ins of one user, with the state file's size and the records it holds;
 * the ratio after/before is the figure (the seeded state is the baseline of the same run).
 * Traffic goes to 127.0.0.1 only. Prints a table; asserts nothing.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, launch, ROOT } from './servers.js';
import { median, round } from './stats.js';

const BIN = path.join(ROOT, 'bin/org-contract.mjs');
const WRITES = 30;
const CONCURRENCY = 16;

interface Workload {
  readonly api: 'flashback' | 'tours';
  readonly signInPath: string;
  /** The seeded principal signed in again and again (its email and password from /__mock/principals). */
  readonly signInAs: string;
  /** Records of sign-ins in the exported state. */
  readonly records: (state: Record<string, unknown>) => number;
  readonly recordName: string;
  /** One write as the owner: method, path, headers and body. */
  write(url: string, n: number): Promise<Response>;
  /** Takes what the writes need from the seeded principals. */
  prepare(listed: readonly Record<string, unknown>[]): void;
}

function usage(message: string): never {
  process.stderr.write(`bench:state-growth: ${message} (usage: npm run bench:state-growth -- [--logins N] [--api flashback,tours])\n`);
  process.exit(2);
}

async function principals(url: string): Promise<Record<string, unknown>[]> {
  const body = (await (await fetch(`${url}/__mock/principals`)).json()) as { principals: Record<string, unknown>[] };
  return body.principals;
}

function workloads(): Workload[] {
  let bearer = '';
  let orgId = '';
  const count = (key: string) => (state: Record<string, unknown>) => (Array.isArray(state[key]) ? state[key].length : 0);
  const json = { 'content-type': 'application/json' };
  return [
    {
      api: 'flashback',
      signInPath: '/user/login',
      signInAs: 'user',
      records: count('refreshTokens'),
      recordName: 'refresh tokens',
      prepare(listed) {
        const owner = listed.find((p) => p.name === 'owner');
        bearer = String(owner?.accessToken);
        orgId = String(owner?.orgId);
      },
      write: (url, n) =>
        fetch(`${url}/organization/${orgId}`, {
          method: 'PUT',
          headers: { ...json, authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ name: `Acme ${n}` }),
        }),
    },
    {
      api: 'tours',
      signInPath: '/api/auth/sign-in/email',
      signInAs: 'acme-member',
      records: count('sessions'),
      recordName: 'sessions',
      prepare(listed) {
        bearer = String(listed.find((p) => p.name === 'acme-owner')?.apiKey);
      },
      write: (url, n) =>
        fetch(`${url}/api/organizations/me`, {
          method: 'PATCH',
          headers: { ...json, authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ name: `Acme Tours ${n}` }),
        }),
    },
  ];
}

async function writeMs(workload: Workload, url: string): Promise<number> {
  const times: number[] = [];
  for (let n = 0; n < WRITES; n++) {
    const started = performance.now();
    const res = await workload.write(url, n);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${workload.api}: the write answered ${res.status}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function signIns(workload: Workload, url: string, logins: number, listed: readonly Record<string, unknown>[]): Promise<void> {
  const who = listed.find((p) => p.name === workload.signInAs);
  if (!who) throw new Error(`${workload.api}: the mock lists no principal ${workload.signInAs}`);
  const credentials = JSON.stringify({ email: who.email, password: who.password });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < logins) {
      next += 1;
      const res = await fetch(`${url}${workload.signInPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: credentials,
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${workload.api}: a sign-in answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function records(workload: Workload, url: string): Promise<number> {
  return workload.records((await (await fetch(`${url}/__mock/state`)).json()) as Record<string, unknown>);
}

async function measure(workload: Workload, logins: number): Promise<string> {
  const folder = mkdtempSync(path.join(tmpdir(), 'org-contract-growth-'));
  const stateFile = path.join(folder, 'state.json');
  const port = await freePort();
  const args = [
    BIN,
    'mock',
    '--api',
    workload.api,
    '--port',
    String(port),
    '--quiet',
    '--state-file',
    stateFile,
    ...(workload.api === 'tours' ? ['--rate-limit', 'off'] : []),
  ];
  const server = await launch(workload.api, process.execPath, args, port, { path: '/__mock/health' }, 60_000);
  try {
    const listed = await principals(server.baseUrl);
    workload.prepare(listed);
    const before = { ms: await writeMs(workload, server.baseUrl), bytes: statSync(stateFile).size, records: await records(workload, server.baseUrl) };
    const started = performance.now();
    await signIns(workload, server.baseUrl, logins, listed);
    const seconds = (performance.now() - started) / 1000;
    const after = { ms: await writeMs(workload, server.baseUrl), bytes: statSync(stateFile).size, records: await records(workload, server.baseUrl) };
    process.stderr.write(`${workload.api}: ${logins} sign-ins in ${round(seconds, 1)} s\n`);
    return (
      `| ${workload.api} | ${logins.toLocaleString('en-US')} | ${before.records} → ${after.records} ${workload.recordName} | ` +
      `${before.bytes.toLocaleString('en-US')} → ${after.bytes.toLocaleString('en-US')} | ${round(before.ms, 2)} → ${round(after.ms, 2)} | ${round(after.ms / before.ms, 2)} |`
    );
  } finally {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

let values;
try {
  values = parseArgs({ options: { logins: { type: 'string', default: '40000' }, api: { type: 'string', default: 'flashback,tours' } }, strict: true }).values;
} catch (error) {
  usage((error as Error).message);
}
const logins = Number(values.logins);
if (!Number.isInteger(logins) || logins < 1 || logins > 1_000_000) usage(`--logins must be a whole number from 1 to 1000000, not "${values.logins}"`);
const apis = values.api.split(',');
const chosen = workloads().filter((w) => apis.includes(w.api));
if (chosen.length !== apis.length) usage(`--api takes flashback, tours or both, not "${values.api}"`);
const rows: string[] = [];
for (const workload of chosen) rows.push(await measure(workload, logins));
process.stdout.write(
  `| API | sign-ins of one user | records kept | state file bytes | write ms, median of ${WRITES} (before → after) | after ÷ before |\n|---|---:|---|---:|---:|---:|\n${rows.join('\n')}\n`,
);
