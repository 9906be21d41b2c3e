/**
 * The suite survives any target (issue 12): the real CLI in a child process against hostile targets
 * that serve valid principals and then answer 10 MB, a body that never ends, nothing, or slowly. Each
 * run ends with a report and a clear exit code: 1 with a robustness failure naming the body limit,
 * or 2 with one line saying the run stopped and what to do, the report of what ran marked incomplete.
 * Each is bounded by small --timeout and --deadline values, never by how long it took.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpClient, type FetchLike } from '../../conformance/kernel/http/client.js';
import { RunGuard } from '../../conformance/kernel/run-guard.js';
import { runCli, type CliRun } from './helpers/cli.js';
import { startHostileTarget, type Hostility } from './helpers/hostile-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'conformance-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A heap far below what keeping 10 MB answers would need: the run must fit in what its report needs. */
const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=128' };

interface Report {
  readonly exitCode: number;
  readonly incomplete?: string;
  readonly totals: { readonly cases: number; readonly requests: number; readonly failures: number };
  readonly failures: readonly { readonly kind: string; readonly operation: string; readonly message: string }[];
  readonly exchanges: readonly { readonly error: string | null; readonly response: { readonly body: string } | null }[];
}

/** The run, and its report files; a run that crashed wrote none, and its exit code says so first. */
async function runAgainst(
  hostility: Hostility,
  name: string,
  args: readonly string[],
  code: number,
): Promise<{ run: CliRun; report: Report; junit: string; hostile: number }> {
  const target = await startHostileTarget(hostility);
  const json = join(dir, name, 'report.json');
  const junit = join(dir, name, 'junit.xml');
  try {
    const run = await runCli(['--target', target.url, '--json', json, '--junit', junit, ...args], SMALL_HEAP);
    expect(run.code, run.stderr.slice(-2000)).toBe(code);
    expect(existsSync(json) && existsSync(junit)).toBe(true);
    return { run, report: JSON.parse(readFileSync(json, 'utf8')) as Report, junit: readFileSync(junit, 'utf8'), hostile: target.hostileRequests() };
  } finally {
    await target.close();
  }
}

/** Every stderr line but the last is a progress line; the last is `conformance: <reason>`. */
function stderrEndsWith(run: CliRun, line: RegExp): void {
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines.at(-1)).toMatch(line);
  for (const progress of lines.slice(0, -1)) expect(progress).toMatch(/^conformance: (\[\d+\/\d+\] \w+ (started|done)|clean-up|end-of-run sweeps)/);
  expect(run.stderr).not.toMatch(/\n\s+at |heap out of memory/i);
}

function expectOverLimitFailures(run: CliRun, report: Report, limit: string): void {
  expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^conformance: FAILED, /);
  const over = new RegExp(`^Received: a 200 answer whose body is over the ${limit} limit \\(--max-body\\): [\\d,]+ bytes read, the rest not read\\. `);
  const failures = report.failures.filter((f) => over.test(f.message));
  expect(failures.length).toBeGreaterThan(10);
  expect(failures.every((f) => f.kind === 'robustness')).toBe(true);
  // The console names the operation beside the line.
  expect(run.stdout).toMatch(new RegExp(`${failures[0]?.operation ?? '?'} as [^\\n]+\\n\\s+Received: a 200 answer whose body is over the ${limit} limit`));
  expect(report.exitCode).toBe(1);
  expect(report.incomplete).toBeUndefined();
  // What the report keeps of an answer is an excerpt, never the body.
  for (const e of report.exchanges) expect(e.response?.body.length ?? 0).toBeLessThan(5_000);
}

function expectIncomplete(run: CliRun, report: Report, junit: string, reason: RegExp): void {
  stderrEndsWith(run, new RegExp(`^conformance: ${reason.source}$`));
  expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^conformance: INCOMPLETE, \\d+ checks, .*; ${reason.source}$`));
  expect(report.exitCode).toBe(2);
  expect(report.incomplete).toMatch(reason);
  expect(report.totals.requests).toBeGreaterThan(2);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junit) as {
    testsuites: { errors: string; testsuite: { name: string; testcase: { name: string; error?: { type: string; message: string } } }[] | object };
  };
  expect(parsed.testsuites.errors).toBe('1');
  const suites = [parsed.testsuites.testsuite].flat() as { name: string; testcase: { name: string; error?: { type: string; message: string } } }[];
  const stopped = suites.find((s) => s.name === 'run');
  expect(stopped?.testcase.error?.type).toBe('RunStopped');
  expect(stopped?.testcase.error?.message).toMatch(reason);
}

describe('hostile targets', () => {
  it('10 MB answers to everything after the principals: a report and exit 1, in a 128 MB heap', async () => {
    const { run, report, hostile } = await runAgainst({ kind: 'huge' }, 'huge', [], 1);
    expectOverLimitFailures(run, report, '1 MiB');
    expect(hostile).toBeGreaterThan(100);
    stderrEndsWith(run, /^conformance: end-of-run sweeps/);
  }, 180_000);

  it('a body that never ends is cut by --max-body: a report and exit 1', async () => {
    const { run, report } = await runAgainst({ kind: 'endless' }, 'endless', ['--max-body', '256KiB'], 1);
    expectOverLimitFailures(run, report, '256 KiB');
  }, 180_000);

  it('a body that trickles for ever is cut by --timeout, and the breaker stops the run: exit 2, incomplete report', async () => {
    const { run, report, junit } = await runAgainst({ kind: 'trickle' }, 'trickle', ['--timeout', '300'], 2);
    expectIncomplete(run, report, junit, /target stopped answering: 5 requests in a row timed out after 300 ms; check it is up, or raise --timeout/);
    expect(report.exchanges.filter((e) => /^timed out after 300 ms \([\d,]+ bytes of the body had come\)$/.test(e.error ?? ''))).toHaveLength(5);
  }, 120_000);

  it('a target that hangs after the principals: the breaker stops the run after --max-unanswered, exit 2, incomplete report', async () => {
    const { run, report, junit, hostile } = await runAgainst({ kind: 'hang' }, 'hang', ['--timeout', '300', '--max-unanswered', '3'], 2);
    expectIncomplete(run, report, junit, /target stopped answering: 3 requests in a row timed out after 300 ms; check it is up, or raise --timeout/);
    expect(hostile).toBe(3);
    expect(report.exchanges.filter((e) => e.error === 'timed out after 300 ms')).toHaveLength(3);
  }, 120_000);

  it('a slow target: --deadline stops the run, exit 2, incomplete report of what ran', async () => {
    const { run, report, junit, hostile } = await runAgainst({ kind: 'slow', delayMs: 150 }, 'slow', ['--deadline', '4s'], 2);
    expectIncomplete(run, report, junit, /the run reached its deadline of 4 s before it ended; raise --deadline, or check why the target answers slowly/);
    // Answered, only late: the checks that ran before the deadline are in the report, and far from all of them.
    expect(hostile).toBeGreaterThan(1);
    expect(report.totals.requests).toBeLessThan(400);
    expect(report.totals.cases).toBeGreaterThan(0);
  }, 120_000);
});

describe('what a run keeps of the answers', () => {
  const meta = { subject: { kind: 'operation', operationId: 'getThing' }, principal: 'owner', caseId: 'c' } as const;
  let sent = 0;
  /** Answers the n-th request (from 1) with a JSON body of `chars` characters naming n. */
  const answering =
    (chars: number): FetchLike =>
    () => {
      const n = ++sent;
      return Promise.resolve(new Response(JSON.stringify({ n, pad: 'x'.repeat(chars - 20) }), { headers: { 'content-type': 'application/json' } }));
    };

  it('keeps bodies whole within the budget, then cuts the oldest to an excerpt; the newest is always whole', async () => {
    sent = 0;
    const http = createHttpClient({ baseUrl: 'http://target.test', timeoutMs: 5_000, pacer: null, fetch: answering(100_000), maxKeptChars: 350_000 });
    for (let i = 0; i < 10; i++) {
      const exchange = await http.send({ method: 'GET', path: '/thing' }, meta);
      // The check that sent it reads it whole, parsed.
      expect((exchange.response?.json as { n: number }).n).toBe(i + 1);
    }
    const whole = http.exchanges.filter((e) => e.response?.released !== true);
    expect(whole.map((e) => e.id)).toEqual([8, 9, 10]);
    for (const e of http.exchanges.slice(0, 7)) {
      expect(e.response?.text).toHaveLength(4_000);
      expect(e.response?.json).toBeUndefined();
      expect(e.response?.bodyBytes).toBeGreaterThan(99_000);
    }
    expect(http.keptBodiesNote).toMatch(/^kept bodies: 7 answers' bodies \(0\.7 MiB\) were cut to their first 4000 characters after their check/);
  });

  it('a body over --max-body is not kept: the exchange records the limit and the bytes read, and the breaker does not count it', async () => {
    sent = 0;
    const guard = new RunGuard({ deadlineMs: null, maxUnanswered: 1, timeoutMs: 5_000 });
    const http = createHttpClient({ baseUrl: 'http://target.test', timeoutMs: 5_000, pacer: null, fetch: answering(300_000), maxBodyBytes: 64 * 1024, guard });
    const exchange = await http.send({ method: 'GET', path: '/thing' }, meta);
    expect(guard.reason).toBeNull();
    expect(exchange.response).toBeNull();
    expect(exchange.error).toMatch(/^a 200 answer whose body is over the 64 KiB limit \(--max-body\): [\d,]+ bytes read, the rest not read$/);
    expect(http.keptBodiesNote).toBeNull();
  });
});
