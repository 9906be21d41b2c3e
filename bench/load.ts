/** Drives one request against one server with autocannon's programmatic API. */
import autocannon from 'autocannon';
import type { Scenario } from './requests.js';
import { LatencySample } from './stats.js';

export interface LoadSettings {
  readonly connections: number;
  /** Seconds. */
  readonly duration: number;
  /** A cap in requests/s over all connections; null or absent for none. */
  readonly rate?: number | null | undefined;
}

export interface LoadResult {
  /** Responses per second over the active period (first request sent to last response), or over
   *  the asked duration when a rate cap leaves gaps. */
  readonly rps: number;
  /** Milliseconds, all responses (errors included). */
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly seconds: number;
  /** Responses per status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Responses whose status is not the scenario's expected one. */
  readonly unexpected: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
}

export function runLoad(baseUrl: string, scenario: Scenario, settings: LoadSettings): Promise<LoadResult> {
  const latencies = new LatencySample();
  const request: autocannon.Request = {
    method: scenario.method,
    path: scenario.path,
    headers: { ...scenario.headers },
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
  };
  const unique = scenario.uniqueBody;
  if (unique !== undefined) request.setupRequest = (raw) => ({ ...raw, body: unique() });
  const options: autocannon.Options = {
    url: baseUrl,
    connections: settings.connections,
    duration: settings.duration,
    timeout: 30,
    // autocannon ends a run on its next sampling tick after `duration`, and keeps sending until
    // then; a 100 ms tick keeps short runs (the warm-ups, --tiny) close to the asked duration.
    sampleInt: 100,
    requests: [request],
    ...(settings.rate ? { overallRate: settings.rate } : {}),
  };
  return new Promise((resolve, reject) => {
    // The active period: from the first request's start to the last response's end.
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    const instance = autocannon(options, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      // Under a rate cap autocannon sends each second's share in a burst: count the whole run then.
      const active = last > first ? (last - first) / 1000 : Number.NaN;
      const seconds = settings.rate ? Math.max(active, settings.duration) : active;
      const statuses: Record<string, number> = {};
      let total = 0;
      for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
        statuses[code] = count;
        total += count;
      }
      const { p50, p99 } = latencies.summary();
      resolve({
        rps: total / seconds,
        p50,
        p99,
        requests: total,
        seconds,
        statuses,
        unexpected: total - (statuses[String(scenario.expectedStatus)] ?? 0),
        errors: result.errors + result.timeouts,
      });
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      const now = performance.now();
      if (now - responseTime < first) first = now - responseTime;
      last = now;
      latencies.add(responseTime);
    });
  });
}
