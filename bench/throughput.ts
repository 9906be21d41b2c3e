/**
 * The throughput section. Every server under test is started first and stays up for the whole phase
 * (an idle server costs nothing), so that the figures compared with each other are taken seconds
 * apart, not minutes: for each request the servers are measured back to back, each run preceded by
 * a discarded warm-up run with the same settings. The whole pass is repeated for `rounds` rounds,
 * the servers' order reversed every other round (mock, bare, prism, prism -d; then prism -d, prism,
 * bare, mock; ...) so that no server is always the first, or always the one right after another.
 *
 * Rounds are the outer loop (round → request → server), so each request's rounds are spread over
 * the whole phase: a slow minute on the machine lands in one round of a few requests, which the
 * median drops, rather than in every round of one request.
 *
 * Per server and request the table gets the median req/s of the rounds, and p50/p99 from that median
 * round; ratios are the median of the per-round ratios; every round's figures, and each ratio per
 * round, stay in the JSON.
 *
 * Each measured run (not its warm-up) also records the serving process's CPU time (utime + stime from
 * /proc/<pid>/stat, read just before and just after) per completed request. autocannon shares the
 * machine's cores with the servers, so req/s also measures the contention between them; the CPU a
 * server spends per request does not depend on who waits for whom, and moves far less from round to
 * round. Bare's CPU per request ÷ the mock's is the server-bound ratio: the share of bare's req/s
 * the mock would reach if the server were the bottleneck.
 *
 * The mock's state: creates grow its organization. Each round runs the requests in `runOrder`
 * (creates last) and begins with `POST /__mock/reset`, so every round, its list of users included,
 * sees the seeded organization: the state the bare server's bytes were captured from (once, before
 * any measurement), and the same in every round however many users the previous round created.
 *
 * Each API (`--api`) has its own mock (Flashback with `--users`, Tours & Events with 1,000 members
 * and its rate limit off, which would answer a load run with 429s) and its own Prism serving its
 * spec; one bare server replays the bytes of both mocks (keyed by method, path and Authorization,
 * which tell the two apart). A request's "mock" and "Prism" are its own API's; the Tours requests are
 * reads only, so its mock needs no reset.
 */
import path from 'node:path';
import { captureRoutes, writeRoutes, type CapturedRoute } from './capture.js';
import { getJson, send } from './http.js';
import { runLoad, type LoadResult } from './load.js';
import type { ApiName, BenchOptions, ServerName } from './options.js';
import {
  castFromPrincipals,
  EXAMPLE_CAST,
  EXAMPLE_TOURS_CAST,
  runOrder,
  scenarios,
  TOURS_MEMBERS,
  toursCastFromPrincipals,
  toursScenarios,
  type RequestId,
  type Scenario,
} from './requests.js';
import type { RatioRow, RoundFigure, ThroughputRow } from './results.js';
import { mockAvailable, startBare, startMock, startPrism, TOURS_SPEC, type ServerHandle } from './servers.js';
import { median, round } from './stats.js';

export interface ThroughputOutcome {
  readonly rows: ThroughputRow[];
  readonly ratios: RatioRow[];
  readonly notes: string[];
  /** Runs whose figures cannot be trusted (wrong statuses, errors), and servers that did not start. */
  readonly failures: string[];
}

type Log = (line: string) => void;

/** The servers' order in a round (1-based): as given in odd rounds, reversed in even ones. */
export function roundOrder(servers: readonly ServerName[], roundNumber: number): ServerName[] {
  return roundNumber % 2 === 1 ? [...servers] : [...servers].reverse();
}

/** How each API's servers are started, and its requests built from its mock's principals (or stand-ins for Prism). */
interface ApiBench {
  startMock(options: BenchOptions): Promise<ServerHandle>;
  startPrism(dynamic: boolean): Promise<ServerHandle>;
  /** The requests for one server: `forPrism` adds what Prism needs (`Prefer: code=403`); `tag` keeps created emails apart. */
  scenarios(principals: unknown, options: { forPrism: boolean; tag: string }): Scenario[];
}

const APIS: Readonly<Record<ApiName, ApiBench>> = {
  flashback: {
    startMock: (options) => startMock({ users: options.users, seed: options.seed }),
    startPrism: (dynamic) => startPrism(dynamic),
    scenarios: (principals, options) => scenarios(principals === null ? EXAMPLE_CAST : castFromPrincipals(principals), options),
  },
  tours: {
    // Rate limiting off: a load run is thousands of requests of one key (TL1 would answer 429s).
    startMock: (options) => startMock({ users: TOURS_MEMBERS, seed: options.seed, extraArgs: ['--api', 'tours', '--rate-limit', 'off'] }),
    startPrism: (dynamic) =>
      startPrism(dynamic, TOURS_SPEC, { path: '/api/organizations/me', headers: { authorization: `Bearer ${EXAMPLE_TOURS_CAST.apiKey}` } }),
    scenarios: (principals) => toursScenarios(principals === null ? EXAMPLE_TOURS_CAST : toursCastFromPrincipals(principals)),
  },
};

export async function measureThroughput(options: BenchOptions, workDir: string, log: Log): Promise<ThroughputOutcome> {
  const notes: string[] = [];
  const failures: string[] = [];
  const wanted = new Set(options.only);
  const haveMock = mockAvailable();
  /** Each API's servers by name; the bare server, shared by both APIs, is under each. */
  const running = new Map<ApiName, Map<ServerName, ServerHandle>>(options.apis.map((api) => [api, new Map()]));
  const all = new Set<ServerHandle>();
  const keep = (api: ApiName, name: ServerName, handle: ServerHandle): void => {
    running.get(api)?.set(name, handle);
    all.add(handle);
  };
  const start = async (api: ApiName, name: ServerName, starter: () => Promise<ServerHandle>): Promise<void> => {
    try {
      keep(api, name, await starter());
    } catch (error) {
      failures.push(`${api} ${name} did not start: ${error instanceof Error ? error.message : String(error)}`);
      log(`${api} ${name} did not start; its runs are left out`);
    }
  };

  try {
    /** Each API's principals (null: none, Prism gets stand-ins), and the bytes the bare server replays. */
    const principals = new Map<ApiName, unknown>();
    const bareRoutes: CapturedRoute[] = [];

    if (!haveMock && (wanted.has('mock') || wanted.has('bare'))) {
      notes.push("the mock is not built (dist/bundle/mock.mjs missing): its runs are skipped and the bare server replays Prism's bytes");
      log(`note: ${notes[notes.length - 1] ?? ''}`);
    }

    for (const api of options.apis) {
      const bench = APIS[api];
      principals.set(api, null);
      if (haveMock && (wanted.has('mock') || wanted.has('bare'))) {
        const mock = await bench.startMock(options);
        keep(api, 'mock', mock);
        const listed = await getJson(mock.baseUrl, '/__mock/principals');
        principals.set(api, listed);
        // Captured in scenario order, the list before the create: the seeded organization's list.
        bareRoutes.push(...(await captureRoutes(mock.baseUrl, bench.scenarios(listed, { forPrism: false, tag: 'capture' }))));
        if (!wanted.has('mock')) {
          await mock.stop();
          running.get(api)?.delete('mock');
          all.delete(mock);
        }
      }
      if (wanted.has('prism')) await start(api, 'prism', () => bench.startPrism(false));
      if (wanted.has('prism-dynamic')) await start(api, 'prism-dynamic', () => bench.startPrism(true));
      if (wanted.has('bare') && !haveMock) {
        // No mock to copy: replay what Prism's static examples answer, so the harness still runs.
        const shared = running.get(api)?.get('prism');
        const prism = shared ?? (await bench.startPrism(false));
        try {
          bareRoutes.push(...(await captureRoutes(prism.baseUrl, bench.scenarios(null, { forPrism: true, tag: 'capture' }))));
        } finally {
          if (prism !== shared) await prism.stop();
        }
      }
    }
    if (wanted.has('bare')) {
      const routesFile = path.join(workDir, 'bare-routes.json');
      writeRoutes(routesFile, bareRoutes);
      try {
        const bare = await startBare(routesFile);
        for (const api of options.apis) keep(api, 'bare', bare);
      } catch (error) {
        failures.push(`bare did not start: ${error instanceof Error ? error.message : String(error)}`);
        log('bare did not start; its runs are left out');
      }
    }

    const servers = options.only.filter((n) => options.apis.some((api) => running.get(api)?.has(n)));
    // The bare server is keyed on the mock's exact requests; Prism is asked for the 403 by name.
    const listFor = (api: ApiName, name: ServerName, tag: string): Scenario[] =>
      APIS[api].scenarios(principals.get(api) ?? null, { forPrism: name === 'prism' || name === 'prism-dynamic', tag });
    const lists = new Map<string, Scenario[]>();
    for (const api of options.apis) for (const name of servers) lists.set(`${api} ${name}`, listFor(api, name, name));
    const listed = options.apis.flatMap((api) => listFor(api, 'mock', 'order'));
    const requests = runOrder(listed).map((s) => ({ id: s.id, api: s.api }));
    const figures = new Map<string, RoundFigure[]>();
    const phaseStart = performance.now();

    for (let r = 1; r <= options.rounds; r++) {
      const order = roundOrder(servers, r);
      log(`throughput round ${r} of ${options.rounds}: ${order.join(', ')}`);
      const flashbackMock = running.get('flashback')?.get('mock');
      if (flashbackMock !== undefined) await resetMock(flashbackMock);
      for (const { id, api } of requests) {
        for (const [position, name] of order.entries()) {
          const server = running.get(api)?.get(name);
          const scenario = lists.get(`${api} ${name}`)?.find((s) => s.id === id);
          if (server === undefined || scenario === undefined) continue;
          const atSeconds = round((performance.now() - phaseStart) / 1000, 1);
          const load = { connections: options.connections, rate: options.rate };
          if (options.warmup > 0) await runLoad(server.baseUrl, scenario, { ...load, duration: options.warmup });
          const cpuBefore = server.cpuSeconds();
          const result = await runLoad(server.baseUrl, scenario, { ...load, duration: options.duration });
          const cpuAfter = server.cpuSeconds();
          const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? null : round((cpuAfter - cpuBefore) * 1000, 0);
          const figure = toFigure(r, position, atSeconds, result, cpuMs);
          const cpuText = figure.cpuUsPerRequest === null ? '' : `  ${figure.cpuUsPerRequest.toFixed(1).padStart(7)} µs CPU/request`;
          log(`r${r} ${name.padEnd(13)} ${scenario.label.padEnd(40)} ${Math.round(result.rps).toLocaleString('en-US').padStart(8)} req/s${cpuText}`);
          const key = `${id} ${name}`;
          figures.set(key, [...(figures.get(key) ?? []), figure]);
          const bad = result.unexpected + result.errors;
          if (bad > result.requests * 0.01) {
            failures.push(
              `${name} ${scenario.label}, round ${r}: ${bad} of ${result.requests} responses were not ${scenario.expectedStatus} (${JSON.stringify(result.statuses)}, ${result.errors} errors)`,
            );
          }
        }
      }
    }

    // The table's order: requests as listed (not as run), servers as given.
    const rows: ThroughputRow[] = [];
    for (const scenario of listed) {
      for (const name of servers) {
        const rounds = figures.get(`${scenario.id} ${name}`);
        if (rounds !== undefined && rounds.length > 0) rows.push(toRow(name, scenario, rounds));
      }
    }
    return { rows, ratios: ratiosOf(rows), notes, failures };
  } finally {
    await Promise.all([...all].map((s) => s.stop()));
  }
}

async function resetMock(mock: ServerHandle): Promise<void> {
  const res = await send(mock.baseUrl, { method: 'POST', path: '/__mock/reset', headers: {} });
  if (res.status < 200 || res.status > 299) {
    throw new Error(`POST /__mock/reset answered ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
  }
}

function toFigure(roundNumber: number, position: number, atSeconds: number, r: LoadResult, cpuMs: number | null): RoundFigure {
  return {
    round: roundNumber,
    position,
    atSeconds,
    rps: round(r.rps, 1),
    p50Ms: round(r.p50, 3),
    p99Ms: round(r.p99, 3),
    requests: r.requests,
    statuses: r.statuses,
    unexpected: r.unexpected,
    errors: r.errors,
    cpuMs,
    cpuUsPerRequest: cpuMs === null || r.requests === 0 ? null : round((cpuMs * 1000) / r.requests, 1),
  };
}

/** The median round: by req/s, the middle one (with an even count, the lower middle one). */
export function medianRound<T extends { readonly rps: number }>(rounds: readonly T[]): T {
  const sorted = [...rounds].sort((a, b) => a.rps - b.rps);
  const middle = sorted[Math.ceil(sorted.length / 2) - 1];
  if (middle === undefined) throw new Error('no rounds');
  return middle;
}

function toRow(server: ServerName, scenario: Scenario, rounds: readonly RoundFigure[]): ThroughputRow {
  const mid = medianRound(rounds);
  const statuses: Record<string, number> = {};
  for (const f of rounds) for (const [code, n] of Object.entries(f.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  const sum = (pick: (f: RoundFigure) => number): number => rounds.reduce((total, f) => total + pick(f), 0);
  const rps = rounds.map((f) => f.rps);
  const cpu = rounds.flatMap((f) => (f.cpuUsPerRequest === null ? [] : [f.cpuUsPerRequest]));
  return {
    request: scenario.id,
    api: scenario.api,
    label: scenario.label,
    server,
    rps: mid.rps,
    p50Ms: mid.p50Ms,
    p99Ms: mid.p99Ms,
    medianRound: mid.round,
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    requests: sum((f) => f.requests),
    statuses,
    expectedStatus: scenario.expectedStatus,
    unexpected: sum((f) => f.unexpected),
    errors: sum((f) => f.errors),
    cpuUsPerRequest: cpu.length === 0 ? null : median(cpu),
    cpuUsMin: cpu.length === 0 ? null : Math.min(...cpu),
    cpuUsMax: cpu.length === 0 ? null : Math.max(...cpu),
    rounds: [...rounds].sort((a, b) => a.round - b.round),
  };
}

export function ratiosOf(rows: readonly ThroughputRow[]): RatioRow[] {
  const ids = [...new Set(rows.map((r) => r.request))];
  return ids.map((id: RequestId) => {
    const row = (server: ServerName): ThroughputRow | undefined => rows.find((r) => r.request === id && r.server === server);
    const mock = row('mock');
    // Per round: only rounds in which both were measured, in round order.
    const perRound = (server: ServerName): number[] => {
      const other = row(server);
      if (mock === undefined || other === undefined) return [];
      return mock.rounds.flatMap((m) => {
        const o = other.rounds.find((f) => f.round === m.round);
        return o === undefined || o.rps === 0 ? [] : [round(m.rps / o.rps, 3)];
      });
    };
    // The ratio is the median of the per-round ratios: within a round the two servers were measured
    // back to back, so each ratio compares like with like. Dividing the two medians would pair
    // figures from different rounds, minutes apart, on a machine whose speed drifts by half.
    const over = (server: ServerName): number | null => {
      const ratios = perRound(server);
      return ratios.length === 0 ? null : round(median(ratios), 3);
    };
    // The server-bound ratio per round: bare's CPU per request ÷ the mock's (higher is better for the
    // mock, like mock/bare req/s), from the same back-to-back pair of runs.
    const bare = row('bare');
    const cpuPerRound =
      mock === undefined || bare === undefined
        ? []
        : mock.rounds.flatMap((m) => {
            const b = bare.rounds.find((f) => f.round === m.round);
            const mc = m.cpuUsPerRequest;
            const bc = b?.cpuUsPerRequest ?? null;
            return mc === null || bc === null || mc === 0 ? [] : [round(bc / mc, 3)];
          });
    const first = rows.find((r) => r.request === id);
    return {
      request: id,
      api: first?.api ?? 'flashback',
      label: first?.label ?? id,
      mockOverBare: over('bare'),
      mockOverPrism: over('prism'),
      mockOverPrismDynamic: over('prism-dynamic'),
      roundsOverBare: perRound('bare'),
      roundsOverPrism: perRound('prism'),
      roundsOverPrismDynamic: perRound('prism-dynamic'),
      cpuBareOverMock: cpuPerRound.length === 0 ? null : round(median(cpuPerRound), 3),
      roundsCpuBareOverMock: cpuPerRound,
    };
  });
}
