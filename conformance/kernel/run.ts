/**
 * `runSuite`: resolve the options, reach the target, let the API's profile prepare its run
 * (principals, disposable records), run the selected check groups in the profile's order, clean up
 * what the run created, sweep every recorded response, and return the result every report is drawn
 * from. Knows no API: everything API-specific comes from the profile (profile.ts).
 */
import { compileValidators, loadSpec, projectPath } from '../../src/contract/index.js';
import { learnTokens, redact, redactDeep, SecretBook } from './assertions/secrets.js';
import { documentedMessages } from './assertions/documented.js';
import { SetupError } from './errors.js';
import { createHttpClient } from './http/client.js';
import { operationLabel, truncate, type Exchange } from './http/exchange.js';
import { refuseSharedIdentities } from './identities.js';
import { resolveOptions, type ConformanceOptions } from './options.js';
import type { KernelRun, ProfileRun, SuiteProfile } from './profile.js';
import { CaseScope, Recorder } from './recorder.js';
import type { ExchangeRecord, RunResult } from './result.js';

/** Runs a profile's checks. Rejects with SetupError for bad usage, an unusable config or an unreachable target. */
export async function runSuite(profile: SuiteProfile, input: ConformanceOptions): Promise<RunResult> {
  const options = resolveOptions(
    input,
    profile.groups.map((g) => g.name),
  );
  const setup = profile.open(options);
  const startedAt = new Date();
  const started = performance.now();
  const spec = loadSpec(options.specFile ?? projectPath(profile.specFile));
  const validators = compileValidators(spec);
  const http = createHttpClient({ baseUrl: options.target, timeoutMs: options.timeoutMs, fetch: options.fetch ?? undefined });
  await probe(http.baseUrl, () => http.send({ method: 'GET', path: '/__mock/health' }, { subject: { kind: 'internal' }, principal: '-', caseId: 'setup' }));

  const secrets = new SecretBook();
  http.onExchange((exchange) => learnTokens(exchange.response?.json, secrets));
  const recorder = new Recorder({ readOnly: options.readOnly, documentedMessages: documentedMessages(spec.document) });
  const kernel: KernelRun = { spec, validators, options, http, recorder, secrets };
  const run = await setup.prepare(kernel);
  refuseSharedIdentities(run.identities, run.principalSource);

  for (const name of profile.executionOrder) if (options.only.includes(name)) await run.groups[name]?.run?.();
  const notes = [...run.notes, ...(await run.cleanup(new CaseScope(recorder, 'cleanup', 'lifecycle')))];
  for (const { name } of profile.groups) if (options.only.includes(name)) await run.groups[name]?.sweep?.();

  return buildResult(profile, kernel, run, { startedAt, durationMs: performance.now() - started, notes });
}

async function probe(target: string, send: () => Promise<Exchange>): Promise<void> {
  const exchange = await send();
  if (exchange.error) throw new SetupError(`Cannot reach ${target}: ${exchange.error}`);
}

function buildResult(
  profile: SuiteProfile,
  kernel: KernelRun,
  run: ProfileRun,
  timing: { startedAt: Date; durationMs: number; notes: readonly string[] },
): RunResult {
  const { recorder, options, spec, http, secrets } = kernel;
  const cases = recorder.cases;
  const count = (status: string, group?: string): number => cases.filter((c) => c.status === status && (!group || c.group === group)).length;
  const info = (spec.document.info ?? {}) as { version?: unknown };
  const failed = count('failed');
  return {
    runId: options.runId,
    api: profile.name,
    target: options.target,
    spec: { file: spec.file, version: typeof info.version === 'string' || typeof info.version === 'number' ? String(info.version) : '' },
    startedAt: timing.startedAt.toISOString(),
    durationMs: Math.round(timing.durationMs),
    options: { readOnly: options.readOnly, lenientMessages: options.lenientMessages, failOnSkip: options.failOnSkip, only: options.only },
    principalSource: run.principalSource,
    principals: run.principals,
    groups: profile.groups.map(({ name, title }) => ({
      name,
      title,
      selected: options.only.includes(name),
      passed: count('passed', name),
      failed: count('failed', name),
      skipped: count('skipped', name),
    })),
    cases,
    // Tokens can sit in a path (a token sent in the query) or a value a failure quotes.
    failures: redactDeep(recorder.failures, secrets),
    matrix: {
      operations: spec.operations.map((op) => ({ operationId: op.operationId, method: op.method, path: op.path })),
      principals: [...new Set(recorder.cells.map((c) => c.principal))],
      cells: recorder.cells,
    },
    exchanges: http.exchanges.map((e) => exchangeRecord(e, secrets)),
    notes: [...timing.notes, ...http.pacingNotes],
    hints: [...recorder.hints],
    totals: {
      cases: cases.length,
      passed: count('passed'),
      failed,
      skipped: count('skipped'),
      failures: recorder.failures.length,
      requests: http.exchanges.length,
    },
    exitCode: failed > 0 || (options.failOnSkip && count('skipped') > 0) ? 1 : 0,
  };
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
