/**
 * The console summary: counts per group, then the failures grouped by kind (missing or ignored
 * auth, wrong role, wrong tenant, envelope or schema, business rule, robustness), each with
 * `Received ... Expected ... (reason)`, the principal and the request; then skips and notes. The
 * last line is the verdict.
 */
import { FAILURE_KINDS, KIND_TITLES, type Failure } from '../failure.js';
import type { RunResult } from '../result.js';
import { preview } from '../text.js';
import { groupFailures, groupSkips } from './grouping.js';

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
    for (const kind of FAILURE_KINDS) {
      const groups = byKind.get(kind);
      if (!groups) continue;
      const total = groups.reduce((n, g) => n + g.failures.length, 0);
      lines.push('', c.red(c.bold(`${KIND_TITLES[kind]} (${total})`)));
      const max = options.maxPerKind ?? 25;
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

function verdictLine(result: RunResult, c: Palette): string {
  const t = result.totals;
  const body = `${t.cases} checks, ${t.failed} failed (${t.failures} failures), ${t.skipped} skipped; ${t.requests} requests in ${(result.durationMs / 1000).toFixed(1)} s`;
  return result.exitCode === 0 ? c.green(c.bold(`conformance: PASSED, ${body}`)) : c.red(c.bold(`conformance: FAILED, ${body}`));
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
