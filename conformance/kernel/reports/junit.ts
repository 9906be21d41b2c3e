/**
 * `--junit FILE`: one <testsuite> per check group, one <testcase> per case; a failed case carries
 * one <failure> whose message is the first failure and whose text lists them all with requests.
 * Under `--fail-on-skip`, skipped cases also fail one more case, `no check skipped`, so that the
 * file agrees with the exit code. A run that stopped before its end (its deadline, a target that
 * stopped answering) has one more errored case, `run completed`, saying why. A run that could not
 * start is one errored `setup` case (`formatJunitSetupError`).
 */
import type { Failure } from '../failure.js';
import type { CaseResult, RunResult, SetupFailure } from '../result.js';
import { summarizeSkips } from './grouping.js';

export function formatJunitReport(result: RunResult): string {
  const failures = new Map(result.failures.map((f) => [f.id, f]));
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const t = result.totals;
  const skipFails = result.options.failOnSkip && t.skipped > 0;
  const stopped = result.incomplete !== undefined ? 1 : 0;
  out.push(
    `<testsuites name="conformance" tests="${t.cases + (skipFails ? 1 : 0) + stopped}" failures="${t.failed + (skipFails ? 1 : 0)}" skipped="${t.skipped}" errors="${stopped}" time="${seconds(result.durationMs)}" timestamp="${attr(result.startedAt)}">`,
  );
  for (const { name: group } of result.groups) {
    const cases = result.cases.filter((c) => c.group === group);
    if (cases.length === 0) continue;
    const failed = cases.filter((c) => c.status === 'failed').length;
    const skipped = cases.filter((c) => c.status === 'skipped').length;
    const time = cases.reduce((ms, c) => ms + c.durationMs, 0);
    out.push(
      `  <testsuite name="${group}" tests="${cases.length}" failures="${failed}" skipped="${skipped}" errors="0" time="${seconds(time)}" timestamp="${attr(result.startedAt)}">`,
    );
    out.push('    <properties>');
    out.push(`      <property name="target" value="${attr(result.target)}"/>`);
    out.push(`      <property name="runId" value="${attr(result.runId)}"/>`);
    out.push('    </properties>');
    for (const c of cases) out.push(...testcase(c, failures, result));
    out.push('  </testsuite>');
  }
  if (skipFails) out.push(...skippedCase(result));
  if (result.incomplete !== undefined) out.push(...stoppedCase(result.incomplete, result.startedAt));
  out.push('</testsuites>', '');
  return out.join('\n');
}

/** A run that stopped before its end: one errored case saying why (exit 2). */
function stoppedCase(reason: string, startedAt: string): string[] {
  return [
    `  <testsuite name="run" tests="1" failures="0" skipped="0" errors="1" time="0.000" timestamp="${attr(startedAt)}">`,
    '    <testcase classname="conformance.run" name="run completed" time="0.000">',
    `      <error type="RunStopped" message="${attr(reason)}">${text(`The run stopped before its end (exit 2); the checks above are those that ran: ${reason}`)}</error>`,
    '    </testcase>',
    '  </testsuite>',
  ];
}

/** `--fail-on-skip`: one failed case that counts the skips by reason. */
function skippedCase(result: RunResult): string[] {
  const summary = summarizeSkips(result);
  const message = `${summary.skipped} of ${summary.total} checks were skipped, and --fail-on-skip makes that a failure`;
  const details = [
    ...summary.reasons.map((r) => `${r.count} × ${r.reason}`),
    ...(summary.missing.length ? [`Principals not given: ${summary.missing.join(', ')}`] : []),
  ].join('\n');
  return [
    `  <testsuite name="skips" tests="1" failures="1" skipped="0" errors="0" time="0.000" timestamp="${attr(result.startedAt)}">`,
    `    <testcase classname="conformance.skips" name="no check skipped (--fail-on-skip)" time="0.000">`,
    `      <failure type="skipped" message="${attr(message)}">${text(details)}</failure>`,
    '    </testcase>',
    '  </testsuite>',
  ];
}

/** A run that could not start (a SetupError): one suite, one errored case `setup` carrying the reason. */
export function formatJunitSetupError(error: SetupFailure): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="conformance" tests="1" failures="0" skipped="0" errors="1" time="0.000" timestamp="${attr(error.startedAt)}">`,
    `  <testsuite name="setup" tests="1" failures="0" skipped="0" errors="1" time="0.000" timestamp="${attr(error.startedAt)}">`,
    ...(error.target ? ['    <properties>', `      <property name="target" value="${attr(error.target)}"/>`, '    </properties>'] : []),
    '    <testcase classname="conformance.setup" name="setup" time="0.000">',
    `      <error type="SetupError" message="${attr(error.message)}">${text(`The conformance run could not start (exit 2): ${error.message}`)}</error>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(c: CaseResult, failures: ReadonlyMap<number, Failure>, result: RunResult): string[] {
  const open = `    <testcase classname="conformance.${c.group}" name="${attr(c.name)}" time="${seconds(c.durationMs)}"`;
  if (c.status === 'passed') return [`${open}/>`];
  if (c.status === 'skipped') return [`${open}>`, `      <skipped message="${attr(c.skipReason ?? '')}"/>`, '    </testcase>'];
  const list = c.failureIds.map((id) => failures.get(id)).filter((f): f is Failure => f !== undefined);
  const first = list[0];
  const details = list.map((f) => describe(f, result)).join('\n\n');
  return [
    `${open}>`,
    `      <failure type="${attr(first?.kind ?? 'failure')}" message="${attr(first?.message ?? 'failed')}">${text(details)}</failure>`,
    '    </testcase>',
  ];
}

function describe(f: Failure, result: RunResult): string {
  const lines = [`[${f.kind}] ${f.message}`, `principal: ${f.principal}`];
  if (f.request) lines.push(`request: ${f.request.method} ${f.request.path}${f.request.body ? ` ${f.request.body}` : ''}`);
  const exchange = f.exchangeId === null ? undefined : result.exchanges[f.exchangeId - 1];
  if (exchange?.response) lines.push(`response: ${exchange.response.status} ${exchange.response.body}`);
  else if (exchange?.error) lines.push(`response: none (${exchange.error})`);
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// XML 1.0 allows only these characters; anything else from a response body is dropped.
// eslint-disable-next-line no-control-regex -- the point: the characters XML 1.0 cannot hold, control characters among them
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string): string {
  return value.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
