/**
 * What CI users hit (issue 10), in the kernel so that every profile gets it: principals that are
 * the same user refuse the run (exit 2, naming them); `--fail-on-skip` fails a run that skipped
 * checks, and the console says loudly what was skipped and how to run it; a run that could not
 * start still writes the --junit, --json and --html files it was asked for; message-only
 * differences are one kind, folded by cause; a target that keeps no state gets a hint.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConsoleReport, runConformance, type RunResult } from '../../conformance/index.js';
import { documentedMessages } from '../../conformance/kernel/assertions/documented.js';
import { sharedIdentities } from '../../conformance/kernel/identities.js';
import { Recorder } from '../../conformance/kernel/recorder.js';
import { foldMessages } from '../../conformance/kernel/reports/grouping.js';
import { formatHtmlReport } from '../../conformance/kernel/reports/html.js';
import { formatJunitReport } from '../../conformance/kernel/reports/junit.js';
import { flashbackApi, toursApi } from '../../src/apis/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { startPrism, type PrismServer } from '../helpers/prism.js';
import { BROKEN_TARGETS } from './helpers/broken-targets.js';
import { closedPort, runCli } from './helpers/cli.js';
import { startBrokenTarget, type MockPrincipal } from './helpers/proxy.js';

const dir = mkdtempSync(join(tmpdir(), 'conformance-ci-'));
let mock: RunningServer;
let principals: Map<string, MockPrincipal>;

beforeAll(async () => {
  mock = await startServer({ definition: flashbackApi, port: 0, log: null });
  const listed = (await (await fetch(`${mock.url}/__mock/principals`)).json()) as { principals: MockPrincipal[] };
  principals = new Map(listed.principals.map((p) => [p.name, p]));
});
afterAll(async () => {
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

function token(name: string): string {
  const t = principals.get(name)?.accessToken;
  if (!t) throw new Error(`the mock lists no token for ${name}`);
  return t;
}

function configFile(name: string, given: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ principals: given }));
  return file;
}

function reportPaths(name: string): { junit: string; json: string; html: string } {
  return { junit: join(dir, name, 'junit.xml'), json: join(dir, name, 'report.json'), html: join(dir, name, 'report.html') };
}

const junitParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

/** The exit-2 reports: JUnit with one errored `setup` case, JSON `{setupError, exitCode: 2}`, an HTML page saying why. */
function expectSetupReports(files: { junit: string; json: string; html: string }, message: RegExp): void {
  const xml = readFileSync(files.junit, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const parsed = junitParser.parse(xml) as {
    testsuites: { errors: string; testsuite: { name: string; testcase: { name: string; error: { type: string; message: string } } } };
  };
  expect(parsed.testsuites.errors).toBe('1');
  expect(parsed.testsuites.testsuite.name).toBe('setup');
  expect(parsed.testsuites.testsuite.testcase.name).toBe('setup');
  expect(parsed.testsuites.testsuite.testcase.error.type).toBe('SetupError');
  expect(parsed.testsuites.testsuite.testcase.error.message).toMatch(message);
  const json = JSON.parse(readFileSync(files.json, 'utf8')) as { setupError: string; exitCode: number };
  expect(json.exitCode).toBe(2);
  expect(json.setupError).toMatch(message);
  const html = readFileSync(files.html, 'utf8');
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).toContain(`<p class="setup">The run could not start: ${json.setupError.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}</p>`);
}

describe('principals that are the same user', () => {
  it('refuse the run: exit 2, one line naming both, and the asked-for reports say so', async () => {
    const file = configFile('same.json', { owner: { token: token('owner') }, administrator: { token: token('owner') }, billing: { token: token('billing') } });
    const files = reportPaths('same');
    const run = await runCli(['--target', mock.url, '--config', file, '--junit', files.junit, '--json', files.json, '--html', files.html]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^conformance: These principals are the same user: owner and administrator \(userId 11111111-1111-4111-8111-111111111111, the same token\)\. Give each principal its own account, .*check config file .*same\.json\.$/,
    );
    expect(lines[0]).not.toContain(token('owner'));
    expectSetupReports(files, /^These principals are the same user: owner and administrator/);
  }, 60_000);

  it('refuse a Tours run too: two principals given one API key', async () => {
    const tours = await startServer({ definition: toursApi, port: 0, log: null });
    try {
      const listing = (await (await fetch(`${tours.url}/__mock/principals`)).json()) as { principals: { name: string; apiKey: string }[] };
      const key = listing.principals.find((p) => p.name === 'acme-admin')?.apiKey;
      const file = join(dir, 'tours-same.json');
      writeFileSync(file, JSON.stringify({ principals: { 'acme-owner': { apiKey: key }, 'acme-admin': { apiKey: key } } }));
      const run = await runCli(['--api', 'tours', '--target', tours.url, '--config', file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^conformance: These principals are the same user: acme-owner and acme-admin \(the same API key\)\. [^\n]+\n$/);
      expect(run.stderr).not.toContain(String(key));
    } finally {
      await tours.close();
    }
  }, 60_000);

  it('are found by userId, by a shared credential (an e-mail in any case), and in sets of three', () => {
    const id = (name: string, userId: string | null, ...credentials: [string, string][]) => ({
      name,
      userId,
      credentials: credentials.map(([label, value]) => ({ label, value })),
    });
    expect(sharedIdentities([id('owner', 'u1', ['token', 'a']), id('billing', 'u2', ['token', 'b']), id('user', null, ['token', 'c'])])).toEqual([]);
    expect(sharedIdentities([id('owner', 'u1', ['token', 'a']), id('user', 'u1', ['token', 'b'])])).toEqual([
      { names: ['owner', 'user'], shared: ['userId u1'] },
    ]);
    expect(sharedIdentities([id('deleted', null, ['e-mail', 'x@a.test']), id('unvalidated', null, ['e-mail', 'x@a.test'])])).toEqual([
      { names: ['deleted', 'unvalidated'], shared: ['the same e-mail'] },
    ]);
    expect(sharedIdentities([id('owner', 'u1', ['token', 'a']), id('administrator', null, ['token', 'a']), id('workspaces', 'u1'), id('user', 'u9')])).toEqual([
      { names: ['owner', 'administrator', 'workspaces'], shared: ['the same token', 'userId u1'] },
    ]);
  });

  it('from the mock, every principal its own user: the run goes on', async () => {
    const result = await runConformance({ target: mock.url, only: 'secrets' });
    expect(result.exitCode).toBe(0);
  }, 60_000);
});

describe('a run that could not start still writes the reports it was asked for', () => {
  it('an unreachable target: exit 2, and JUnit, JSON and HTML carry the reason', async () => {
    const port = await closedPort();
    const files = reportPaths('unreachable');
    const run = await runCli(['--target', `http://127.0.0.1:${port}`, '--junit', files.junit, '--json', files.json, '--html', files.html]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([`conformance: Cannot reach http://127.0.0.1:${port}: connection refused`]);
    expectSetupReports(files, new RegExp(`^Cannot reach http://127\\.0\\.0\\.1:${port}: connection refused$`));
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as { target: string; api: string | null };
    expect(json.target).toBe(`http://127.0.0.1:${port}`);
  });

  it('a config that cannot be used: the same', async () => {
    const files = reportPaths('badconfig');
    const run = await runCli(['--target', mock.url, '--config', join(dir, 'missing.json'), '--json', files.json, '--junit', files.junit, '--html', files.html]);
    expect(run.code).toBe(2);
    expectSetupReports(files, /^Cannot read the config file .*missing\.json: ENOENT$/);
  });
});

describe('--fail-on-skip, and the loud summary of what was skipped', () => {
  it('with one principal given: exit 1, the skips counted by reason, and which principals to give', async () => {
    const file = configFile('one.json', { owner: { token: token('owner') } });
    const files = reportPaths('one');
    const run = await runCli(['--target', mock.url, '--config', file, '--only', 'matrix', '--fail-on-skip', '--junit', files.junit, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/▲ \d+ of \d+ checks \(\d+%\) were SKIPPED: they say nothing about the target\./);
    expect(run.stdout).toMatch(/\s+\d+ × needs the administrator principal: give it in --config or as CONFORMANCE_ADMINISTRATOR_TOKEN\n/);
    expect(run.stdout).toContain(
      'To run more of them, give the principals not given: administrator, workspaces, billing, user, outsider, orgless, deleted, unvalidated',
    );
    expect(run.stdout).toContain('--fail-on-skip: the skips fail this run.');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^conformance: FAILED, \d+ checks, 0 failed \(0 failures\), \d+ skipped; .*; skipped checks fail the run \(--fail-on-skip\)$/,
    );
    // The JUnit file agrees with the exit code: one more case, failed, that counts the skips.
    const parsed = junitParser.parse(readFileSync(files.junit, 'utf8')) as {
      testsuites: { failures: string; testsuite: { name: string; testcase: unknown }[] };
    };
    expect(parsed.testsuites.failures).toBe('1');
    expect(parsed.testsuites.testsuite.find((s) => s.name === 'skips')?.testcase).toMatchObject({
      name: 'no check skipped (--fail-on-skip)',
      failure: { type: 'skipped', message: expect.stringMatching(/^\d+ of \d+ checks were skipped, and --fail-on-skip makes that a failure$/) },
    });
  }, 60_000);

  it('without it the same run passes (exit 0), still saying loudly what was skipped and how to fail on it', async () => {
    const file = configFile('one-lenient.json', { owner: { token: token('owner') } });
    const result = await runConformance({ target: mock.url, configFile: file, only: 'matrix' });
    expect(result.exitCode).toBe(0);
    expect(result.options.failOnSkip).toBe(false);
    expect(result.totals.skipped).toBeGreaterThan(50);
    const text = formatConsoleReport(result);
    expect(text).toContain('were SKIPPED: they say nothing about the target.');
    expect(text).toContain('To make a run with skipped checks fail (exit 1), add --fail-on-skip.');
    expect(formatHtmlReport(result)).toMatch(
      /<p class="skipped-loud">\d+ of \d+ checks were skipped: they say nothing about the target\. To run more of them, give the principals not given: administrator, [^<]*<code>--config FILE<\/code>.*add <code>--fail-on-skip<\/code>\.<\/p>/,
    );
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^conformance: PASSED, /);
  }, 60_000);

  it('a run with nothing skipped passes under it', async () => {
    const result = await runConformance({ target: mock.url, only: 'tenancy', failOnSkip: true });
    expect(result.totals.skipped).toBe(0);
    expect(result.exitCode).toBe(0);
    expect(formatConsoleReport(result)).not.toContain('SKIPPED');
  }, 60_000);
});

describe('a message-only difference is its own kind, folded by cause', () => {
  const reworded = BROKEN_TARGETS.find((b) => b.name === 'every message reworded');
  if (!reworded) throw new Error('catalogue');
  let result: RunResult;

  beforeAll(async () => {
    const target = await startBrokenTarget(reworded.breakage);
    try {
      result = await runConformance({ target: target.url, runId: 'reworded' });
    } finally {
      await target.close();
    }
  }, 120_000);

  it('every failure of a target that rewords every message is a `message` failure', () => {
    expect(result.exitCode).toBe(1);
    expect(result.failures.length).toBeGreaterThan(100);
    expect(result.failures.filter((f) => f.kind !== 'message' || f.type !== 'message').map((f) => `${f.kind} ${f.caseId}: ${f.message}`)).toEqual([]);
  });

  it('folds them into one entry per documented message, with counts, operations and --lenient-messages', () => {
    const folds = foldMessages(result.failures);
    const documented = new Set(result.failures.map((f) => (f.type === 'message' ? f.expected : '')));
    expect(folds).toHaveLength(documented.size);
    expect(folds.length).toBeLessThan(result.failures.length / 5);
    const text = formatConsoleReport(result, { maxPerKind: 100 });
    expect(text).toMatch(new RegExp(`Message differs from the spec \\(${result.failures.length} in \\d+ responses, ${folds.length} causes\\)`));
    expect(text).toContain('run with --lenient-messages');
    for (const title of ['Wrong role', 'Wrong tenant', 'Missing or ignored auth', 'Business rule', 'Envelope or schema', 'Robustness'])
      expect(text).not.toContain(`\n${title} (`);
    expect(text.split('\n').filter((l) => l.startsWith('  ✗ '))).toHaveLength(folds.length);
    expect(text).toMatch(
      / {2}✗ "Something else" where the spec says "Authentication required" \(\d+ responses\)\n {4}in getOrganization, updateOrganization, /,
    );
  });

  it('the HTML matrix shows what differed where the status was right, and folds the same way', () => {
    const html = formatHtmlReport(result);
    expect(html).toMatch(
      /<td class="cell fail" title="[^"]*\nReceived: &quot;Something else&quot;\. Expected: &quot;Insufficient permissions to view users&quot;[^"]*"><a href="#case-[^"]+">403, message differs<\/a><\/td>/,
    );
    expect(html).not.toMatch(/class="cell fail"[^>]*><a [^>]*>(\d{3}) \/ \1</);
    expect(html).toContain('<h3 class="kind">Message differs from the spec (');
    expect(html).toContain('<code>--lenient-messages</code>');
    expect(html.match(/<article class="failure fold">/g)).toHaveLength(foldMessages(result.failures).length);
  });

  it('JUnit files each failed case under its kind, `message`', () => {
    const parsed = junitParser.parse(formatJunitReport(result)) as { testsuites: { testsuite: { testcase: { failure?: { type: string } }[] }[] } };
    const types = parsed.testsuites.testsuite.flatMap((s) => s.testcase.map((c) => c.failure?.type).filter(Boolean));
    expect(new Set(types)).toEqual(new Set(['message']));
  });
});

describe('a target that keeps no state', () => {
  let prism: PrismServer | undefined;
  beforeAll(async () => {
    prism = await startPrism('openapi/organization.yaml');
  }, 60_000);
  afterAll(async () => {
    await prism?.stop();
  });

  it('(Prism, answering from the spec examples) gets a one-line hint, printed prominently', async () => {
    if (!prism) throw new Error('prism');
    // Prism checks no token; the ids say who the owner is, as the config of a real backend may.
    const file = configFile('prism.json', {
      owner: { token: token('owner'), userId: '11111111-1111-4111-8111-111111111111', orgId: '123e4567-e89b-12d3-a456-426614174000' },
    });
    const result = await runConformance({ target: prism.baseUrl, configFile: file, only: 'lifecycle' });
    expect(result.exitCode).toBe(1);
    expect(result.hints).toEqual([
      'The target seems to keep no state: a create answered 201, but neither a list nor a get right after it shows the new user. Is it a static mock such as Prism? Point the suite at a stateful backend, or at the mock (npm start).',
    ]);
    const text = formatConsoleReport(result);
    expect(text).toContain('▲ Hint: The target seems to keep no state: a create answered 201');
    expect(formatHtmlReport(result)).toContain('<p class="hint">Hint: The target seems to keep no state');
  }, 60_000);

  it('the mock, which keeps state, gets none', async () => {
    const result = await runConformance({ target: mock.url, only: 'lifecycle' });
    expect(result.exitCode).toBe(0);
    expect(result.hints).toEqual([]);
  }, 60_000);
});

describe('the recorder files a message difference', () => {
  const draft = (received: string | null) =>
    ({
      type: 'message',
      kind: 'tenant',
      reason: 'O1',
      expected: 'Access denied',
      received,
      operation: 'op',
      principal: 'p',
      request: null,
      exchangeId: null,
    }) as const;

  it('under `message` when the spec documents the wording nowhere (or there is none), under the rule when it is another documented message', () => {
    const recorder = new Recorder({ readOnly: false, documentedMessages: new Set(['Access denied', 'Insufficient permissions']) });
    expect(recorder.addFailure(draft('Nope'), 'matrix', 'c1').kind).toBe('message');
    expect(recorder.addFailure(draft(null), 'matrix', 'c2').kind).toBe('message');
    expect(recorder.addFailure(draft('Insufficient permissions'), 'matrix', 'c3').kind).toBe('tenant');
  });

  it('reads the documented wording from every example, extension and pinned schema value of the spec', () => {
    const found = documentedMessages({
      paths: { '/a': { 'x-access': { denied: { message: 'From x-access' } } } },
      components: {
        schemas: { E: { properties: { message: { const: 'Pinned' }, error: { enum: ['One', 'Two'] } } } },
        examples: { x: { value: { error: 'Tours' } } },
      },
    });
    expect([...found].sort()).toEqual(['From x-access', 'One', 'Pinned', 'Tours', 'Two']);
  });
});
