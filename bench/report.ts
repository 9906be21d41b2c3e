/** Renders a run's figures: the terminal table, the section summaries, the target lines, Markdown. */
import type { ServerName } from './options.js';
import type { BenchResults, RatioRow, ThroughputRow } from './results.js';
import { isFailed, isSkipped } from './results.js';
import { median, span } from './stats.js';

const SERVER_LABEL: Readonly<Record<ServerName, string>> = {
  mock: 'mock',
  bare: 'bare node:http',
  prism: 'Prism static',
  'prism-dynamic': 'Prism -d',
};

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '—');
const ratio = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : `${n.toFixed(2)}`);

/** "a–b" from the rounds' values, or '' when there is only one round. */
function rangeText(values: readonly number[], format: (n: number) => string): string {
  const s = span(values);
  return s === null || values.length < 2 ? '' : `${format(s.min)}–${format(s.max)}`;
}

/**
 * The throughput table: one row per request and server, the median of the rounds with the rounds'
 * lowest and highest req/s beside it; the mock's ratio (of medians) on the other servers' rows, with
 * the lowest and highest of the same ratio taken within each round.
 */
export function throughputTable(rows: readonly ThroughputRow[], ratios: readonly RatioRow[]): string {
  const header = ['request', 'server', 'req/s', 'p50 ms', 'p99 ms', 'rounds req/s', 'statuses', 'mock÷this', 'rounds'];
  const body: string[][] = [];
  for (const r of ratios) {
    const group = rows.filter((t) => t.request === r.request);
    group.forEach((t, i) => {
      const [mockRatio, perRound] =
        t.server === 'bare'
          ? [r.mockOverBare, r.roundsOverBare]
          : t.server === 'prism'
            ? [r.mockOverPrism, r.roundsOverPrism]
            : t.server === 'prism-dynamic'
              ? [r.mockOverPrismDynamic, r.roundsOverPrismDynamic]
              : [null, []];
      body.push([
        i === 0 ? r.label : '',
        SERVER_LABEL[t.server],
        int(t.rps),
        ms(t.p50Ms),
        ms(t.p99Ms),
        rangeText(
          t.rounds.map((f) => f.rps),
          int,
        ),
        statusText(t),
        t.server === 'mock' ? '' : ratio(mockRatio),
        t.server === 'mock' ? '' : rangeText(perRound, (n) => n.toFixed(2)),
      ]);
    });
  }
  return align([header, ...body], [false, false, true, true, true, true, false, true, true]);
}

const us = (n: number | null): string => (n === null ? '—' : n.toFixed(1));

/** "median (min–max)" of a row's CPU µs per request, the range only with more than one round. */
function cpuCell(t: ThroughputRow | undefined): string {
  if (t === undefined || t.cpuUsPerRequest === null) return '—';
  const values = t.rounds.flatMap((f) => (f.cpuUsPerRequest === null ? [] : [f.cpuUsPerRequest]));
  const range = rangeText(values, (n) => n.toFixed(1));
  return range === '' ? us(t.cpuUsPerRequest) : `${us(t.cpuUsPerRequest)} (${range})`;
}

/**
 * The servers' own CPU time per completed request (µs; median of the rounds, with their lowest and
 * highest), one row per request, and the server-bound ratio: bare's CPU per request ÷ the mock's,
 * the median of the per-round ratios with their lowest and highest. Undefined without CPU figures.
 */
export function cpuTable(rows: readonly ThroughputRow[], ratios: readonly RatioRow[]): string | undefined {
  if (!rows.some((t) => t.cpuUsPerRequest !== null)) return undefined;
  const servers = [...new Set(rows.map((t) => t.server))];
  const header = ['request', ...servers.map((s) => `${SERVER_LABEL[s]} µs`), 'bare÷mock CPU', 'rounds'];
  const body = ratios.map((r) => [
    r.label,
    ...servers.map((s) => cpuCell(rows.find((t) => t.request === r.request && t.server === s))),
    ratio(r.cpuBareOverMock),
    rangeText(r.roundsCpuBareOverMock, (n) => n.toFixed(2)),
  ]);
  return align([header, ...body], [false, ...servers.map(() => true), true, true]);
}

/**
 * How far the rounds of one server on one request are apart (highest ÷ lowest req/s), over every
 * server and request: the median and the widest. Null with fewer than two rounds.
 */
export function roundSpread(rows: readonly ThroughputRow[]): { median: number; widest: number; where: string } | null {
  const spreads = rows
    .filter((t) => t.rounds.length > 1 && t.rpsMin > 0)
    .map((t) => ({ factor: t.rpsMax / t.rpsMin, where: `${SERVER_LABEL[t.server]}, ${t.label}` }))
    .sort((a, b) => a.factor - b.factor);
  const widest = spreads[spreads.length - 1];
  if (widest === undefined) return null;
  return { median: median(spreads.map((s) => s.factor)), widest: widest.factor, where: widest.where };
}

export function spreadLine(rows: readonly ThroughputRow[]): string | undefined {
  const s = roundSpread(rows);
  if (s === null) return undefined;
  const pct = (f: number): string => `${Math.round((f - 1) * 100)}%`;
  return `Rounds of the same server and request differ by ${pct(s.median)} (median of highest÷lowest req/s), at most ${pct(s.widest)} (${s.where}).`;
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

/**
 * The README's tables: one row per request, servers side by side (medians of the rounds, the ratios
 * with their lowest and highest per-round value), then the CPU µs per request with the server-bound
 * ratio, then each server's lowest and highest req/s.
 */
export function markdownTable(results: BenchResults): string {
  const servers = results.config.only;
  const rounds = results.config.rounds;
  const withBare = servers.includes('mock') && servers.includes('bare');
  const withPrism = servers.includes('mock') && servers.includes('prism');
  const cols = ['request', ...servers.flatMap((s) => (s === 'mock' ? ['mock req/s', 'mock p50 / p99 ms'] : [`${SERVER_LABEL[s]} req/s`]))];
  if (withBare) cols.push(rounds > 1 ? 'mock/bare (rounds)' : 'mock/bare');
  if (withPrism) cols.push(rounds > 1 ? 'mock/Prism (rounds)' : 'mock/Prism');
  const head = (c: readonly string[]): string[] => [`| ${c.join(' | ')} |`, `|${c.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  const lines = head(cols);
  const cell = (id: string, s: ServerName): ThroughputRow | undefined => results.throughput.find((t) => t.request === id && t.server === s);
  const withRange = (value: string, perRound: readonly number[], format: (n: number) => string): string => {
    const range = rangeText(perRound, format);
    return range === '' ? value : `${value} (${range})`;
  };
  for (const r of results.ratios) {
    const row = [`\`${r.label}\``];
    for (const s of servers) {
      const t = cell(r.request, s);
      row.push(t === undefined ? '—' : int(t.rps));
      if (s === 'mock') row.push(t === undefined ? '—' : `${ms(t.p50Ms)} / ${ms(t.p99Ms)}`);
    }
    if (withBare) row.push(withRange(ratio(r.mockOverBare), r.roundsOverBare, (n) => n.toFixed(2)));
    if (withPrism) {
      const x = (n: number): string => `${n.toFixed(1)}×`;
      row.push(r.mockOverPrism === null ? '—' : withRange(x(r.mockOverPrism), r.roundsOverPrism, x));
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  if (results.throughput.some((t) => t.cpuUsPerRequest !== null)) {
    const cpuCols = ['request', ...servers.map((s) => `${SERVER_LABEL[s]} CPU µs/request`)];
    if (withBare) cpuCols.push(rounds > 1 ? 'bare÷mock CPU, server-bound ratio (rounds)' : 'bare÷mock CPU, server-bound ratio');
    lines.push('', ...head(cpuCols));
    for (const r of results.ratios) {
      const row = [`\`${r.label}\``, ...servers.map((s) => cpuCell(cell(r.request, s)))];
      if (withBare) row.push(withRange(ratio(r.cpuBareOverMock), r.roundsCpuBareOverMock, (n) => n.toFixed(2)));
      lines.push(`| ${row.join(' | ')} |`);
    }
  }
  if (rounds > 1) {
    lines.push('', ...head(['request', ...servers.map((s) => `${SERVER_LABEL[s]}, lowest–highest req/s`)]));
    for (const r of results.ratios) {
      const row = [`\`${r.label}\``];
      for (const s of servers) {
        const t = cell(r.request, s);
        row.push(
          t === undefined
            ? '—'
            : rangeText(
                t.rounds.map((f) => f.rps),
                int,
              ) || int(t.rps),
        );
      }
      lines.push(`| ${row.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
