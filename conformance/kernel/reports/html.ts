/**
 * `--html FILE`: one self-contained page (no script, no external asset). The hints, the operation ×
 * principal matrix with expected and received status in each coloured cell (or, where the status was
 * right, what differed), then the failures by kind with their requests and responses (message
 * differences folded by cause), the skips and the notes. A run that could not start gets a page
 * saying why (`formatHtmlSetupError`).
 */
import { FAILURE_KINDS, KIND_TITLES, type Failure } from '../failure.js';
import type { ExchangeRecord, MatrixCell, RunResult, SetupFailure } from '../result.js';
import { preview } from '../text.js';
import { foldMessages, groupFailures, groupSkips, summarizeSkips } from './grouping.js';

export function formatHtmlReport(result: RunResult): string {
  const verdict = result.exitCode === 0 ? 'PASSED' : result.incomplete !== undefined ? 'INCOMPLETE' : 'FAILED';
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
${result.totals.requests} requests · principals from ${esc(result.principalSource)}${result.options.readOnly ? ' · read-only' : ''}${result.options.lenientMessages ? ' · lenient messages' : ''}${result.options.failOnSkip ? ' · fail on skip' : ''}</p>
${groupsTable(result)}
${result.hints.map((h) => `<p class="hint">Hint: ${esc(h)}</p>`).join('\n')}
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

/** A run that could not start: a page that says so and why, for a CI step that publishes the report. */
export function formatHtmlSetupError(error: SetupFailure): string {
  const target = error.target ? ` of ${esc(error.target)}` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance could not start${target}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1><span class="verdict failed">NOT RUN</span> Conformance${target}</h1>
<p class="meta">${error.api ? `API ${esc(error.api)} · ` : ''}${esc(error.startedAt)} · exit code 2</p>
</header>
<main>
<p class="setup">The run could not start: ${esc(error.message)}</p>
<p>No check ran. Fix the cause above (the usage, the config, the principals, or the target's address) and run again.</p>
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
  const failures = new Map(result.failures.map((f) => [f.id, f]));
  const cases = new Map(result.cases.map((c) => [c.id, c]));
  const failuresOf = (cell: MatrixCell): Failure[] =>
    (cases.get(cell.caseId)?.failureIds ?? []).map((id) => failures.get(id)).filter((f): f is Failure => f !== undefined);
  const head = principals.map((p) => `<th class="col">${esc(p)}</th>`).join('');
  const rows = operations
    .map((op) => {
      const tds = principals
        .map((p) => {
          const cell = byKey.get(`${op.operationId} ${p}`);
          return matrixCell(cell, cell ? failuresOf(cell) : []);
        })
        .join('');
      return `<tr><th class="op"><code>${esc(op.method)} ${esc(op.path)}</code><br><span>${esc(op.operationId)}</span></th>${tds}</tr>`;
    })
    .join('\n');
  return `<section><h2>Role matrix</h2>
<p class="legend"><span class="cell pass">expected / received</span> <span class="cell fail">mismatch</span> <span class="cell skip">skipped</span> Hover a cell for the rule.</p>
<div class="scroll"><table class="matrix"><thead><tr><th></th>${head}</tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** What differed where the status was right, for a failed cell: `message differs`, `body differs`, ... */
const DIFFERS: Readonly<Record<Failure['type'], string>> = {
  status: 'status differs',
  message: 'message differs',
  schema: 'body differs',
  header: 'header differs',
  'content-type': 'content type differs',
  'undocumented-status': 'undocumented status',
  state: 'data differs',
  secret: 'leaks a secret',
  transport: 'no response',
};

function matrixCell(cell: MatrixCell | undefined, failures: readonly Failure[]): string {
  if (!cell) return '<td class="cell none">·</td>';
  const expected = cell.expected ? String(cell.expected.status) : '–';
  const received = cell.received === null ? '–' : String(cell.received);
  const sameStatus = cell.outcome === 'fail' && cell.expected !== null && cell.expected.status === cell.received && failures.length > 0;
  // Hover: the rule, and for a failed cell what differed.
  const title =
    cell.outcome === 'skip'
      ? (cell.note ?? 'skipped')
      : [cell.expected?.reason ?? '', ...(cell.outcome === 'fail' ? failures.map((f) => f.message) : [])].filter(Boolean).join('\n');
  const differs = [...new Set(failures.map((f) => DIFFERS[f.type]))].join(', ');
  const body = cell.outcome === 'skip' ? 'skip' : sameStatus ? `${received}, ${differs}` : `${expected} / ${received}`;
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
    if (kind === 'message') {
      parts.push(
        messageFolds(
          groups.flatMap((g) => g.failures),
          exchanges,
          anchored,
        ),
      );
      continue;
    }
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

/** Message differences, one entry per cause with its count, operations and principals; each failure inside. */
function messageFolds(failures: readonly Failure[], exchanges: ReadonlyMap<number, ExchangeRecord>, anchored: Set<string>): string {
  const intro = `<p class="lenient">Only the wording differs: a message the spec documents nowhere, where the status and the rest were as documented. If the wording is not part of your API's contract, run with <code>--lenient-messages</code>.</p>`;
  const folds = foldMessages(failures).map((fold) => {
    const anchors = fold.failures
      .filter((f) => !anchored.has(f.caseId) && anchored.add(f.caseId))
      .map((f) => `<span id="case-${slug(f.caseId)}"></span>`)
      .join('');
    const received = fold.received === null ? 'no message' : JSON.stringify(fold.received);
    const each = fold.failures.map((f) => failureBlock(f, f.exchangeId === null ? undefined : exchanges.get(f.exchangeId), '')).join('\n');
    return `<article class="failure fold">${anchors}
<p class="message">Received ${esc(received)} where the spec says ${esc(JSON.stringify(fold.expected))} <b>(${fold.responses} ${fold.responses === 1 ? 'response' : 'responses'})</b></p>
<p>in ${esc(preview(fold.operations, 8))} · as ${esc(preview(fold.principals, 8))}</p>
<details><summary>each failure (${fold.failures.length})</summary>${each}</details>
</article>`;
  });
  const others = failures.filter((f) => f.type !== 'message').map((f) => failureBlock(f, f.exchangeId === null ? undefined : exchanges.get(f.exchangeId), ''));
  return [intro, ...folds, ...others].join('\n');
}

function skipsSection(result: RunResult): string {
  const skips = groupSkips(result.cases);
  if (skips.length === 0) return '';
  const summary = summarizeSkips(result);
  const fix = [
    summary.missing.length > 0
      ? `To run more of them, give the principals not given: ${esc(summary.missing.join(', '))} (<code>--config FILE</code> or the environment).`
      : '',
    result.options.readOnly ? 'To run the checks that change state, drop <code>--read-only</code>.' : '',
    result.options.failOnSkip
      ? '<code>--fail-on-skip</code>: the skips fail this run.'
      : 'To make a run with skipped checks fail, add <code>--fail-on-skip</code>.',
  ].filter(Boolean);
  const loud = `<p class="skipped-loud">${summary.skipped} of ${summary.total} checks were skipped: they say nothing about the target. ${fix.join(' ')}</p>`;
  const items = skips
    .map(
      (s) =>
        `<li><b>${esc(s.reason)}</b> (${s.cases.length})<details><summary>cases</summary><ul>${s.cases.map((c) => `<li>${esc(c.id)}</li>`).join('')}</ul></details></li>`,
    )
    .join('\n');
  return `<section><h2>Skipped (${result.totals.skipped})</h2>${loud}<ul class="skips">${items}</ul></section>`;
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
.verdict.passed{background:#1a7f37}.verdict.failed,.verdict.incomplete{background:#cf222e}
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
.hint,.skipped-loud,.setup{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:8px 12px;font-weight:600}
.setup{background:#ffebe9;border-color:#cf222e}.lenient{color:#57606a}
`;
