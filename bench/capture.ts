/**
 * Captures the mock's answer to each benchmarked request, byte for byte, into the file the bare
 * server replays (bench/bare-server.mjs).
 */
import { writeFileSync } from 'node:fs';
import { send, type CapturedResponse } from './http.js';
import type { Scenario } from './requests.js';

export interface CapturedRoute {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
  readonly status: number;
  readonly statusMessage: string;
  readonly rawHeaders: readonly string[];
  /** Base64. */
  readonly body: string;
}

export async function captureRoutes(baseUrl: string, list: readonly Scenario[]): Promise<CapturedRoute[]> {
  const routes: CapturedRoute[] = [];
  for (const scenario of list) {
    const body = scenario.uniqueBody?.() ?? scenario.body;
    const res: CapturedResponse = await send(baseUrl, { ...scenario, body });
    if (res.status !== scenario.expectedStatus) {
      throw new Error(`${scenario.label} answered ${res.status}, expected ${scenario.expectedStatus}: ${res.body.toString('utf8').slice(0, 200)}`);
    }
    routes.push({
      method: scenario.method,
      path: scenario.path,
      authorization: scenario.headers['authorization'] ?? null,
      status: res.status,
      statusMessage: res.statusMessage,
      rawHeaders: res.rawHeaders,
      body: res.body.toString('base64'),
    });
  }
  return routes;
}

export function writeRoutes(file: string, routes: readonly CapturedRoute[]): void {
  writeFileSync(file, JSON.stringify({ routes }));
}
