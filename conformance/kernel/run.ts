/**
 * `runSuite`: resolve the options, reach the target, let the API's profile prepare its run
 * (principals, disposable records), run the selected check groups in the profile's order, clean up
 * what the run created, sweep every recorded response, and return the result every report is drawn
 * from. Knows no API: everything API-specific comes from the profile (profile.ts).
 *
 * A run guard (run-guard.ts) bounds it in time: once its deadline passes or the target stops
 * answering, no request goes out; the groups not run are left out, the sweeps look at what was
 * recorded, and the result is marked incomplete (exit 2) with the reason.
 */
import { compileValidators, loadSpec, projectPath } from '../../src/contract/index.js';
import { learnTokens, redact, redactDeep, SecretBook } from './assertions/secrets.js';
import { documentedMessages } from './assertions/documented.js';
import { RunStopped, SetupError } from './errors.js';
import { createHttpClient } from './http/client.js';
import { EXCERPT_CHARS } from './http/kept-bodies.js';
import { operationLabel, truncate, type Exchange } from './http/exchange.js';
import { refuseSharedIdentities } from './identities.js';
import { resolveOptions, type ConformanceOptions } from './options.js';
import type { KernelRun, ProfileRun, SuiteProfile } from './profile.js';
import type { ProgressEvent } from './progress.js';
import { CaseScope, Recorder } from './recorder.js';
import { RunGuard } from './run-guard.js';
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
  const guard = new RunGuard({ deadlineMs: options.deadlineMs, maxUnanswered: options.maxUnanswered, timeoutMs: options.timeoutMs });
  try {
    const elapsed = (): number => Math.round(performance.now() - started);
    const emit = (event: ProgressEvent): void => options.onProgress?.(event);
    const http = createHttpClient({
      baseUrl: options.target,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch ?? undefined,
      maxBodyBytes: options.maxBodyBytes,
      controlToken: options.controlToken,
      guard,
    });
    http.onExchange(() => emit({ type: 'request', requests: http.exchanges.length, elapsedMs: elapsed() }));
    const secrets = new SecretBook();
    http.onExchange((exchange) => learnTokens(exchange.response?.json, secrets));
    const recorder = new Recorder({ readOnly: options.readOnly, documentedMessages: documentedMessages(spec.document) });
    const kernel: KernelRun = { spec, validators, options, http, recorder, secrets };
    // Before any check, a stop is a setup problem: there is nothing to report yet.
    const run = await asSetup(async () => {
      await probe(http.baseUrl, () => http.send({ method: 'GET', path: '/__mock/health' }, { subject: { kind: 'internal' }, principal: '-', caseId: 'setup' }));
      return setup.prepare(kernel);
    });
    refuseSharedIdentities(run.identities, run.principalSource);

    let stopped: string | null = null;
    /** Runs `step`; a RunStopped ends it and is remembered, anything else goes on up. */
    const untilStopped = async (step: () => Promise<unknown>): Promise<void> => {
      try {
        await step();
      } catch (err) {
        if (!(err instanceof RunStopped)) throw err;
        stopped ??= err.message;
      }
    };
    const selected = profile.executionOrder.filter((name) => options.only.includes(name));
    for (const [i, group] of selected.entries()) {
      const place = { group, index: i + 1, count: selected.length };
      emit({ type: 'group-start', ...place, elapsedMs: elapsed() });
      await untilStopped(async () => run.groups[group]?.run?.());
      const cases = recorder.cases.filter((c) => c.group === group);
      emit({ type: 'group-end', ...place, checks: cases.length, failed: cases.filter((c) => c.status === 'failed').length, elapsedMs: elapsed() });
      if (stopped !== null) break;
    }
    const notes = [...run.notes];
    emit({ type: 'phase', phase: 'cleanup', elapsedMs: elapsed() });
    if (stopped === null) await untilStopped(async () => notes.push(...(await run.cleanup(new CaseScope(recorder, 'cleanup', 'lifecycle')))));
    if (stopped !== null)
      notes.push(`Not cleaned up: the run stopped before its clean-up was done; what run ${options.runId} created on the target may remain.`);
    // The sweeps read what was recorded; one that needs a request after a stop ends there, and the next runs.
    emit({ type: 'phase', phase: 'sweeps', elapsedMs: elapsed() });
    for (const { name } of profile.groups) if (options.only.includes(name)) await untilStopped(async () => run.groups[name]?.sweep?.());

    const keptNote = http.keptBodiesNote;
    return buildResult(profile, kernel, run, {
      startedAt,
      durationMs: performance.now() - started,
      notes: keptNote ? [...notes, keptNote] : notes,
      incomplete: stopped,
    });
  } finally {
    guard.dispose();
  }
}

/** A RunStopped before the checks began is a SetupError (exit 2, one line, the setup reports). */
async function asSetup<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof RunStopped) throw new SetupError(err.message);
    throw err;
  }
}

async function probe(target: string, send: () => Promise<Exchange>): Promise<void> {
  const exchange = await send();
  if (exchange.error) throw new SetupError(`Cannot reach ${target}: ${exchange.error}`);
}

function buildResult(
  profile: SuiteProfile,
  kernel: KernelRun,
  run: ProfileRun,
  timing: { startedAt: Date; durationMs: number; notes: readonly string[]; incomplete: string | null },
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
    ...(timing.incomplete === null ? {} : { incomplete: timing.incomplete }),
    exitCode: timing.incomplete !== null ? 2 : failed > 0 || (options.failOnSkip && count('skipped') > 0) ? 1 : 0,
  };
}

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
      response: r ? { status: r.status, contentType: r.contentType, headers: r.headers, body: truncate(redact(r.text, secrets), EXCERPT_CHARS) } : null,
      error: exchange.error,
      durationMs: exchange.durationMs,
    },
    secrets,
  );
}
