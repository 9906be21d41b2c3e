/**
 * Start-up: milliseconds from spawning a server's node process to its first 2xx answer (polled every
 * 10 ms), the median of several spawns. The servers take turns so that a burst of load on the shared
 * machine does not land on one server's runs only.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchOptions } from './options.js';
import type { StartupRow } from './results.js';
import { mockAvailable, startBare, startMock, startPrism, type ServerHandle } from './servers.js';
import { median, round } from './stats.js';

type Log = (line: string) => void;

export async function measureStartup(options: BenchOptions, workDir: string, log: Log): Promise<StartupRow[]> {
  const emptyRoutes = path.join(workDir, 'startup-routes.json');
  writeFileSync(emptyRoutes, JSON.stringify({ routes: [] }));
  const starters: { server: StartupRow['server']; start: () => Promise<ServerHandle> }[] = [];
  if (options.only.includes('mock') && mockAvailable()) {
    starters.push({ server: 'mock', start: () => startMock({ users: options.users, seed: options.seed }) });
  }
  if (options.only.includes('prism') || options.only.includes('prism-dynamic')) {
    starters.push({ server: 'prism', start: () => startPrism(false) });
  }
  if (options.only.includes('bare')) starters.push({ server: 'bare', start: () => startBare(emptyRoutes) });

  const runs = new Map<StartupRow['server'], number[]>(starters.map((s) => [s.server, []]));
  for (let i = 0; i < options.startupRuns; i++) {
    for (const { server, start } of starters) {
      const handle = await start();
      await handle.stop();
      runs.get(server)?.push(round(handle.startupMs, 1));
    }
  }
  const rows = starters.map(({ server }) => {
    const runsMs = runs.get(server) ?? [];
    return { server, runsMs, medianMs: round(median(runsMs), 1) };
  });
  for (const r of rows) log(`start-up ${r.server}: median ${Math.round(r.medianMs)} ms`);
  return rows;
}
