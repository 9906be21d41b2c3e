/**
 * `--html FILE`: one self-contained page (no script, no external asset). The operation × principal
 * matrix with expected and received status in each coloured cell, then the failures by kind with
 * their requests and responses, the skips and the notes.
 */
import { FAILURE_KINDS, KIND_TITLES, type Failure } from '../failure.js';
import type { ExchangeRecord, MatrixCell, RunResult } from '../result.js';
import { groupFailures, groupSkips } from './grouping.js';

export function formatHtmlReport(result: RunResult): string {
  const verdict = result.exitCode === 0 ? 'PASSED' : 'FAILED';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance ${verdict}: ${esc(result.target)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1><span class="verdict ${verdict.toLowerCase()}">${verdict}</span> Conformance of ${esc(result.target)}</h1>
<p class="meta">Spec ${esc(result.spec.version)} · run ${esc(result.runId)} · ${esc(result.startedAt)} · ${(result.durationMs / 1000).toFixed(1)} s ·
${result.totals.requests} requests · principals from ${esc(result.principalSource)}${result.options.readOnly ? ' · read-only' : ''}${result.options.lenientMessages ? ' · lenient messages' : ''}</p>
${groupsTable(result)}
</header>
<main>
${matrixSection(result)}
${failuresSection(result)}
${skipsSection(result)}
${notesSection(result)}
</main>
</body>
</html>
`;
}

function groupsTable(result: RunResult): string {
  const rows = result.groups
    .filter((g) => g.selected)
    .map(
      (g) =>
        `<tr class="${g.failed ? 'fail' : 'pass'}"><th>${esc(g.name)}</th><td>${g.passed}</td><td>${g.failed}</td><td>${g.skipped}</td><td class="title">${esc(g.title)}</td></tr>`,
    )
    .join('\n');
  return `<table class="groups"><thead><tr><th>group</th><th>passed</th><th>failed</th><th>skipped</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function matrixSection(result: RunResult): string {
  const { operations, principals, cells } = result.matrix;
  if (cells.length === 0) return '';
  const byKey = new Map(cells.map((c) => [`${c.operationId} ${c.principal}`, c]));
  const head = principals.map((p) => `<th class="col">${esc(p)}</th>`).join('');
  const rows = operations
    .map((op) => {
      const tds = principals.map((p) => matrixCell(byKey.get(`${op.operationId} ${p}`))).join('');
      return `<tr><th class="op"><code>${esc(op.method)} ${esc(op.path)}</code><br><span>${esc(op.operationId)}</span></th>${tds}</tr>`;
    })
    .join('\n');
  return `<section><h2>Role matrix</h2>
<p class="legend"><span class="cell pass">expected / received</span> <span class="cell fail">mismatch</span> <span class="cell skip">skipped</span> Hover a cell for the rule.</p>
<div class="scroll"><table class="matrix"><thead><tr><th></th>${head}</tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function matrixCell(cell: MatrixCell | undefined): string {
  if (!cell) return '<td class="cell none">·</td>';
  const expected = cell.expected ? String(cell.expected.status) : '–';
  const received = cell.received === null ? '–' : String(cell.received);
  const title = cell.outcome === 'skip' ? (cell.note ?? 'skipped') : (cell.expected?.reason ?? '');
  const body = cell.outcome === 'skip' ? 'skip' : `${expected} / ${received}`;
  const link = cell.outcome === 'fail' ? `<a href="#case-${slug(cell.caseId)}">${body}</a>` : body;
  return `<td class="cell ${cell.outcome}" title="${esc(title)}">${link}</td>`;
}

function failuresSection(result: RunResult): string {
  if (result.failures.length === 0) return '<section><h2>Failures</h2><p>None.</p></section>';
  const exchanges = new Map(result.exchanges.map((e) => [e.id, e]));
  const anchored = new Set<string>();
  const parts: string[] = [];
  const byKind = groupFailures(result.failures);
  for (const kind of FAILURE_KINDS) {
    const groups = byKind.get(kind);
    if (!groups) continue;
    const count = groups.reduce((n, g) => n + g.failures.length, 0);
    parts.push(`<h3 class="kind">${esc(KIND_TITLES[kind])} (${count})</h3>`);
    for (const group of groups) {
      for (const f of group.failures) {
        const anchor = anchored.has(f.caseId) ? '' : ` id="case-${slug(f.caseId)}"`;
        anchored.add(f.caseId);
        parts.push(failureBlock(f, f.exchangeId === null ? undefined : exchanges.get(f.exchangeId), anchor));
      }
    }
  }
  return `<section><h2>Failures (${result.failures.length})</h2>${parts.join('\n')}</section>`;
}

function failureBlock(f: Failure, exchange: ExchangeRecord | undefined, anchor: string): string {
  const request = exchange
    ? `${exchange.request.method} ${exchange.request.path}\nAuthorization: ${exchange.request.authorization ?? '(none)'}${exchange.request.contentType ? `\nContent-Type: ${exchange.request.contentType}` : ''}${exchange.request.body ? `\n\n${exchange.request.body}` : ''}`
    : f.request
      ? `${f.request.method} ${f.request.path}${f.request.body ? `\n\n${f.request.body}` : ''}`
      : '';
  const response = exchange?.response
    ? `${exchange.response.status}\n${Object.entries(exchange.response.headers)
        .filter(([k]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(k))
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\n${prettyJson(exchange.response.body)}`
    : exchange?.error
      ? `no response: ${exchange.error}`
      : '';
  return `<article class="failure"${anchor}>
<p><b>${esc(f.operation)}</b> as <b>${esc(f.principal)}</b> <span class="check">${esc(f.check)} · ${esc(f.caseId)}</span></p>
<p class="message">${esc(f.message)}</p>
${request || response ? `<details><summary>request and response</summary><div class="pair"><pre>${esc(request)}</pre><pre>${esc(response)}</pre></div></details>` : ''}
</article>`;
}

function skipsSection(result: RunResult): string {
  const skips = groupSkips(result.cases);
  if (skips.length === 0) return '';
  const items = skips
    .map(
      (s) =>
        `<li><b>${esc(s.reason)}</b> (${s.cases.length})<details><summary>cases</summary><ul>${s.cases.map((c) => `<li>${esc(c.id)}</li>`).join('')}</ul></details></li>`,
    )
    .join('\n');
  return `<section><h2>Skipped (${result.totals.skipped})</h2><ul class="skips">${items}</ul></section>`;
}

function notesSection(result: RunResult): string {
  if (result.notes.length === 0) return '';
  return `<section><h2>Notes</h2><ul>${result.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function slug(id: string): string {
  return id.replace(/[^A-Za-z0-9]+/g, '-');
}

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#fafbfc}
header,main{padding:0 24px}header{border-bottom:1px solid #d8dee4;background:#fff;padding-bottom:12px}
h1{font-size:20px;margin:16px 0 4px}h2{font-size:17px;margin:28px 0 8px}h3.kind{font-size:15px;margin:20px 0 6px;color:#a40e26}
.meta{color:#57606a;margin:0 0 10px}.verdict{padding:2px 8px;border-radius:4px;color:#fff;font-size:14px;vertical-align:middle}
.verdict.passed{background:#1a7f37}.verdict.failed{background:#cf222e}
table{border-collapse:collapse}th,td{padding:3px 8px;text-align:left}
.groups td{text-align:right}.groups td.title{text-align:left;color:#57606a}.groups tr.fail th{color:#cf222e}.groups tr.pass th{color:#1a7f37}
.scroll{overflow-x:auto}.matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:600;padding:6px 2px}
.matrix th.op{white-space:nowrap;font-weight:400}.matrix th.op span{color:#57606a;font-size:12px}
.cell{text-align:center;font:12px ui-monospace,monospace;border:1px solid #fff;min-width:58px;padding:4px}
.cell.pass{background:#dafbe1;color:#116329}.cell.fail{background:#ffcecb;color:#82071e;font-weight:700}.cell.skip{background:#eaeef2;color:#6e7781}.cell.none{color:#d0d7de}
.cell a{color:inherit}.legend .cell{display:inline-block;margin-right:6px}
.failure{background:#fff;border:1px solid #d8dee4;border-left:4px solid #cf222e;border-radius:4px;padding:6px 12px;margin:8px 0}
.failure p{margin:4px 0}.failure .check{color:#57606a;font-size:12px}.message{font-family:ui-monospace,monospace;font-size:13px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:360px;margin:4px 0;font-size:12px;white-space:pre-wrap;word-break:break-word}
.skips li{margin:4px 0}
`;
