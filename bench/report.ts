/** Renders a run's figures: the terminal table, the section summaries, the target lines, Markdown. */
import type { ServerName } from './options.js';
import type { BenchResults, RatioRow, ThroughputRow } from './results.js';
import { isFailed, isSkipped } from './results.js';

const SERVER_LABEL: Readonly<Record<ServerName, string>> = {
  mock: 'mock',
  bare: 'bare node:http',
  prism: 'Prism static',
  'prism-dynamic': 'Prism -d',
};

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '—');
const ratio = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : `${n.toFixed(2)}`);

/** The throughput table: one row per request and server; the mock's ratio on the other servers' rows. */
export function throughputTable(rows: readonly ThroughputRow[], ratios: readonly RatioRow[]): string {
  const header = ['request', 'server', 'req/s', 'p50 ms', 'p99 ms', 'statuses', 'mock÷this'];
  const body: string[][] = [];
  for (const r of ratios) {
    const group = rows.filter((t) => t.request === r.request);
    group.forEach((t, i) => {
      const mockRatio =
        t.server === 'bare' ? r.mockOverBare : t.server === 'prism' ? r.mockOverPrism : t.server === 'prism-dynamic' ? r.mockOverPrismDynamic : null;
      body.push([
        i === 0 ? r.label : '',
        SERVER_LABEL[t.server],
        int(t.rps),
        ms(t.p50Ms),
        ms(t.p99Ms),
        statusText(t),
        t.server === 'mock' ? '' : ratio(mockRatio),
      ]);
    });
  }
  return align([header, ...body], [false, false, true, true, true, false, true]);
}

function statusText(t: ThroughputRow): string {
  const codes = Object.entries(t.statuses);
  const text = codes.length === 1 && t.unexpected === 0 ? (codes[0]?.[0] ?? '') : codes.map(([c, n]) => `${c}×${n}`).join(' ');
  return t.unexpected > 0 || t.errors > 0 ? `${text}${t.errors > 0 ? ` err×${t.errors}` : ''} (expected ${t.expectedStatus})` : text;
}

function align(table: readonly (readonly string[])[], right: readonly boolean[]): string {
  const widths = table[0]?.map((_, col) => Math.max(...table.map((row) => (row[col] ?? '').length))) ?? [];
  return table
    .map((row) =>
      row
        .map((cell, col) => (right[col] ? cell.padStart(widths[col] ?? 0) : cell.padEnd(widths[col] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The sections after the table, a few lines each. */
export function sectionLines(results: BenchResults): string[] {
  const out: string[] = [];
  const { startup, scale, stateFile, conformance } = results;
  out.push('Start-up (spawn → first 2xx, polled every 10 ms):');
  if (isSkipped(startup)) out.push(`  skipped: ${startup.skipped}`);
  else if (isFailed(startup)) out.push(`  FAILED: ${startup.error}`);
  else for (const s of startup) out.push(`  ${s.server.padEnd(6)} median ${int(s.medianMs)} ms  (runs: ${s.runsMs.map(int).join(', ')})`);

  out.push('Scale:');
  if (isSkipped(scale)) out.push(`  skipped: ${scale.skipped}`);
  else if (isFailed(scale)) out.push(`  FAILED: ${scale.error}`);
  else {
    const mem = (m: typeof scale.memoryAfterStart): string => (m === null ? 'n/a' : `${int(m.rssMb)} MB (peak ${int(m.hwmMb)} MB)`);
    out.push(`  ${int(scale.users)} users: start-up ${int(scale.startupMs)} ms, VmRSS after start ${mem(scale.memoryAfterStart)}`);
    out.push(
      `  list ${int(scale.listTotal)} users: median ${int(scale.listMedianMs)} ms (runs: ${scale.listRunsMs.map(int).join(', ')}; ${int(scale.listBytes / 1024)} KiB), VmRSS after ${mem(scale.memoryAfterList)}`,
    );
    for (const b of scale.createBatches) {
      out.push(`  creates from ${int(b.usersBefore)} users: ${int(b.creates)} in ${b.seconds.toFixed(2)} s = ${int(b.rps)}/s`);
    }
    out.push(`  VmRSS after the creates ${mem(scale.memoryAfterCreates)}`);
  }

  out.push('Writes with --state-file:');
  if (isSkipped(stateFile)) out.push(`  skipped: ${stateFile.skipped}`);
  else if (isFailed(stateFile)) out.push(`  FAILED: ${stateFile.error}`);
  else {
    out.push(
      `  creates/s in memory ${int(stateFile.inMemoryRps)} (p99 ${ms(stateFile.inMemoryP99Ms)} ms), with a state file ${int(stateFile.stateFileRps)} (p99 ${ms(stateFile.stateFileP99Ms)} ms): ${(stateFile.ratio * 100).toFixed(0)}%; file ${stateFile.fileBytes === null ? 'n/a' : `${int(stateFile.fileBytes / 1024)} KiB`} after ${int(stateFile.creates)} creates`,
    );
  }

  out.push('Conformance suite against the local mock:');
  if (isSkipped(conformance)) out.push(`  skipped: ${conformance.skipped}`);
  else if (isFailed(conformance)) out.push(`  FAILED: ${conformance.error}`);
  else {
    out.push(
      `  ${conformance.seconds.toFixed(2)} s (${conformance.wallSeconds.toFixed(2)} s around the call), ${int(conformance.requests)} requests = ${int(conformance.rps)} req/s; ${conformance.summary}`,
    );
  }
  return out;
}

export function targetLines(results: BenchResults): string[] {
  return results.targets.map((t) => `${t.status.padEnd(4)}  ${t.text}`);
}

/** The README's table: one row per request, servers side by side. */
export function markdownTable(results: BenchResults): string {
  const servers = results.config.only;
  const cols = ['request', ...servers.flatMap((s) => (s === 'mock' ? ['mock req/s', 'mock p50 / p99 ms'] : [`${SERVER_LABEL[s]} req/s`]))];
  if (servers.includes('mock') && servers.includes('bare')) cols.push('mock/bare');
  if (servers.includes('mock') && servers.includes('prism')) cols.push('mock/Prism');
  const lines = [`| ${cols.join(' | ')} |`, `|${cols.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of results.ratios) {
    const cell = (s: ServerName): ThroughputRow | undefined => results.throughput.find((t) => t.request === r.request && t.server === s);
    const row = [`\`${r.label}\``];
    for (const s of servers) {
      const t = cell(s);
      row.push(t === undefined ? '—' : int(t.rps));
      if (s === 'mock') row.push(t === undefined ? '—' : `${ms(t.p50Ms)} / ${ms(t.p99Ms)}`);
    }
    if (servers.includes('mock') && servers.includes('bare')) row.push(ratio(r.mockOverBare));
    if (servers.includes('mock') && servers.includes('prism')) row.push(r.mockOverPrism === null ? '—' : `${r.mockOverPrism.toFixed(1)}×`);
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}
