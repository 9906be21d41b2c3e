/**
 * The reports of a failing run: the console groups failures by kind with Received/Expected, the
 * principal and the request; the JUnit file parses as XML; the JSON carries no secret; the HTML
 * page is self-contained and colours the matrix cells.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConsoleReport, runConformance, type RunResult } from '../../conformance/index.js';
import { formatHtmlReport } from '../../conformance/kernel/reports/html.js';
import { formatJsonReport } from '../../conformance/kernel/reports/json.js';
import { formatJunitReport } from '../../conformance/kernel/reports/junit.js';
import { progressPrinter } from '../../conformance/kernel/reports/progress.js';
import { BROKEN_TARGETS } from './helpers/broken-targets.js';
import { startBrokenTarget, type Breakage, type BrokenTarget, type MockPrincipal } from './helpers/proxy.js';

function broken(name: string): Breakage {
  const found = BROKEN_TARGETS.find((b) => b.name === name);
  if (!found) throw new Error(`no broken target "${name}"`);
  return found.breakage;
}

/** Two bugs at once: each hook of the second sees what the first made of the request or answer. */
function both(a: Breakage, b: Breakage): Breakage {
  return {
    request: async (r, ctx) => {
      const first = a.request ? await a.request(r, ctx) : r;
      return 'status' in first || !b.request ? first : b.request(first, ctx);
    },
    response: async (res, r, ctx) => {
      const first = a.response ? await a.response(res, r, ctx) : res;
      return b.response ? b.response(first, r, ctx) : first;
    },
  };
}

let target: BrokenTarget;
let result: RunResult;
let principals: MockPrincipal[];

beforeAll(async () => {
  target = await startBrokenTarget(both(broken('BILLING may list users'), broken('a password in the user object')));
  principals = ((await (await fetch(`${target.mock.url}/__mock/principals`)).json()) as { principals: MockPrincipal[] }).principals;
  result = await runConformance({ target: target.url, only: 'matrix,envelopes,secrets', runId: 'reports' });
}, 60_000);
afterAll(async () => {
  await target?.close();
});

describe('the console report', () => {
  it('groups the failures by kind, each with Received, Expected, the principal and the request', () => {
    const text = formatConsoleReport(result);
    const role = text.indexOf('Wrong role (1)');
    const envelope = text.indexOf('Envelope or schema (');
    expect(role).toBeGreaterThan(text.indexOf('Failures ('));
    expect(envelope).toBeGreaterThan(role);
    expect(text).toContain('✗ listOrganizationUsers as billing [matrix]');
    expect(text).toContain('Received: 200. Expected: 403 (BILLING may not list organization users (x-access.gate.minRole: WORKSPACES or higher))');
    expect(text).toContain("request: GET /organization/users  (Authorization: Bearer <billing's token>)");
    expect(text).toMatch(/Received: a key named "password" at password\. Expected: no secret in a user or organization object \(E1: /);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^conformance: FAILED, \d+ checks, \d+ failed/);
  });
});

describe('the JUnit report', () => {
  it('parses as XML, one suite per group, the failed case carrying its kind', () => {
    const xml = formatJunitReport(result);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
      testsuites: { failures: string; testsuite: { name: string; testcase: { name: string; failure?: { type: string; message: string } }[] }[] };
    };
    expect(Number(parsed.testsuites.failures)).toBe(result.totals.failed);
    expect(parsed.testsuites.testsuite.map((s) => s.name)).toEqual(['matrix', 'envelopes', 'secrets']);
    const matrix = parsed.testsuites.testsuite.find((s) => s.name === 'matrix');
    const cell = matrix?.testcase.find((c) => c.name === 'listOrganizationUsers as billing (R1)');
    expect(cell?.failure).toMatchObject({ type: 'role', message: expect.stringMatching(/^Received: 200\. Expected: 403/) });
  });
});

describe('the JSON report', () => {
  it('holds the whole result and no password or token', () => {
    const text = formatJsonReport(result);
    const parsed = JSON.parse(text) as RunResult;
    expect(parsed.exitCode).toBe(1);
    expect(parsed.failures.length).toBe(result.failures.length);
    for (const p of principals) {
      expect(text).not.toContain(p.password);
      if (p.accessToken) expect(text).not.toContain(p.accessToken.split('.')[2]);
    }
    expect(text).toContain("<owner's password>");
  });
});

describe('the HTML report', () => {
  it('is one self-contained page with a coloured matrix and the failures with their exchanges', () => {
    const html = formatHtmlReport(result);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="https?:|href="https?:/);
    expect(html).toMatch(/<td class="cell fail" title="BILLING may not list organization users[^"]*"><a href="#case-[^"]+">403 \/ 200<\/a><\/td>/);
    expect(html).toMatch(/<td class="cell pass" title="[^"]*">403 \/ 403<\/td>/);
    expect(html).toContain('<h3 class="kind">Wrong role (1)</h3>');
    expect(html).toContain('request and response');
  });
});

describe('progress on stderr', () => {
  const events = [
    { type: 'group-start', group: 'matrix', index: 1, count: 2, elapsedMs: 120 },
    { type: 'request', requests: 1, elapsedMs: 130 },
    { type: 'request', requests: 2, elapsedMs: 140 },
    { type: 'group-end', group: 'matrix', index: 1, count: 2, checks: 134, failed: 2, elapsedMs: 2_000 },
    { type: 'phase', phase: 'sweeps', elapsedMs: 2_100 },
  ] as const;

  it('to a log: one line per group start and end and per closing phase, none per request', () => {
    const written: string[] = [];
    const printer = progressPrinter({ write: (chunk: string) => written.push(chunk), isTTY: false });
    for (const event of events) printer.listener(event);
    printer.done();
    expect(written.join('')).toBe(
      [
        'conformance: [1/2] matrix started (0.1 s elapsed)',
        'conformance: [1/2] matrix done: 134 checks, 2 failed (2.0 s elapsed)',
        'conformance: end-of-run sweeps (2.1 s elapsed)',
        '',
      ].join('\n'),
    );
  });

  it('to a terminal: one line rewritten in place, redrawn for requests at most every 100 ms, cleared at the end', () => {
    const written: string[] = [];
    const printer = progressPrinter({ write: (chunk: string) => written.push(chunk), isTTY: true });
    for (const event of events) printer.listener(event);
    printer.done();
    expect(written.every((chunk) => chunk.startsWith('\r\u001b[K') && !chunk.includes('\n'))).toBe(true);
    // The requests 10 and 20 ms after the group's start are not drawn; group and phase changes always are.
    expect(written.map((chunk) => chunk.slice(4))).toEqual([
      'conformance: [1/2] matrix, 0 requests, 0.1 s',
      'conformance: [1/2] matrix done, 2 of 134 checks failed, 2 requests, 2.0 s',
      'conformance: end-of-run sweeps, 2 requests, 2.1 s',
      '',
    ]);
  });
});
