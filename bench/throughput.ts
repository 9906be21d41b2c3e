/**
 * The throughput section: every benchmarked request against every server, one server at a time,
 * each run preceded by a discarded warm-up run with the same settings.
 */
import path from 'node:path';
import { captureRoutes, writeRoutes } from './capture.js';
import { getJson } from './http.js';
import { runLoad, type LoadResult } from './load.js';
import type { BenchOptions, ServerName } from './options.js';
import { castFromPrincipals, EXAMPLE_CAST, runOrder, scenarios, type Cast, type Scenario } from './requests.js';
import type { RatioRow, ThroughputRow } from './results.js';
import { mockAvailable, startBare, startMock, startPrism, type ServerHandle } from './servers.js';
import { round } from './stats.js';

export interface ThroughputOutcome {
  readonly rows: ThroughputRow[];
  readonly ratios: RatioRow[];
  readonly notes: string[];
  /** Runs whose figures cannot be trusted (wrong statuses, errors), and servers that did not start. */
  readonly failures: string[];
}

type Log = (line: string) => void;

export async function measureThroughput(options: BenchOptions, workDir: string, log: Log): Promise<ThroughputOutcome> {
  const rows: ThroughputRow[] = [];
  const notes: string[] = [];
  const failures: string[] = [];
  let cast: Cast = EXAMPLE_CAST;
  let bareRoutesFile: string | undefined;
  const wanted = new Set(options.only);
  const haveMock = mockAvailable();

  if (!haveMock && (wanted.has('mock') || wanted.has('bare'))) {
    notes.push('the mock is not built (dist/bundle/mock.mjs missing): its runs are skipped and the bare server replays Prism\'s bytes');
    log(`note: ${notes[notes.length - 1] ?? ''}`);
  }

  if (haveMock && (wanted.has('mock') || wanted.has('bare'))) {
    const mock = await startMock({ users: options.users, seed: options.seed });
    try {
      cast = castFromPrincipals(await getJson(mock.baseUrl, '/__mock/principals'));
      const list = scenarios(cast, { forPrism: false, tag: 'capture' });
      bareRoutesFile = path.join(workDir, 'bare-routes.json');
      writeRoutes(bareRoutesFile, await captureRoutes(mock.baseUrl, list));
      if (wanted.has('mock')) await driveAll(mock, 'mock', scenarios(cast, { forPrism: false, tag: 'mock' }));
    } finally {
      await mock.stop();
    }
  }

  for (const name of options.only) {
    if (name === 'mock') continue;
    if (name === 'bare' && bareRoutesFile === undefined) {
      // No mock to copy: replay what Prism's static examples answer, so the harness still runs.
      const prism = await startPrism(false);
      try {
        bareRoutesFile = path.join(workDir, 'bare-routes.json');
        writeRoutes(bareRoutesFile, await captureRoutes(prism.baseUrl, scenarios(cast, { forPrism: true, tag: 'capture' })));
      } finally {
        await prism.stop();
      }
    }
    const server =
      name === 'bare' ? await startBare(bareRoutesFile ?? '') : await startPrism(name === 'prism-dynamic');
    try {
      // The bare server is keyed on the mock's exact requests; Prism is asked for the 403 by name.
      await driveAll(server, name, scenarios(cast, { forPrism: name !== 'bare', tag: name }));
    } finally {
      await server.stop();
    }
  }

  // The table's order: requests as listed (not as run), servers as given.
  const requestOrder = scenarios(cast, { forPrism: false, tag: 'order' }).map((s) => s.id);
  rows.sort(
    (a, b) =>
      requestOrder.indexOf(a.request) - requestOrder.indexOf(b.request) ||
      options.only.indexOf(a.server) - options.only.indexOf(b.server),
  );
  return { rows, ratios: ratiosOf(rows), notes, failures };

  async function driveAll(server: ServerHandle, name: ServerName, list: Scenario[]): Promise<void> {
    for (const scenario of runOrder(list)) {
      if (options.warmup > 0) {
        await runLoad(server.baseUrl, scenario, { connections: options.connections, duration: options.warmup, rate: options.rate });
      }
      const result = await runLoad(server.baseUrl, scenario, { connections: options.connections, duration: options.duration, rate: options.rate });
      log(`${name.padEnd(13)} ${scenario.label.padEnd(40)} ${Math.round(result.rps).toLocaleString('en-US').padStart(8)} req/s`);
      rows.push(toRow(name, scenario, result));
      const bad = result.unexpected + result.errors;
      if (bad > result.requests * 0.01) {
        failures.push(
          `${name} ${scenario.label}: ${bad} of ${result.requests} responses were not ${scenario.expectedStatus} (${JSON.stringify(result.statuses)}, ${result.errors} errors)`,
        );
      }
    }
  }
}

function toRow(server: ServerName, scenario: Scenario, r: LoadResult): ThroughputRow {
  return {
    request: scenario.id,
    label: scenario.label,
    server,
    rps: round(r.rps, 1),
    p50Ms: round(r.p50, 3),
    p99Ms: round(r.p99, 3),
    requests: r.requests,
    statuses: r.statuses,
    expectedStatus: scenario.expectedStatus,
    unexpected: r.unexpected,
    errors: r.errors,
  };
}

function ratiosOf(rows: readonly ThroughputRow[]): RatioRow[] {
  const ids = [...new Set(rows.map((r) => r.request))];
  return ids.map((id) => {
    const rps = (server: ServerName): number | undefined => rows.find((r) => r.request === id && r.server === server)?.rps;
    const mock = rps('mock');
    const over = (server: ServerName): number | null => {
      const other = rps(server);
      return mock === undefined || other === undefined || other === 0 ? null : round(mock / other, 3);
    };
    return {
      request: id,
      label: rows.find((r) => r.request === id)?.label ?? id,
      mockOverBare: over('bare'),
      mockOverPrism: over('prism'),
      mockOverPrismDynamic: over('prism-dynamic'),
    };
  });
}
