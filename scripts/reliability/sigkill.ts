/**
 * SIGKILL durability (issue 12): starts the mock as users run it (bin/org-contract.mjs mock
 * --state-file), sends writes, kills it with SIGKILL at a random moment, restarts it on the same
 * state file, and checks that every write it acknowledged (a 2xx that reached the client) is found.
 * A write in flight at the kill may land or not; one acknowledged must never be lost, and the state
 * file must always load. The mock's clock is not part of the state file (README, control plane): it
 * is checked to start on the real time again.
 *
 *   npm run reliability:kill -- --api flashback|tours [--cycles 50] [--seed 1]
 *
 * test/integration/durability.test.ts runs the same code for a few cycles per API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from '../../src/server/faults.js';
import { isTemporaryFileOf } from '../../src/server/state-file.js';
import { projectPath } from '../../src/contract/index.js';

export interface KillReport {
  readonly api: string;
  readonly cycles: number;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Writes acknowledged with a 2xx before a kill. */
  readonly acknowledged: number;
  /** Of those, found after the restart. */
  readonly found: number;
  /** Acknowledged writes overtaken by a write of the same record that the kill cut (either value is right): not counted above. */
  readonly uncertain: number;
  /** Temporary files of interrupted writes found beside the state file before a restart; each restart must remove them. */
  readonly tempsLeftByKills: number;
  readonly problems: readonly string[];
}

/** The temporary files of `stateFile`'s writes beside it (the state file's own test of the name). */
async function stateTemps(stateFile: string): Promise<number> {
  return (await readdir(dirname(stateFile))).filter((name) => isTemporaryFileOf(stateFile, name)).length;
}

interface Http {
  status: number;
  body: unknown;
  headers: Headers;
}

/** A write the mock acknowledged, and how to find it after a restart. */
interface Acknowledged {
  readonly what: string;
  /** The record it wrote: a later acknowledged write of the same record replaces this one's check (the last write wins). */
  readonly key: string;
  /** Resolves to null when found, else what is wrong. May record the writes its check makes (a rotated refresh token). */
  readonly check: (call: Caller) => Promise<string | null>;
}

type Caller = (method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }) => Promise<Http>;

/** One API's writes: each round sends one and, once acknowledged, says how to find it. */
interface Workload {
  /** The record of the write being sent now (set before it is sent): if the kill cuts it, that record may hold either value. */
  inFlight: string | null;
  prepare(call: Caller): Promise<void>;
  write(call: Caller, n: number, random: () => number): Promise<{ response: Http; acknowledged: Acknowledged | null }>;
}

const body = (h: Http): Record<string, unknown> => (typeof h.body === 'object' && h.body !== null ? (h.body as Record<string, unknown>) : {});
const ok = (h: Http): boolean => h.status >= 200 && h.status < 300;

/** The running mock's seeded principals (email, password, ids, credentials), by name: one request. */
async function principals(call: Caller): Promise<(name: string) => Record<string, unknown>> {
  const listed = (body(await call('GET', '/__mock/principals')).principals ?? []) as Record<string, unknown>[];
  return (name) => {
    const found = listed.find((p) => p.name === name);
    if (!found) throw new Error(`the mock lists no principal ${name}`);
    return found;
  };
}

/** Email and password of a principal, as a sign-in body. */
const signInBody = (p: Record<string, unknown>): { email: unknown; password: unknown } => ({ email: p.email, password: p.password });

function flashbackWorkload(): Workload {
  let auth: Record<string, string> = {};
  /** The principal whose logins are written (and checked by refreshing). */
  let administrator: Record<string, unknown> = {};
  const live: string[] = [];
  const deleted: string[] = [];
  return {
    inFlight: null,
    async prepare(call) {
      const principal = await principals(call);
      const login = await call('POST', '/user/login', { body: signInBody(principal('owner')) });
      auth = { authorization: `Bearer ${String(body(login).accessToken)}` };
      administrator = principal('administrator');
    },
    async write(call, n, random) {
      this.inFlight = null;
      const roll = random();
      if (roll < 0.3 || live.length === 0) {
        const email = `kill${n}.${Math.floor(random() * 1e9)}@acme.test`;
        const r = await call('POST', '/organization/users', {
          headers: auth,
          body: { email, password: 'Kill-Passw0rd1', firstName: 'K', lastName: 'Created' },
        });
        const id = String((body(r).data as Record<string, unknown> | undefined)?.id);
        if (!ok(r)) return { response: r, acknowledged: null };
        live.push(id);
        return { response: r, acknowledged: { key: `user ${id}`, what: `create user ${id}`, check: userIs(id, 'live', 'Created') } };
      }
      if (roll < 0.6) {
        const id = live[Math.floor(random() * live.length)] as string;
        const lastName = `L${n}`;
        this.inFlight = `user ${id}`;
        const r = await call('PUT', `/organization/users/${id}`, { headers: auth, body: { lastName } });
        return {
          response: r,
          acknowledged: ok(r) ? { key: `user ${id}`, what: `update user ${id} lastName ${lastName}`, check: userIs(id, 'live', lastName) } : null,
        };
      }
      if (roll < 0.75) {
        const id = live.splice(Math.floor(random() * live.length), 1)[0] as string;
        this.inFlight = `user ${id}`;
        const r = await call('DELETE', `/organization/users/${id}`, { headers: auth });
        if (ok(r)) deleted.push(id);
        return { response: r, acknowledged: ok(r) ? { key: `user ${id}`, what: `delete user ${id}`, check: userIs(id, 'deleted', null) } : null };
      }
      if (roll < 0.85 && deleted.length > 0) {
        const id = deleted.splice(Math.floor(random() * deleted.length), 1)[0] as string;
        this.inFlight = `user ${id}`;
        const r = await call('POST', `/organization/users/${id}/activate`, { headers: auth });
        if (ok(r)) live.push(id);
        return { response: r, acknowledged: ok(r) ? { key: `user ${id}`, what: `activate user ${id}`, check: userIs(id, 'live', null) } : null };
      }
      const r = await call('POST', '/user/login', { body: signInBody(administrator) });
      let refresh = String(body(r).refreshToken);
      return {
        response: r,
        acknowledged: ok(r)
          ? {
              key: `login ${n}`,
              what: `login ${n} of ${String(administrator.email)}`,
              // The refresh token of an acknowledged login works after the restart; it rotates, and the new one is what counts next time.
              check: async (c) => {
                const again = await c('POST', '/user/refresh', { body: { refreshToken: refresh } });
                if (!ok(again)) return `refresh with the acknowledged login's token answered ${again.status}`;
                refresh = String(body(again).refreshToken);
                return null;
              },
            }
          : null,
      };
    },
  };

  function userIs(id: string, state: 'live' | 'deleted', lastName: string | null) {
    return async (call: Caller): Promise<string | null> => {
      const r = await call('GET', '/__mock/state');
      const user = ((body(r).users ?? []) as Record<string, unknown>[]).find((u) => u.id === id);
      if (!user) return 'not in the state';
      if ((user.deletedAt === null) !== (state === 'live')) return `expected ${state}, deletedAt is ${String(user.deletedAt)}`;
      if (lastName !== null && user.lastName !== lastName) return `lastName is ${String(user.lastName)}, acknowledged ${lastName}`;
      return null;
    };
  }
}

function toursWorkload(): Workload {
  let session: Record<string, string> = {};
  let memberId = '';
  /** The principal whose sign-ins are written (and checked with get-session). */
  let admin: Record<string, unknown> = {};
  const roles: string[] = [];
  return {
    inFlight: null,
    async prepare(call) {
      const principal = await principals(call);
      memberId = String(principal('acme-member').memberId);
      admin = principal('acme-admin');
      const signIn = await call('POST', '/api/auth/sign-in/email', { body: signInBody(principal('acme-owner')) });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      session = { cookie };
    },
    async write(call, n, random) {
      this.inFlight = null;
      const roll = random();
      const inState = (collection: string, id: string, field?: string, value?: unknown) => async (c: Caller) => {
        const found = ((body(await c('GET', '/__mock/state'))[collection] ?? []) as Record<string, unknown>[]).find((x) => x.id === id);
        if (!found) return `no ${collection} ${id} in the state`;
        if (field !== undefined && found[field] !== value) return `${field} is ${String(found[field])}, acknowledged ${String(value)}`;
        return null;
      };
      if (roll < 0.2) {
        const name = `kill-${n}-${Math.floor(random() * 1e6)}`;
        const r = await call('POST', '/api/organizations/roles', { headers: session, body: { name, permissions: ['users.read'] } });
        const id = String(body(r).id);
        if (ok(r)) roles.push(name);
        return { response: r, acknowledged: ok(r) ? { key: `role ${id}`, what: `create role ${name}`, check: inState('roles', id, 'name', name) } : null };
      }
      if (roll < 0.4) {
        const email = `kill${n}.${Math.floor(random() * 1e9)}@example.com`;
        const r = await call('POST', '/api/organizations/invitations', { headers: session, body: { email, role: 'member' } });
        return {
          response: r,
          acknowledged: ok(r)
            ? { key: `invitation ${email}`, what: `invite ${email}`, check: inState('invitations', String(body(r).id), 'email', email) }
            : null,
        };
      }
      if (roll < 0.55) {
        const r = await call('POST', '/api/api-keys', { headers: session, body: { name: `kill ${n}` } });
        const key = String(body(r).key);
        return {
          response: r,
          acknowledged: ok(r)
            ? {
                key: `key ${String(body(r).id)}`,
                what: `API key ${String(body(r).id)}`,
                check: async (c) => {
                  const me = await c('GET', '/api/organizations/me', { headers: { authorization: `Bearer ${key}` } });
                  return me.status === 200 ? null : `the acknowledged key answers ${me.status}`;
                },
              }
            : null,
        };
      }
      if (roll < 0.7) {
        const role = pick(random, ['coordinator', 'member', ...roles.slice(-3)]);
        this.inFlight = `member ${memberId}`;
        const r = await call('PATCH', `/api/organizations/members/${memberId}`, { headers: session, body: { role } });
        return {
          response: r,
          acknowledged: ok(r) ? { key: `member ${memberId}`, what: `member role ${role}`, check: inState('members', memberId, 'role', role) } : null,
        };
      }
      if (roll < 0.85) {
        const r = await call('POST', '/api/auth/sign-in/email', { body: signInBody(admin) });
        const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        return {
          response: r,
          acknowledged: ok(r)
            ? {
                key: `session ${n}`,
                what: 'session of a sign-in',
                check: async (c) => {
                  const s = await c('GET', '/api/auth/get-session', { headers: { cookie } });
                  return s.status === 200 && s.body !== null ? null : `the acknowledged session answers ${s.status} ${JSON.stringify(s.body)}`;
                },
              }
            : null,
        };
      }
      // The clock: acknowledged, and documented to start on the real time after a restart (not in the state file).
      const r = await call('POST', '/__mock/clock', { body: { advanceSeconds: 1 + Math.floor(random() * 30) } });
      return {
        response: r,
        acknowledged: ok(r)
          ? {
              key: 'clock',
              what: 'clock advance (documented: not kept across a restart)',
              check: async (c) => {
                const clock = body(await c('GET', '/__mock/clock'));
                return clock.offsetSeconds === 0 ? null : `the clock is ${String(clock.offsetSeconds)} s ahead after a restart`;
              },
            }
          : null,
      };
    },
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const WORKLOADS: Readonly<Record<string, () => Workload>> = { flashback: flashbackWorkload, tours: toursWorkload };

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

async function startMock(api: string, stateFile: string, readyFile: string): Promise<Running> {
  await rm(readyFile, { force: true });
  const args = [projectPath('bin/org-contract.mjs'), 'mock', '--api', api, '--host', '127.0.0.1', '--port', '0', '--quiet'];
  args.push('--state-file', stateFile, '--ready-file', readyFile);
  if (api === 'tours') args.push('--rate-limit', 'off');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await readFile(readyFile, 'utf8').catch(() => '');
    const url = /https?:\/\/[^\s"]+/.exec(text)?.[0];
    if (url) return { child, url, exited };
    if (child.exitCode !== null) throw new Error(`the mock exited with ${child.exitCode} at start (the state file did not load?): ${stderr.trim()}`);
    if (Date.now() > deadline) throw new Error(`the mock did not start within 60 s: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function caller(url: string, count: (status: string) => void): Caller {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await fetch(`${url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      const text = await res.text();
      count(String(res.status));
      return { status: res.status, headers: res.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
    } catch (error) {
      count('no answer');
      throw error;
    }
  };
}

/** Runs `cycles` kill-and-restart cycles of the mock of `api`; every acknowledged write must be found after each restart. */
export async function runSigkillCycles(options: { api: string; cycles: number; seed: number; log?: (line: string) => void }): Promise<KillReport> {
  const { api, cycles, seed } = options;
  const workloadOf = WORKLOADS[api];
  if (!workloadOf) throw new Error(`unknown API ${api}: flashback or tours`);
  const workload = workloadOf();
  const random = seededRandom(seed);
  const folder = await mkdtemp(join(tmpdir(), `org-contract-kill-${api}-`));
  const stateFile = join(folder, 'state.json');
  const readyFile = join(folder, 'ready.txt');
  const statuses: Record<string, number> = {};
  const count = (s: string): void => void (statuses[s] = (statuses[s] ?? 0) + 1);
  const acknowledged: Acknowledged[] = [];
  const problems: string[] = [];
  let requests = 0;
  let found = 0;
  let checked = 0;
  /** Acknowledged writes whose record a write cut by the kill touched after them: not checked (either value is right). */
  let uncertain = 0;
  let tempsLeftByKills = 0;
  try {
    for (let cycle = 0; cycle <= cycles; cycle++) {
      tempsLeftByKills += await stateTemps(stateFile);
      const running = await startMock(api, stateFile, readyFile).catch((error: Error) => {
        problems.push(`cycle ${cycle}: ${error.message}`);
        return null;
      });
      if (!running) break;
      const leftover = await stateTemps(stateFile);
      if (leftover > 0) problems.push(`cycle ${cycle}: ${leftover} temporary files of interrupted writes left after the restart`);
      const call: Caller = (m, p, o) => ((requests += 1), caller(running.url, count)(m, p, o));
      // Every write acknowledged so far, after this restart (each check once: the next cycle checks the later ones).
      for (const ack of acknowledged.splice(0)) {
        checked += 1;
        const wrong = await ack.check(call).catch((error: Error) => `check failed: ${error.message}`);
        if (wrong === null) found += 1;
        else problems.push(`cycle ${cycle}: acknowledged ${ack.what} lost after SIGKILL: ${wrong}`);
      }
      if (cycle === cycles) {
        running.child.kill('SIGKILL');
        await running.exited;
        break;
      }
      await workload.prepare(call);
      // Kill at a random moment: while writes are in flight, between them, or while the state file is written.
      const killAfter = 5 + Math.floor(random() * 400);
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        running.child.kill('SIGKILL');
      }, killAfter);
      for (let n = 0; !killed; n++) {
        try {
          const { acknowledged: ack } = await workload.write(call, cycle * 10_000 + n, random);
          // An answer that arrived is acknowledged, even if the kill came right after it; it replaces an earlier write of its record.
          if (ack) acknowledged.splice(0, acknowledged.length, ...acknowledged.filter((a) => a.key !== ack.key), ack);
        } catch {
          // The kill cut this request: in flight, not acknowledged. Its record may now hold either value, so its earlier check goes.
          const cut = workload.inFlight;
          if (cut !== null) {
            const before = acknowledged.length;
            acknowledged.splice(0, acknowledged.length, ...acknowledged.filter((a) => a.key !== cut));
            uncertain += before - acknowledged.length;
          }
          break;
        }
      }
      clearTimeout(timer);
      await running.exited;
      options.log?.(`cycle ${cycle + 1}/${cycles}: killed after ${killAfter} ms, ${acknowledged.length} writes acknowledged`);
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  return { api, cycles, requests, statuses, acknowledged: checked, found, uncertain, tempsLeftByKills, problems };
}

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const api = argument('api', 'flashback');
  const cycles = Number(argument('cycles', '50'));
  const seed = Number(argument('seed', '1'));
  if (!['flashback', 'tours'].includes(api) || !Number.isInteger(cycles) || cycles < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: npm run reliability:kill -- --api flashback|tours [--cycles N>=1] [--seed N]\n');
    process.exit(2);
  }
  const report = await runSigkillCycles({ api, cycles, seed, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(
    `${report.api}: ${report.cycles} SIGKILL cycles, ${report.requests} requests, statuses ${JSON.stringify(report.statuses)}, ` +
      `acknowledged writes checked ${report.acknowledged}, found after restart ${report.found} ` +
      `(${report.uncertain} overtaken by a write the kill cut, not checked); ` +
      `${report.tempsLeftByKills} temporary files left by the kills, all removed at the restarts\n`,
  );
  for (const problem of report.problems) process.stdout.write(`PROBLEM ${problem}\n`);
  process.exit(report.problems.length === 0 && report.found === report.acknowledged ? 0 : 1);
}
