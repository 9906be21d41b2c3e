/**
 * The spec-driven fuzzer (W3, issue 12): for every operation of an API, requests as the principals
 * allowed to reach its body (callers.ts), with bodies, query strings and path parameters broken from
 * the operation's own schemas (schema-breaker.ts), sent over a real socket to the mock started
 * in-process on 127.0.0.1. Seeded (the same seed sends the same requests) and bounded in count and
 * time. What it holds the mock to:
 *
 * - never a 5xx (no faults are configured, so any 5xx is unplanned), and nothing reported as an
 *   internal error; an answer to an operation is a status that operation documents, JSON, in the
 *   body its spec gives for that status (the API's error envelope for an error);
 * - the server stays up (every request is answered; health answers at the end);
 * - a rejected write changes nothing: on a sample of writes, the state (`GET /__mock/state`) is
 *   read before and after, and for an answer of 400 or more it must be byte for byte the same.
 *
 * Depth is counted (stages.ts): how many requests reached routing, auth, validation and the handler,
 * per operation. Path parameters that once led a request to the handler are reused, so that the
 * checks behind the body get their share; the mock is reset every RESET_EVERY requests so that the
 * destructive operations (deleting an organization, signing out) do not leave the rest locked out.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { compileValidators, describeSchemaErrors, loadSpec, projectPath, type LoadedSpec, type OperationSpec } from '../../src/contract/index.js';
import type { ApiDefinition } from '../../src/engine/api-definition.js';
import { seededRandom } from '../../src/server/faults.js';
import { startServer } from '../../src/server/index.js';
import { accessFacts, callersOf, reachesBody, type Caller, type ListedPrincipal } from './callers.js';
import { bodyBreaker, pick, queryFor, type BodyBreaker, type FuzzBody, type Random } from './schema-breaker.js';
import { observedApi, StageCounts, STAGES, type PlantedCrash, type StageRow } from './stages.js';

export interface FuzzOptions {
  readonly definition: ApiDefinition;
  readonly seed: number;
  /** How many requests to send (the bound). */
  readonly requests: number;
  /** A safety bound: stop sending after this long even if `requests` are not all sent. */
  readonly timeLimitMs: number;
  /** A crash to plant in the API (a test that the fuzzer catches one). */
  readonly plant?: PlantedCrash | null;
  /** Check the state around one write in this many (0: never). */
  readonly stateCheckEvery?: number;
  /** Stop at the first failure (a planted crash needs no more). */
  readonly stopAtFirstFailure?: boolean;
  /** Where to keep the state on disk, to fuzz with the state file's writes too; null: in memory. */
  readonly stateFile?: string | null;
}

export interface OperationReport {
  /** The operation documents a request body. */
  readonly takesBody: boolean;
  readonly sent: number;
  /** Sent as a caller x-access lets reach the body. */
  readonly sentAllowed: number;
  readonly stages: StageRow;
  readonly statuses: ReadonlyMap<number, number>;
}

export interface FuzzReport {
  readonly api: string;
  readonly seed: number;
  readonly sent: number;
  readonly statuses: ReadonlyMap<number, number>;
  readonly operations: ReadonlyMap<string, OperationReport>;
  readonly stages: StageRow;
  /** Rejected writes whose state was compared before and after. */
  readonly stateChecks: number;
  /** What broke the contract; empty for a clean run (the first MAX_LISTED, with the total in `failureCount`). */
  readonly failures: readonly string[];
  readonly failureCount: number;
}

const MAX_LISTED = 50;
const RESET_EVERY = 150;
/** The share of requests sent as a caller allowed to reach the body; the rest go as anyone (other principals, nobody, junk credentials). */
const ALLOWED_SHARE = 0.8;
const REQUEST_TIMEOUT_MS = 15_000;

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

function send(url: string, agent: Agent, method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const all: Record<string, string | number> = { ...headers };
    if (body !== undefined) all['content-length'] = Buffer.byteLength(body);
    const req = httpRequest(`${url}${path}`, { method, headers: all, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** An id or token found in the state or the principal listing, with the collection and key it was found under (`invitations`, `id`). */
interface FoundId {
  readonly collection: string;
  readonly key: string;
  readonly value: string;
}

/** Strings of the state and the principal listing that look like ids or tokens: the pool path parameters draw real values from. */
function harvestIds(value: unknown, into: FoundId[], collection = '', key = ''): void {
  if (typeof value === 'string') {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(value) || /(id|token)$/i.test(key)) into.push({ collection, key, value });
  } else if (Array.isArray(value)) {
    for (const item of value) harvestIds(item, into, key, key);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) harvestIds(v, into, typeof v === 'object' && v !== null && !Array.isArray(v) ? k : collection, k);
  }
}

const bare = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The ids that may fit a path parameter: a `{token}` takes tokens; any other parameter takes the `id`s
 * of the collection named like the path segment before it (`/invitations/{id}`: the invitations').
 */
function idsFitting(pool: readonly FoundId[], path: string, param: string): string[] {
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  const before = bare(at > 0 ? (segments[at - 1] ?? '') : '');
  if (/token$/i.test(param)) return pool.filter((f) => /token$/i.test(f.key)).map((f) => f.value);
  const named = (c: string): boolean => c !== '' && (c === before || `${c}s` === before || c === `${before}s`);
  return pool.filter((f) => f.key === 'id' && named(bare(f.collection))).map((f) => f.value);
}

/** Path parameter values that are not ids: empty, long, encoded slashes, dots, NUL, unicode. */
const JUNK_PARAMS = [
  'x',
  'x'.repeat(300),
  '%00',
  '%2F',
  '..',
  '%2E%2E',
  '__proto__',
  'constructor',
  '%F0%9F%98%80',
  '%E2%80%AE',
  '123e4567-e89b-12d3-a456-42661417400',
  '00000000-0000-0000-0000-000000000000',
  'ZZZZZZZZ-ZZZZ-4ZZZ-8ZZZ-ZZZZZZZZZZZZ',
  '%',
  '%ZZ',
  '1;DROP',
  '-1',
  '1e308',
];

function bodyOnTheWire(body: FuzzBody): { text: string | undefined; contentType: string | null } {
  if (body.kind === 'none') return { text: undefined, contentType: null };
  if (body.kind === 'json') return { text: JSON.stringify(body.value) ?? 'null', contentType: 'application/json' };
  return { text: body.text, contentType: body.contentType };
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Runs the fuzzer against a fresh in-process mock of `definition`; the server is closed before it returns. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { definition, seed } = options;
  const spec: LoadedSpec = loadSpec(projectPath(definition.specFile));
  const validators = compileValidators(spec);
  const counts = new StageCounts();
  const reported: string[] = [];
  const api = observedApi(definition.create({ seed, extraUsers: 5, tokenTtlSeconds: 3600, rateLimit: null }, spec), counts, options.plant ?? null);
  const server = await startServer({
    definition,
    spec,
    api,
    seed,
    users: 5,
    host: '127.0.0.1',
    port: 0,
    rateLimit: null,
    stateFile: options.stateFile ?? null,
    reportError: (message) => void reported.push(message.split('\n')[0] ?? message),
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const random: Random = seededRandom(seed);
  const failures: string[] = [];
  let failureCount = 0;
  const fail = (message: string): void => {
    failureCount += 1;
    if (failures.length < MAX_LISTED) failures.push(message);
  };
  const facts = accessFacts(spec, definition.name);
  const breakers = new Map<string, BodyBreaker>(spec.operations.map((op) => [op.operationId, bodyBreaker(spec, op)]));
  const perOp = new Map<string, { sent: number; sentAllowed: number; statuses: Map<number, number> }>(
    spec.operations.map((op) => [op.operationId, { sent: 0, sentAllowed: 0, statuses: new Map() }]),
  );
  /** Path parameters that led a request of the operation to its handler, to send again with other bodies. */
  const goodParams = new Map<string, Record<string, string>[]>();
  const statuses = new Map<number, number>();
  let callers: Caller[] = [];
  let ids: FoundId[] = [];
  /** Per operation and parameter, the pool's ids that fit it (idsFitting), worked out once per refresh. */
  let fitting = new Map<string, string[]>();
  let stateChecks = 0;
  let writes = 0;
  let sent = 0;

  const control = async (method: string, path: string): Promise<unknown> => {
    const answer = await send(server.url, agent, method, path, {}, undefined);
    if (answer.status !== 200) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    return JSON.parse(answer.text) as unknown;
  };
  const refresh = async (): Promise<void> => {
    const listing = (await control('GET', '/__mock/principals')) as { principals: ListedPrincipal[] };
    callers = callersOf(spec, listing.principals);
    const pool: FoundId[] = [];
    harvestIds(listing, pool);
    harvestIds(await control('GET', '/__mock/state'), pool);
    ids = pool;
    fitting = new Map(spec.operations.flatMap((op) => op.pathParams.map((p) => [`${op.operationId} ${p}`, idsFitting(pool, op.path, p)] as const)));
  };

  function paramsFor(op: OperationSpec, caller: Caller): Record<string, string> {
    const good = goodParams.get(op.operationId);
    if (good && random() < 0.5) return pick(random, good);
    const params: Record<string, string> = {};
    for (const name of op.pathParams) {
      const roll = random();
      const own = caller.principal;
      const fit = fitting.get(`${op.operationId} ${name}`) ?? [];
      if (op.access.tenant?.param === name && own?.orgId && roll < 0.7) params[name] = encodeURIComponent(own.orgId);
      else if (roll < 0.6 && fit.length > 0) params[name] = encodeURIComponent(pick(random, fit));
      else if (roll < 0.8 && ids.length > 0) params[name] = encodeURIComponent(pick(random, ids).value);
      else params[name] = pick(random, JUNK_PARAMS);
    }
    return params;
  }

  const junkCallers: Caller[] = [
    { label: 'junk bearer', kind: null, headers: { authorization: 'Bearer not.a.token' }, principal: null },
    { label: 'bearer without token', kind: null, headers: { authorization: 'Bearer ' }, principal: null },
    { label: 'basic auth', kind: null, headers: { authorization: 'Basic b3duZXI6cHc=' }, principal: null },
    { label: 'unicode bearer', kind: null, headers: { authorization: 'Bearer \u00ff\u00fe' }, principal: null },
  ];

  const started = Date.now();
  try {
    await refresh();
    for (let i = 0; i < options.requests; i++) {
      if (Date.now() - started > options.timeLimitMs) break;
      if (options.stopAtFirstFailure && failureCount > 0) break;
      if (i > 0 && i % RESET_EVERY === 0) {
        await control('POST', '/__mock/reset');
        goodParams.clear();
        await refresh();
      }
      const op = pick(random, spec.operations);
      const allowed = callers.filter((c) => reachesBody(spec, op, c, facts));
      const asAllowed = allowed.length > 0 && random() < ALLOWED_SHARE;
      const caller = asAllowed ? pick(random, allowed) : random() < 0.8 ? pick(random, callers) : pick(random, junkCallers);
      const params = paramsFor(op, caller);
      const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => params[name] ?? '') + queryFor(spec, op, random);
      const body: FuzzBody = (breakers.get(op.operationId) as BodyBreaker).next(random);
      // An operation without a body is sent one now and then: it must ignore it.
      const wire = op.requestBody || random() >= 0.1 ? bodyOnTheWire(body) : { text: '{"unexpected":true}', contentType: 'application/json' };
      const headers: Record<string, string> = { ...caller.headers };
      if (wire.contentType !== null) headers['content-type'] = wire.contentType;
      if (random() < 0.05) headers['x-request-id'] = pick(random, ['', 'x'.repeat(500), 'a b', '\u00e9']);

      const checkState = op.method !== 'GET' && (options.stateCheckEvery ?? 0) > 0 && writes++ % (options.stateCheckEvery ?? 1) === 0;
      const before = checkState ? await send(server.url, agent, 'GET', '/__mock/state', {}, undefined) : null;

      counts.last = null;
      let answer: Answer;
      const where = `#${i} ${op.method} ${path.slice(0, 120)} as ${caller.label}, body ${body.kind === 'none' ? 'none' : body.label}`;
      try {
        answer = await send(server.url, agent, op.method, path, headers, wire.text);
      } catch (error) {
        fail(`${where}: no answer (${(error as Error).message})`);
        continue;
      }
      sent += 1;
      bump(statuses, answer.status);
      const entry = perOp.get(op.operationId) as { sent: number; sentAllowed: number; statuses: Map<number, number> };
      entry.sent += 1;
      if (asAllowed) entry.sentAllowed += 1;
      bump(entry.statuses, answer.status);
      if (counts.last === 'handler') {
        const list = goodParams.get(op.operationId) ?? [];
        if (list.length < 20) list.push(params);
        goodParams.set(op.operationId, list);
      }

      for (const problem of answerProblems(op, counts.last !== null, answer, validators)) fail(`${where}: ${problem}`);
      while (reported.length > 0) fail(`${where}: the mock reported an internal error: ${reported.shift() ?? ''}`);

      if (before && answer.status >= 400) {
        const after = await send(server.url, agent, 'GET', '/__mock/state', {}, undefined);
        stateChecks += 1;
        const changed = stateDifference(before.text, after.text);
        if (changed !== null) fail(`${where}: answered ${answer.status}, yet the state changed at ${changed} (a half-written rejected write)`);
      }
    }
    const health = await send(server.url, agent, 'GET', '/__mock/health', {}, undefined).catch((error: Error) => ({ status: 0, text: error.message }));
    if (health.status !== 200) fail(`the server is down after the run: health answered ${health.status} ${health.text.slice(0, 100)}`);
  } finally {
    agent.destroy();
    await server.close();
  }

  const operations = new Map<string, OperationReport>();
  for (const op of spec.operations) {
    const entry = perOp.get(op.operationId) as { sent: number; sentAllowed: number; statuses: Map<number, number> };
    operations.set(op.operationId, { ...entry, takesBody: op.requestBody !== null, stages: counts.row(op.operationId) });
  }
  return { api: definition.name, seed, sent, statuses, operations, stages: counts.total(), stateChecks, failures, failureCount };
}

/**
 * Where two states differ (a JSON path), or null when they are the same. An API key's `lastUsedAt`
 * is left out: using a key is recorded on every request it authenticates, accepted or not (Tours
 * TA6), and is not a write of the request.
 */
function stateDifference(before: string, after: string): string | null {
  const walk = (a: unknown, b: unknown, at: string): string | null => {
    if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) ? null : at;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (key === 'lastUsedAt') continue;
      const found = walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
      if (found !== null) return found;
    }
    return null;
  };
  return before === after ? null : walk(JSON.parse(before), JSON.parse(after), '$');
}

/** What is wrong with one answer: a 5xx, an undocumented status, a body outside the documented schema, a non-JSON answer. */
function answerProblems(op: OperationSpec, routed: boolean, answer: Answer, validators: ReturnType<typeof compileValidators>): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`unplanned ${answer.status}: ${answer.text.slice(0, 200)}`);
  const contentType = answer.headers['content-type'];
  if (contentType !== 'application/json; charset=utf-8') problems.push(`content-type ${String(contentType)}, not JSON`);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    problems.push(`a body that is not JSON: ${answer.text.slice(0, 100)}`);
    return problems;
  }
  if (!routed) {
    // The path matched no operation (an empty or slash-bearing parameter): the router's 404 or 405, or Node's 400.
    if (![400, 404, 405].includes(answer.status)) problems.push(`${answer.status} for a request that reached no operation`);
    return problems;
  }
  if (!op.responses.has(answer.status)) {
    problems.push(`${op.operationId} does not document ${answer.status}: ${answer.text.slice(0, 200)}`);
    return problems;
  }
  const validate = validators.response(op.operationId, answer.status);
  if (validate && !validate(body))
    problems.push(`${answer.status} body outside its schema (${describeSchemaErrors(validate.errors)}): ${answer.text.slice(0, 200)}`);
  return problems;
}

/** The report as text: totals, statuses, and per operation the stages reached. */
export function formatReport(report: FuzzReport): string {
  const lines: string[] = [];
  const statusText = (m: ReadonlyMap<number, number>): string =>
    [...m.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
  lines.push(
    `api ${report.api}, seed ${report.seed}: ${report.sent} requests, ${report.failureCount} failures, ${report.stateChecks} rejected writes state-checked`,
  );
  lines.push(`statuses ${statusText(report.statuses)}`);
  lines.push(`stages   ${STAGES.map((s) => `${s} ${report.stages[s]}`).join(', ')}`);
  const width = Math.max(...[...report.operations.keys()].map((k) => k.length));
  lines.push(`${'operation'.padEnd(width)}  sent allowed routing   auth  valid handler  statuses`);
  for (const [id, op] of report.operations) {
    const n = (v: number, w: number): string => String(v).padStart(w);
    lines.push(
      `${id.padEnd(width)} ${n(op.sent, 5)} ${n(op.sentAllowed, 7)} ${n(op.stages.routing, 7)} ${n(op.stages.auth, 6)} ${n(op.stages.validation, 6)} ${n(op.stages.handler, 7)}  ${statusText(op.statuses)}`,
    );
  }
  for (const failure of report.failures) lines.push(`FAIL ${failure}`);
  if (report.failureCount > report.failures.length) lines.push(`... and ${report.failureCount - report.failures.length} more failures`);
  return lines.join('\n');
}
