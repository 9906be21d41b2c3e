/**
 * `npm run bench:tours`: the Tours & Events mock's reads (`GET /api/organizations/me`, and the members
 * list of an organization of 1,000 members, a page of 100) against the same bare `node:http` ceiling
 * (replaying the mock's own bytes) and Prism 5.14 serving openapi/tours-organizations.yaml, all three
 * up at once and measured back to back in rounds whose order alternates. Prints req/s per server,
 * the median of the per-round ratios, and the targets (reads at least 0.6x bare and 4x Prism).
 *
 *   tsx bench/tours.ts [--duration SECONDS] [--connections N] [--rounds N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { captureRoutes, writeRoutes } from './capture.js';
import { getJson } from './http.js';
import { runLoad } from './load.js';
import type { Scenario } from './requests.js';
import { ROOT, startBare, startMock, startPrism, type ServerHandle } from './servers.js';
import { median, round } from './stats.js';

const MEMBERS = 1000;
const TOURS_SPEC = path.join(ROOT, 'openapi/tours-organizations.yaml');
/** A key Prism accepts (it checks that a bearer value is present, not what it is). */
const PRISM_KEY = 'tke_test_benchbenchbenchbenchbenchbench';
const TARGETS = { bare: 0.6, prism: 4 } as const;

function options(): { duration: number; connections: number; rounds: number } {
  const { values } = parseArgs({ options: { duration: { type: 'string' }, connections: { type: 'string' }, rounds: { type: 'string' } } });
  const whole = (name: string, text: string | undefined, fallback: number, max: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) {
      process.stderr.write(`bench:tours: --${name} must be a whole number from 1 to ${max}, got "${text}"\n`);
      process.exit(2);
    }
    return value;
  };
  return {
    duration: whole('duration', values.duration, 5, 600),
    connections: whole('connections', values.connections, 10, 1000),
    rounds: whole('rounds', values.rounds, 3, 20),
  };
}

function scenarios(key: string): Scenario[] {
  const headers = { authorization: `Bearer ${key}` };
  return [
    { id: 'tours-me', label: 'GET /api/organizations/me', method: 'GET', path: '/api/organizations/me', headers, expectedStatus: 200, read: true },
    {
      id: 'tours-members',
      label: `GET members (${MEMBERS} members, page of 100)`,
      method: 'GET',
      path: '/api/organizations/members?limit=100',
      headers,
      expectedStatus: 200,
      read: true,
    },
  ];
}

async function main(): Promise<void> {
  const settings = options();
  const work = mkdtempSync(path.join(tmpdir(), 'bench-tours-'));
  const servers: ServerHandle[] = [];
  try {
    // Rate limiting off: a load run is thousands of requests of one key (TL1 would answer 429s).
    const mock = await startMock({ users: MEMBERS, seed: 42, extraArgs: ['--api', 'tours', '--rate-limit', 'off'] });
    servers.push(mock);
    const listing = (await getJson(mock.baseUrl, '/__mock/principals')) as { principals: { name: string; apiKey: string }[] };
    const key = listing.principals.find((p) => p.name === 'acme-owner')?.apiKey;
    if (!key) throw new Error('the Tours mock lists no acme-owner principal');
    const routes = path.join(work, 'routes.json');
    writeRoutes(routes, await captureRoutes(mock.baseUrl, scenarios(key)));
    const bare = await startBare(routes);
    servers.push(bare);
    const prism = await startPrism(false, TOURS_SPEC, { path: '/api/organizations/me', headers: { authorization: `Bearer ${PRISM_KEY}` } });
    servers.push(prism);
    const byServer: Array<{ server: ServerHandle; key: string }> = [
      { server: mock, key },
      { server: bare, key },
      { server: prism, key: PRISM_KEY },
    ];
    process.stdout.write(
      `Tours & Events reads: ${settings.rounds} rounds of ${settings.duration} s, ${settings.connections} connections; mock started in ${Math.round(mock.startupMs)} ms, Prism in ${Math.round(prism.startupMs)} ms\n\n`,
    );

    const lines = ['| read | mock req/s | bare req/s | Prism req/s | mock/bare | mock/Prism |', '|---|---:|---:|---:|---:|---:|'];
    const verdicts: string[] = [];
    for (const [index, scenario] of scenarios(key).entries()) {
      const rps: Record<string, number[]> = { mock: [], bare: [], prism: [] };
      for (let r = 0; r < settings.rounds; r++) {
        const order = r % 2 === 0 ? byServer : [...byServer].reverse();
        for (const { server, key: own } of order) {
          const ownScenario = scenarios(own)[index] as Scenario;
          const result = await runLoad(server.baseUrl, ownScenario, { connections: settings.connections, duration: settings.duration });
          if (result.unexpected > 0 || result.errors > 0)
            throw new Error(
              `${server.name} ${scenario.label}: ${result.unexpected} unexpected statuses ${JSON.stringify(result.statuses)}, ${result.errors} errors`,
            );
          (rps[server.name] as number[]).push(result.rps);
        }
      }
      const ratio = (other: string): number => median((rps.mock as number[]).map((m, i) => m / ((rps[other] as number[])[i] as number)));
      const [toBare, toPrism] = [ratio('bare'), ratio('prism')];
      lines.push(
        `| ${scenario.label} | ${Math.round(median(rps.mock as number[]))} | ${Math.round(median(rps.bare as number[]))} | ${Math.round(median(rps.prism as number[]))} | ${round(toBare, 2)}x | ${round(toPrism, 1)}x |`,
      );
      verdicts.push(`${toBare >= TARGETS.bare ? 'PASS' : 'MISS'}  ${scenario.label}: ${round(toBare, 2)}x bare (target ${TARGETS.bare}x)`);
      verdicts.push(`${toPrism >= TARGETS.prism ? 'PASS' : 'MISS'}  ${scenario.label}: ${round(toPrism, 1)}x Prism (target ${TARGETS.prism}x)`);
    }
    process.stdout.write(`${lines.join('\n')}\n\nRatios are medians of per-round ratios (each pairs servers measured back to back).\n${verdicts.join('\n')}\n`);
  } finally {
    for (const server of servers.reverse()) await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
