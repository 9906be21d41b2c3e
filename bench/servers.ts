/**
 * The servers under test, each a child process on a free loopback port: our mock (the built CLI, for
 * either API), Prism (static examples, or `-d` generated data, of either API's spec), and a bare
 * `node:http` server replaying bytes captured from the mocks. Every child is tracked and killed when the bench exits, however it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pollUntilOk } from './http.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** What `npm start` runs: the one-file bundle of the CLI. */
export const MOCK_CLI = path.join(ROOT, 'dist/bundle/mock.mjs');
/** The same CLI as separate modules (`tsc` output), for profiles that attribute time per file. */
export const MOCK_MODULES_CLI = path.join(ROOT, 'dist/src/cli/mock.js');
export const PRISM_CLI = path.join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js');
export const SPEC = path.join(ROOT, 'openapi/organization.yaml');
export const TOURS_SPEC = path.join(ROOT, 'openapi/tours-organizations.yaml');
const BARE_SERVER = path.join(ROOT, 'bench/bare-server.mjs');
const HOST = '127.0.0.1';

/** The id Prism's examples use; any UUID passes its path validation. */
export const EXAMPLE_ORG_ID = '123e4567-e89b-12d3-a456-426614174000';

export interface Memory {
  /** Resident set size now, MB. */
  readonly rssMb: number;
  /** Peak resident set size, MB. */
  readonly hwmMb: number;
}

export interface ServerHandle {
  readonly name: string;
  readonly baseUrl: string;
  readonly pid: number;
  /**
   * The pid of the process that answers the requests: the spawned one, or its only child when it
   * forked one to serve (Prism with --multiprocess, its default under NODE_ENV=production); null
   * when unknown (no pid, no /proc).
   */
  readonly servingPid: number | null;
  /** Milliseconds from spawn to the first 2xx answer of the readiness poll. */
  readonly startupMs: number;
  /** The process's memory from /proc; undefined where /proc is absent. */
  memory(): Memory | undefined;
  /** CPU seconds (user + system) the serving process has used so far; undefined where unknown. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

export interface MockSettings {
  readonly users: number;
  readonly seed: number;
  readonly stateFile?: string | undefined;
  /** Flags for node itself, before the script (e.g. --cpu-prof). */
  readonly nodeFlags?: readonly string[] | undefined;
  /** Run the unbundled modules (dist/src/cli/mock.js) instead of the bundle, so a profile names files. */
  readonly unbundled?: boolean | undefined;
  /** Further flags of the mock's CLI (`--api tours`, `--rate-limit off`). */
  readonly extraArgs?: readonly string[] | undefined;
}

const live = new Set<ChildProcess>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

export function mockAvailable(): boolean {
  return existsSync(MOCK_CLI);
}

/** A port the kernel just handed out on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startMock(settings: MockSettings, timeoutMs = 120_000): Promise<ServerHandle> {
  if (!mockAvailable()) throw new Error(`${path.relative(ROOT, MOCK_CLI)} is missing; run npm run build`);
  const port = await freePort();
  const args = [
    ...(settings.nodeFlags ?? []),
    settings.unbundled ? MOCK_MODULES_CLI : MOCK_CLI,
    '--port',
    String(port),
    '--host',
    HOST,
    '--seed',
    String(settings.seed),
  ];
  args.push('--users', String(settings.users), '--quiet', ...(settings.extraArgs ?? []));
  if (settings.stateFile !== undefined) args.push('--state-file', settings.stateFile);
  return launch('mock', process.execPath, args, port, { path: '/__mock/health' }, timeoutMs);
}

/** Prism serving a spec (Flashback's by default), ready once `ready` answers 2xx. */
export async function startPrism(
  dynamic: boolean,
  spec = SPEC,
  ready: Readiness = { path: `/organization/${EXAMPLE_ORG_ID}`, headers: { authorization: 'Bearer bench' } },
): Promise<ServerHandle> {
  const port = await freePort();
  // Logging off: Prism's best case. Its default `info` level writes several lines per request.
  const args = [PRISM_CLI, 'mock', spec, '-p', String(port), '-h', HOST, '-v', 'silent'];
  if (dynamic) args.push('-d');
  return launch(dynamic ? 'prism-dynamic' : 'prism', process.execPath, args, port, ready, 60_000);
}

/** The bare server answers the requests listed in `responsesFile` (see bare-server.mjs). */
export async function startBare(responsesFile: string): Promise<ServerHandle> {
  const port = await freePort();
  const args = [BARE_SERVER, '--port', String(port), '--host', HOST, '--responses', responsesFile];
  return launch('bare', process.execPath, args, port, { path: '/__bare/health' }, 30_000);
}

export interface Readiness {
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Spawns any server command (the mock through npm, say) and waits for its first 2xx on `ready`. */
export async function launch(name: string, command: string, args: readonly string[], port: number, ready: Readiness, timeoutMs: number): Promise<ServerHandle> {
  installCleanup();
  const baseUrl = `http://${HOST}:${port}`;
  const spawnedAt = performance.now();
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${String(code)}`}`;
      live.delete(child);
      resolve();
    });
  });
  const abort = (): Error | undefined => (exited === undefined ? undefined : new Error(`${name} ${exited} before it was ready:\n${output.trim()}`));
  let readyAt: number;
  try {
    readyAt = await pollUntilOk(baseUrl, { ...ready, intervalMs: 10, timeoutMs, abort });
  } catch (error) {
    child.kill('SIGKILL');
    await exitedPromise;
    throw error;
  }
  const pid = child.pid ?? -1;
  const servingPid = pid > 0 ? findServingPid(pid) : null;
  return {
    name,
    baseUrl,
    pid,
    servingPid,
    startupMs: readyAt - spawnedAt,
    memory: () => readMemory(pid),
    cpuSeconds: () => (servingPid === null ? undefined : readCpuSeconds(servingPid)),
    stop: async () => {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

/** VmRSS and VmHWM of a process from /proc/<pid>/status, in MB. */
export function readMemory(pid: number): Memory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux, whatever CONFIG_HZ). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * utime + stime of a process from /proc/<pid>/stat (fields 14 and 15, counted after the `) ` that
 * closes the comm field, which may itself hold spaces and parentheses), in seconds; undefined where
 * /proc is absent or the process is gone. Resolution: 10 ms.
 */
export function readCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // After ") ": field 3 (state) is index 0, so fields 14 and 15 are indices 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS_PER_SECOND : undefined;
}

/** The spawned process, or its only child when it has exactly one (a server forked to serve). */
function findServingPid(pid: number): number | null {
  if (readCpuSeconds(pid) === undefined) return null;
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // No children file (older kernels): the spawned process it is.
  }
  const only = children.length === 1 ? children[0] : undefined;
  return only !== undefined && readCpuSeconds(only) !== undefined ? only : pid;
}
