/** Drives one request against one server with autocannon's programmatic API. */
import autocannon from 'autocannon';
import type { Scenario } from './requests.js';
import { LatencySample } from './stats.js';

export interface LoadSettings {
  readonly connections: number;
  /** Seconds; ignored when `amount` is set. */
  readonly duration: number;
  /** Stop after this many requests instead of after `duration`. */
  readonly amount?: number | undefined;
}

export interface LoadResult {
  /** Responses per second over the whole run. */
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
    requests: [request],
    ...(settings.amount === undefined ? {} : { amount: settings.amount }),
  };
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const instance = autocannon(options, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      const seconds = (performance.now() - startedAt) / 1000;
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
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.add(responseTime));
  });
}
