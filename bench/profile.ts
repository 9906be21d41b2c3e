/**
 * `npx tsx bench/profile.ts`: runs the built mock under `node --cpu-prof`, drives one benchmarked
 * request at it (or only starts it), and prints the functions and files with the most self time.
 * For finding out why a target is missed; the .cpuprofile is kept for Chrome DevTools / speedscope.
 * A Tours & Events request (`tours-me`, `tours-members`) runs the Tours mock as the bench does
 * (1,000 members, rate limit off).
 *
 *   npx tsx bench/profile.ts --request list-users --duration 10
 *   npx tsx bench/profile.ts --request tours-me --duration 10
 *   npx tsx bench/profile.ts --request startup
 *   npx tsx bench/profile.ts --request list-users --users 100000 --duration 10 --connections 1
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getJson } from './http.js';
import { runLoad } from './load.js';
import { castFromPrincipals, scenarios, TOURS_MEMBERS, toursCastFromPrincipals, toursScenarios, type RequestId } from './requests.js';
import { ROOT, startMock } from './servers.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

/** Self time per function, per file and per package (or src/ folder), largest first. */
export function selfTimes(profile: CpuProfile): { functions: SelfTime[]; files: SelfTime[]; packages: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id);
    if (frame === undefined) return;
    total += us;
    const where = shortUrl(frame.url);
    const name = `${frame.functionName || '(anonymous)'}  ${where}${where ? `:${frame.lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const fileKey = where || `(${frame.functionName})`;
    file.set(fileKey, (file.get(fileKey) ?? 0) + us);
    const pkgKey = packageOf(fileKey);
    pkg.set(pkgKey, (pkg.get(pkgKey) ?? 0) + us);
  });
  const rank = (m: Map<string, number>): SelfTime[] =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 }));
  return { functions: rank(fn), files: rank(file), packages: rank(pkg) };
}

/** `node_modules/ajv/...` → `ajv`; `dist/src/apis/flashback/store.js` → `src/apis/flashback`; `node:internal/...` → `node internals`. */
function packageOf(file: string): string {
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (dep?.[1] !== undefined) return dep[1];
  const own = /^(?:dist\/)?(src\/(?:apis\/)?[^/]+|conformance)/.exec(file);
  if (own?.[1] !== undefined) return own[1];
  if (file.startsWith('node:')) return 'node internals';
  return file;
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const plain = url.replace(/^file:\/\//, '');
  if (plain.startsWith(ROOT)) return path.relative(ROOT, plain);
  return plain;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      request: { type: 'string', default: 'list-users' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      users: { type: 'string', default: '50' },
      top: { type: 'string', default: '20' },
    },
  });
  const request = values.request as RequestId | 'startup';
  const dir = path.join(ROOT, '.tmp/profiles', `${request}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const tours = request.startsWith('tours-');
  const settings = tours ? { users: TOURS_MEMBERS, extraArgs: ['--api', 'tours', '--rate-limit', 'off'] } : { users: Number(values.users) };
  const mock = await startMock({ ...settings, seed: 1, unbundled: true, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] }, 600_000);
  try {
    if (request !== 'startup') {
      const principals = await getJson(mock.baseUrl, '/__mock/principals');
      const list = tours ? toursScenarios(toursCastFromPrincipals(principals)) : scenarios(castFromPrincipals(principals), { forPrism: false, tag: 'profile' });
      const scenario = list.find((s) => s.id === request);
      if (scenario === undefined) throw new Error(`unknown --request ${request}`);
      const r = await runLoad(mock.baseUrl, scenario, {
        connections: Number(values.connections),
        duration: Number(values.duration),
      });
      process.stdout.write(
        `${scenario.label}: ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${JSON.stringify(r.statuses)}\n`,
      );
    } else {
      process.stdout.write(`start-up: ${Math.round(mock.startupMs)} ms to the first 2xx\n`);
    }
  } finally {
    await mock.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  const { functions, files, packages } = selfTimes(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile);
  const top = Number(values.top);
  const show = (title: string, rows: SelfTime[]): void => {
    process.stdout.write(`\n${title}\n`);
    for (const r of rows.slice(0, top)) {
      process.stdout.write(`  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}\n`);
    }
  };
  show('Self time by function:', functions);
  show('Self time by file:', files);
  show('Self time by package:', packages);
  process.stdout.write(`\nProfile: ${path.relative(process.cwd(), path.join(dir, file))}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`profile: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
