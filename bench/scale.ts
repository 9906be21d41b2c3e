/**
 * Scale: the mock with a very large organization (100,000 users by default). Resident memory after
 * start and after listing, the latency of listing them all (sequential GETs, median), and the create
 * rate in successive batches as the store grows.
 */
import { getJson, send } from './http.js';
import { runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import { castFromPrincipals, scenarios } from './requests.js';
import type { CreateBatch, ScaleResult } from './results.js';
import { startMock } from './servers.js';
import { median, round } from './stats.js';

type Log = (line: string) => void;

export async function measureScale(options: BenchOptions, log: Log): Promise<ScaleResult> {
  const users = options.scaleUsers;
  log(`scale: starting the mock with --users ${users}`);
  const mock = await startMock({ users, seed: options.seed }, 600_000);
  try {
    const memoryAfterStart = mock.memory() ?? null;
    const cast = castFromPrincipals(await getJson(mock.baseUrl, '/__mock/principals'));
    const list = scenarios(cast, { forPrism: false, tag: 'scale' });
    const listing = list.find((s) => s.id === 'list-users');
    const create = list.find((s) => s.id === 'create-user');
    if (listing === undefined || create === undefined) throw new Error('no list or create scenario');

    const listRunsMs: number[] = [];
    let listBytes = 0;
    let listTotal = 0;
    for (let i = 0; i < options.listRuns; i++) {
      const started = performance.now();
      const res = await send(mock.baseUrl, listing, 120_000);
      listRunsMs.push(round(performance.now() - started, 1));
      if (res.status !== 200) throw new Error(`listing ${users} users answered ${res.status}`);
      if (i === 0) {
        listBytes = res.body.length;
        listTotal = Number((JSON.parse(res.body.toString('utf8')) as { total?: unknown }).total);
      }
    }
    const memoryAfterList = mock.memory() ?? null;
    log(`scale: listed ${listTotal} users, median ${Math.round(median(listRunsMs))} ms`);

    const createBatches: CreateBatch[] = [];
    let created = 0;
    for (let b = 0; b < options.scaleBatches; b++) {
      // Batches bounded in time, not in count: autocannon's `amount` runs end on a 1 s sampling
      // tick, which would cap short batches at their size per second.
      const r = await runLoad(mock.baseUrl, create, { connections: options.connections, duration: options.scaleBatchSeconds, rate: options.rate });
      if (r.unexpected + r.errors > r.requests * 0.01) {
        throw new Error(`create batch ${b + 1}: ${r.unexpected + r.errors} answers were not 201 (${JSON.stringify(r.statuses)})`);
      }
      createBatches.push({ usersBefore: listTotal + created, creates: r.requests, seconds: round(r.seconds, 3), rps: round(r.rps, 1) });
      created += r.requests;
    }
    return {
      users,
      startupMs: round(mock.startupMs, 1),
      memoryAfterStart: roundMemory(memoryAfterStart),
      listRunsMs,
      listMedianMs: round(median(listRunsMs), 1),
      listBytes,
      listTotal,
      memoryAfterList: roundMemory(memoryAfterList),
      createBatches,
      memoryAfterCreates: roundMemory(mock.memory() ?? null),
    };
  } finally {
    await mock.stop();
  }
}

function roundMemory<T extends { rssMb: number; hwmMb: number } | null>(m: T): T {
  return (m === null ? null : { rssMb: round(m.rssMb, 1), hwmMb: round(m.hwmMb, 1) }) as T;
}
