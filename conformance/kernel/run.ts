/**
 * `runConformance`: resolve the options and principals, run the selected check groups against the
 * target over HTTP, soft-delete what the run created, sweep every recorded response, and return
 * the result every report is drawn from.
 */
import { compileValidators, loadSpec, roleName } from '../../src/contract/index.js';
import { learnTokens, redact, redactDeep, SecretBook } from './assertions/secrets.js';
import { CHECK_GROUPS, EXECUTION_ORDER } from '../profiles/flashback/checks/index.js';
import { createHttpClient } from './http/client.js';
import { operationLabel, truncate, type Exchange } from './http/exchange.js';
import { pseudoActors } from '../profiles/flashback/principals/actors.js';
import { readConfigFile, readEnvironment } from '../profiles/flashback/principals/credentials.js';
import { CREDENTIAL_NAMES } from '../profiles/flashback/principals/names.js';
import { resolvePrincipals, type ResolvedPrincipals } from '../profiles/flashback/principals/resolve.js';
import { RunContext } from '../profiles/flashback/context.js';
import { SetupError } from './errors.js';
import { Fixtures } from '../profiles/flashback/fixtures.js';
import { GROUP_NAMES, GROUP_TITLES } from '../profiles/flashback/groups.js';
import { resolveOptions, type ConformanceOptions } from './options.js';
import { CaseScope, Recorder } from './recorder.js';
import type { ExchangeRecord, PrincipalReport, RunResult } from './result.js';

/** Runs the suite. Rejects with SetupError for bad usage, an unusable config or an unreachable target. */
export async function runConformance(input: ConformanceOptions): Promise<RunResult> {
  const options = resolveOptions(input);
  const startedAt = new Date();
  const started = performance.now();
  const spec = options.specFile ? loadSpec(options.specFile) : loadSpec();
  const validators = compileValidators(spec);
  const config = options.configFile ? readConfigFile(options.configFile) : null;
  const env = readEnvironment(options.env);
  const http = createHttpClient({ baseUrl: options.target, timeoutMs: options.timeoutMs, fetch: options.fetch ?? undefined });
  await probe(http.baseUrl, () => http.send({ method: 'GET', path: '/__mock/health' }, { subject: { kind: 'internal' }, principal: '-', caseId: 'setup' }));

  const principals = await resolvePrincipals({ http, spec, config, env, configFile: options.configFile });
  const secrets = new SecretBook();
  for (const p of principals.byName.values()) {
    secrets.add(p.password, `${p.name}'s password`);
    secrets.add(p.token, `${p.name}'s token`);
    secrets.add(p.refreshToken, `${p.name}'s refresh token`);
  }
  const pseudo = await pseudoActors(principals.byName.get('owner') ?? [...principals.byName.values()].find((p) => p.token));
  const fixtures = new Fixtures(options.runId, secrets);
  http.onExchange((exchange) => {
    fixtures.observe(exchange);
    learnTokens(exchange.response?.json, secrets);
  });
  const recorder = new Recorder({ readOnly: options.readOnly });
  const ctx = new RunContext(spec, validators, options, http, recorder, principals, pseudo, secrets, fixtures);

  for (const name of EXECUTION_ORDER) if (options.only.includes(name)) await CHECK_GROUPS[name].run?.(ctx);
  const notes = [...principals.notes];
  if (fixtures.createdCount > 0) notes.push(...(await fixtures.cleanup(ctx, new CaseScope(recorder, 'cleanup', 'lifecycle'))));
  for (const name of GROUP_NAMES) if (options.only.includes(name)) await CHECK_GROUPS[name].sweep?.(ctx);

  return buildResult(ctx, { startedAt, durationMs: performance.now() - started, notes });
}

async function probe(target: string, send: () => Promise<Exchange>): Promise<void> {
  const exchange = await send();
  if (exchange.error) throw new SetupError(`Cannot reach ${target}: ${exchange.error}`);
}

function buildResult(ctx: RunContext, run: { startedAt: Date; durationMs: number; notes: string[] }): RunResult {
  const { recorder, options, spec } = ctx;
  const cases = recorder.cases;
  const count = (status: string, group?: string): number => cases.filter((c) => c.status === status && (!group || c.group === group)).length;
  const info = (spec.document.info ?? {}) as { version?: unknown };
  const failed = count('failed');
  return {
    runId: options.runId,
    target: options.target,
    spec: { file: spec.file, version: typeof info.version === 'string' || typeof info.version === 'number' ? String(info.version) : '' },
    startedAt: run.startedAt.toISOString(),
    durationMs: Math.round(run.durationMs),
    options: { readOnly: options.readOnly, lenientMessages: options.lenientMessages, only: options.only },
    principalSource: ctx.principals.source,
    principals: principalReports(ctx.principals),
    groups: GROUP_NAMES.map((name) => ({
      name,
      title: GROUP_TITLES[name],
      selected: options.only.includes(name),
      passed: count('passed', name),
      failed: count('failed', name),
      skipped: count('skipped', name),
    })),
    cases,
    // Tokens can sit in a path (a token sent in the query) or a value a failure quotes.
    failures: redactDeep(recorder.failures, ctx.secrets),
    matrix: {
      operations: spec.operations.map((op) => ({ operationId: op.operationId, method: op.method, path: op.path })),
      principals: [...new Set(recorder.cells.map((c) => c.principal))],
      cells: recorder.cells,
    },
    exchanges: ctx.http.exchanges.map((e) => exchangeRecord(e, ctx.secrets)),
    notes: run.notes,
    totals: {
      cases: cases.length,
      passed: count('passed'),
      failed,
      skipped: count('skipped'),
      failures: recorder.failures.length,
      requests: ctx.http.exchanges.length,
    },
    exitCode: failed > 0 ? 1 : 0,
  };
}

function principalReports(resolved: ResolvedPrincipals): PrincipalReport[] {
  return CREDENTIAL_NAMES.map((name) => {
    const p = resolved.byName.get(name);
    if (!p) return { name, available: false, source: null, role: null, userId: null, orgId: null, note: 'not given' };
    const role = p.role === null ? 'none' : p.role === undefined ? 'unknown' : roleName(p.role);
    return { name, available: p.token !== null || p.password !== null, source: p.source, role, userId: p.userId, orgId: p.orgId, note: null };
  });
}

const MAX_BODY = 4_000;

function exchangeRecord(exchange: Exchange, secrets: SecretBook): ExchangeRecord {
  const r = exchange.response;
  const { bodySummary, ...request } = exchange.request;
  return redactDeep(
    {
      id: exchange.id,
      caseId: exchange.meta.caseId,
      principal: exchange.meta.principal,
      operation: operationLabel(exchange),
      request: { ...request, body: bodySummary },
      response: r ? { status: r.status, contentType: r.contentType, headers: r.headers, body: truncate(redact(r.text, secrets), MAX_BODY) } : null,
      error: exchange.error,
      durationMs: exchange.durationMs,
    },
    secrets,
  );
}
