/**
 * Writes with `--state-file`: the create rate of a mock that persists its state before answering,
 * next to the create rate of a fresh in-memory mock, with the same settings.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { getJson } from './http.js';
import { runLoad, type LoadResult } from './load.js';
import type { BenchOptions } from './options.js';
import { castFromPrincipals, scenarios } from './requests.js';
import type { StateFileResult } from './results.js';
import { startMock } from './servers.js';
import { round } from './stats.js';

type Log = (line: string) => void;

export async function measureStateFile(options: BenchOptions, workDir: string, log: Log): Promise<StateFileResult> {
  const stateFile = path.join(workDir, 'state.json');
  const inMemory = await createRun(options, undefined);
  log(`state-file: in memory ${Math.round(inMemory.rps)} creates/s`);
  const persisted = await createRun(options, stateFile);
  log(`state-file: with --state-file ${Math.round(persisted.rps)} creates/s`);
  let fileBytes: number | null = null;
  try {
    fileBytes = statSync(stateFile).size;
  } catch {
    // The mock may write elsewhere or lazily; the rate is what matters.
  }
  return {
    inMemoryRps: round(inMemory.rps, 1),
    stateFileRps: round(persisted.rps, 1),
    ratio: round(persisted.rps / inMemory.rps, 3),
    inMemoryP99Ms: round(inMemory.p99, 3),
    stateFileP99Ms: round(persisted.p99, 3),
    creates: persisted.requests,
    fileBytes,
  };
}

async function createRun(options: BenchOptions, stateFile: string | undefined): Promise<LoadResult> {
  const mock = await startMock({ users: options.users, seed: options.seed, stateFile });
  try {
    const cast = castFromPrincipals(await getJson(mock.baseUrl, '/__mock/principals'));
    const create = scenarios(cast, { forPrism: false, tag: stateFile === undefined ? 'mem' : 'file' }).find((s) => s.id === 'create-user');
    if (create === undefined) throw new Error('no create scenario');
    const settings = { connections: options.connections, rate: options.rate };
    if (options.warmup > 0) await runLoad(mock.baseUrl, create, { ...settings, duration: options.warmup });
    const result = await runLoad(mock.baseUrl, create, { ...settings, duration: options.duration });
    if (result.unexpected + result.errors > result.requests * 0.01) {
      throw new Error(`creates${stateFile === undefined ? '' : ' with a state file'} answered ${JSON.stringify(result.statuses)}`);
    }
    return result;
  } finally {
    await mock.stop();
  }
}
