/**
 * The console summary: counts per group, then the failures grouped by kind (missing or ignored
 * auth, wrong role, wrong tenant, envelope or schema, business rule, robustness), each with
 * `Received ... Expected ... (reason)`, the principal and the request, and last the message
 * differences folded by cause; then the skips (loud, with how to run them), notes and hints. The
 * last line is the verdict.
 */
import { FAILURE_KINDS, KIND_TITLES, type Failure } from '../failure.js';
import type { RunResult } from '../result.js';
import { preview } from '../text.js';
import { foldMessages, groupFailures, groupSkips, summarizeSkips, type MessageFold } from './grouping.js';

export interface ConsoleOptions {
  /** ANSI colours (the CLI turns them on for a terminal). */
  readonly color?: boolean;
  /** Failures shown per kind before `... and N more`. Default 25. */
  readonly maxPerKind?: number;
  /** Report files written, listed before the verdict. */
  readonly written?: readonly string[];
}

export function formatConsoleReport(result: RunResult, options: ConsoleOptions = {}): string {
  const c = palette(options.color ?? false);
  const lines: string[] = [];
  lines.push(c.bold(`Conformance of ${result.target}`) + c.dim(` (spec ${result.spec.version}, run ${result.runId})`));
  lines.push(c.dim(`Principals from ${result.principalSource}: `) + principalLine(result));
  const flags = [
    result.options.readOnly && '--read-only',
    result.options.lenientMessages && '--lenient-messages',
    result.options.failOnSkip && '--fail-on-skip',
    result.options.only.length < result.groups.length && `--only ${result.options.only.join(',')}`,
  ].filter(Boolean);
  if (flags.length) lines.push(c.dim(`Options: ${flags.join(' ')}`));
  lines.push('');
  for (const g of result.groups) {
    if (!g.selected) continue;
    const counts = `${pad(g.passed, 4)} passed ${pad(g.failed, 4)} failed ${pad(g.skipped, 4)} skipped`;
    lines.push(`  ${(g.failed ? c.red : c.green)(g.name.padEnd(11))} ${counts}  ${c.dim(g.title)}`);
  }
  if (result.failures.length > 0) {
    lines.push('', c.bold(`Failures (${result.failures.length}), by kind:`));
    const byKind = groupFailures(result.failures);
    const max = options.maxPerKind ?? 25;
    for (const kind of FAILURE_KINDS) {
      const groups = byKind.get(kind);
      if (!groups) continue;
      if (kind === 'message') {
        lines.push(
          ...messageSection(
            groups.flatMap((g) => g.failures),
            result,
            c,
            max,
          ),
        );
        continue;
      }
      const total = groups.reduce((n, g) => n + g.failures.length, 0);
      lines.push('', c.red(c.bold(`${KIND_TITLES[kind]} (${total})`)));
      for (const group of groups.slice(0, max)) lines.push(...describeFailure(group.failures, result, c));
      if (groups.length > max) lines.push(c.dim(`  ... and ${groups.length - max} more; see --json or --html`));
    }
  }
  const skips = groupSkips(result.cases);
  if (skips.length > 0) {
    lines.push('', c.bold(`Skipped (${result.totals.skipped}):`));
    for (const s of skips) {
      lines.push(`  ${c.yellow('-')} ${s.reason} (${s.cases.length}):`);
      for (const { name: group } of result.groups) {
        const names = s.cases.filter((x) => x.group === group).map((x) => x.name);
        if (names.length) lines.push(c.dim(`      ${group}: ${names.join('; ')}`));
      }
    }
  }
  if (result.notes.length > 0) {
    lines.push('', c.bold('Notes:'));
    for (const note of result.notes) lines.push(`  ${note}`);
  }
  lines.push(...skipSummary(result, c));
  for (const hint of result.hints) lines.push('', c.yellow(c.bold(`▲ Hint: ${hint}`)));
  if (options.written?.length) lines.push('', `Reports: ${options.written.join(', ')}`);
  lines.push('', verdictLine(result, c));
  return lines.join('\n');
}

function describeFailure(same: readonly Failure[], result: RunResult, c: Palette): string[] {
  const f = same[0] as Failure;
  const who = preview([...new Set(same.map((x) => x.principal))]) + (same.length > 1 ? ` (${same.length}×)` : '');
  const request = f.request ? `${f.request.method} ${f.request.path}${f.request.body ? ` ${f.request.body}` : ''}` : '';
  const exchange = f.exchangeId === null ? undefined : result.exchanges[f.exchangeId - 1];
  const out = [`  ${c.red('✗')} ${f.operation} ${c.dim(`as ${who}`)} ${c.dim(`[${f.check}]`)}`, `    ${f.message}`];
  if (request) out.push(c.dim(`    request: ${request}${exchange?.request.authorization ? `  (Authorization: ${exchange.request.authorization})` : ''}`));
  if (exchange?.response) out.push(c.dim(`    response: ${exchange.response.status} ${oneLine(exchange.response.body, 200)}`));
  else if (exchange?.error) out.push(c.dim(`    response: none (${exchange.error})`));
  return out;
}

/**
 * Message differences, one entry per cause (the documented message and the wording received) with
 * how many responses, which operations and principals; and where to turn them off.
 */
function messageSection(failures: readonly Failure[], result: RunResult, c: Palette, max: number): string[] {
  const folds = foldMessages(failures);
  const responses = folds.reduce((n, f) => n + f.responses, 0);
  const out = [
    '',
    c.red(c.bold(`${KIND_TITLES.message} (${failures.length} in ${responses} responses, ${folds.length} ${folds.length === 1 ? 'cause' : 'causes'})`)),
    c.dim(`  Only the wording differs: a message the spec documents nowhere, where the status and the rest were as documented.`),
    c.dim(`  If the wording is not part of your API's contract, run with --lenient-messages (any non-empty message passes).`),
  ];
  for (const fold of folds.slice(0, max)) out.push(...describeFold(fold, result, c));
  if (folds.length > max) out.push(c.dim(`  ... and ${folds.length - max} more; see --json or --html`));
  // A profile may file a failure of another type under `message`; it is listed as it is.
  const others = failures.filter((f) => f.type !== 'message');
  for (const f of others) out.push(...describeFailure([f], result, c));
  return out;
}

function describeFold(fold: MessageFold, result: RunResult, c: Palette): string[] {
  const f = fold.failures[0] as Failure;
  const received = fold.received === null ? 'no message' : JSON.stringify(fold.received);
  const checks = [...new Set(fold.failures.map((x) => x.check))].join(', ');
  const exchange = f.exchangeId === null ? undefined : result.exchanges[f.exchangeId - 1];
  const out = [
    `  ${c.red('✗')} ${received} where the spec says ${JSON.stringify(fold.expected)} ${c.bold(`(${fold.responses} ${fold.responses === 1 ? 'response' : 'responses'})`)}`,
    c.dim(`    in ${preview(fold.operations, 5)}; as ${preview(fold.principals, 5)} [${checks}]`),
  ];
  if (f.request) out.push(c.dim(`    e.g. request: ${f.request.method} ${f.request.path}`));
  if (exchange?.response) out.push(c.dim(`    response: ${exchange.response.status} ${oneLine(exchange.response.body, 200)}`));
  return out;
}

/** The skips, loud: how many of the checks, by reason, and how to run them (the principals not given). */
function skipSummary(result: RunResult, c: Palette): string[] {
  const summary = summarizeSkips(result);
  if (summary.skipped === 0) return [];
  const share = Math.round((summary.skipped / Math.max(summary.total, 1)) * 100);
  const out = ['', c.yellow(c.bold(`▲ ${summary.skipped} of ${summary.total} checks (${share}%) were SKIPPED: they say nothing about the target.`))];
  for (const { reason, count } of summary.reasons) out.push(c.yellow(`  ${pad(count, 5)} × ${reason}`));
  if (summary.missing.length > 0)
    out.push(c.yellow(`  To run more of them, give the principals not given: ${summary.missing.join(', ')} (--config FILE or the environment; see --help).`));
  if (result.options.readOnly) out.push(c.yellow('  To run the checks that change state, drop --read-only.'));
  out.push(
    c.yellow(
      result.options.failOnSkip ? '  --fail-on-skip: the skips fail this run.' : '  To make a run with skipped checks fail (exit 1), add --fail-on-skip.',
    ),
  );
  return out;
}

function verdictLine(result: RunResult, c: Palette): string {
  const t = result.totals;
  const body = `${t.cases} checks, ${t.failed} failed (${t.failures} failures), ${t.skipped} skipped; ${t.requests} requests in ${(result.durationMs / 1000).toFixed(1)} s`;
  if (result.exitCode === 0) return c.green(c.bold(`conformance: PASSED, ${body}`));
  if (result.incomplete !== undefined) return c.red(c.bold(`conformance: INCOMPLETE, ${body}; ${result.incomplete}`));
  const why = result.options.failOnSkip && t.skipped > 0 ? '; skipped checks fail the run (--fail-on-skip)' : '';
  return c.red(c.bold(`conformance: FAILED, ${body}${why}`));
}

function principalLine(result: RunResult): string {
  const given = result.principals.filter((p) => p.available).map((p) => (p.name === 'outsider' && p.role ? `outsider (${p.role})` : p.name));
  const missing = result.principals.filter((p) => !p.available).map((p) => p.name);
  return given.join(', ') + (missing.length ? `; missing: ${missing.join(', ')}` : '');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width);
}

type Paint = (s: string) => string;
interface Palette {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
}

function palette(color: boolean): Palette {
  const wrap =
    (open: number, close: number): Paint =>
    (s) =>
      color ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}
