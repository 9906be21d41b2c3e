/**
 * The real CLI as a child process: usage, config and unreachable-target errors are one line and
 * exit 2; a broken target exits 1; without --target it checks the embedded mock and writes reports.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { BROKEN_TARGETS } from './helpers/broken-targets.js';
import { closedPort, runCli } from './helpers/cli.js';
import { startBrokenTarget } from './helpers/proxy.js';
import { TOURS_BROKEN_TARGETS } from './helpers/tours-broken-targets.js';
import { startToursBrokenTarget } from './helpers/tours-proxy.js';

const dir = mkdtempSync(join(tmpdir(), 'conformance-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectOneLineError(run: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('conformance CLI', () => {
  it.each([
    [['--bogus'], /^conformance: Unknown option '--bogus'\. Run with --help for usage\.$/],
    [['--target'], /^conformance: Option '--target <value>' argument missing/],
    [['--target', 'not a url'], /^conformance: --target must be an http\(s\) URL/],
    [['--target', 'ftp://example.test'], /^conformance: --target must be an http\(s\) URL/],
    [['--only', 'matrix,nope', '--target', 'http://127.0.0.1:9'], /^conformance: Unknown group "nope" in --only; use matrix, envelopes/],
    [['--timeout', 'soon', '--target', 'http://127.0.0.1:9'], /^conformance: --timeout needs a whole number/],
    [['extra'], /^conformance: Unexpected argument 'extra'/],
    [['--max-body', 'lots', '--target', 'http://127.0.0.1:9'], /^conformance: --max-body needs a size such as 1MiB, 512KiB or 100000 \(bytes\), got "lots"$/],
    [['--max-body', '0', '--target', 'http://127.0.0.1:9'], /^conformance: --max-body needs a size/],
    [['--deadline', '15', '--target', 'http://127.0.0.1:9'], /^conformance: --deadline needs a duration such as 15m, 90s or 1h \(or none\), got "15"$/],
    [['--max-unanswered', 'many', '--target', 'http://127.0.0.1:9'], /^conformance: --max-unanswered needs a whole number of requests/],
    [['--api', 'nope'], /^conformance: Unknown --api "nope"; use flashback or tours$/],
    [['--api', 'tours', '--only', 'matrix,nope', '--target', 'http://127.0.0.1:9'], /^conformance: Unknown group "nope" in --only; use credentials, matrix/],
  ])('usage error %j: one line, exit 2', async (args, pattern) => {
    expectOneLineError(await runCli(args), pattern);
  });

  it('an unreachable target: one line, exit 2', async () => {
    const port = await closedPort();
    expectOneLineError(
      await runCli(['--target', `http://127.0.0.1:${port}`]),
      new RegExp(`^conformance: Cannot reach http://127\\.0\\.0\\.1:${port}: connection refused$`),
    );
  });

  it('a config file that cannot be used: one line, exit 2', async () => {
    const port = await closedPort();
    expectOneLineError(
      await runCli(['--target', `http://127.0.0.1:${port}`, '--config', join(dir, 'missing.json')]),
      /^conformance: Cannot read the config file .*missing\.json: ENOENT$/,
    );
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run conformance -- \[options\]/);
  });

  it('a broken target exits 1 and prints the failure by kind', async () => {
    const broken = BROKEN_TARGETS.find((b) => b.name === 'BILLING may list users');
    if (!broken) throw new Error('catalogue');
    const target = await startBrokenTarget(broken.breakage);
    try {
      const run = await runCli(['--target', target.url, '--only', 'matrix']);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Wrong role (1)');
      expect(run.stdout).toContain('listOrganizationUsers as billing');
      expect(run.stdout).toContain('Received: 200. Expected: 403 (BILLING may not list organization users');
      expect(run.stdout).toContain("request: GET /organization/users  (Authorization: Bearer <billing's token>)");
      expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^conformance: FAILED, /);
    } finally {
      await target.close();
    }
  }, 60_000);

  it('without --target it checks the embedded mock, passes, and writes the reports', async () => {
    const files = { junit: join(dir, 'out/junit.xml'), json: join(dir, 'out/report.json'), html: join(dir, 'out/report.html') };
    const run = await runCli(['--junit', files.junit, '--json', files.json, '--html', files.html]);
    expect(run.code).toBe(0);
    // Not a terminal: stderr has one line as each group starts and ends, and the closing phases; nothing else.
    const progress = run.stderr.trimEnd().split('\n');
    expect(progress[0]).toMatch(/^conformance: \[1\/7\] envelopes started \(\d+\.\d s elapsed\)$/);
    expect(progress).toContainEqual(expect.stringMatching(/^conformance: \[2\/7\] matrix done: \d+ checks, 0 failed \(\d+\.\d s elapsed\)$/));
    expect(progress.slice(-2).map((l) => l.replace(/ \(.*/, ''))).toEqual(['conformance: clean-up', 'conformance: end-of-run sweeps']);
    expect(progress).toHaveLength(7 * 2 + 2);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^conformance: PASSED, \d+ checks, 0 failed/);
    for (const file of Object.values(files)) expect(existsSync(file), file).toBe(true);
    expect(XMLValidator.validate(readFileSync(files.junit, 'utf8'))).toBe(true);
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as { exitCode: number; target: string };
    expect(json.exitCode).toBe(0);
    expect(json.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(files.html, 'utf8')).toContain('<table class="matrix">');
  }, 60_000);

  describe('--api tours', () => {
    it('without --target it checks the embedded Tours mock and passes', async () => {
      const json = join(dir, 'tours/report.json');
      const run = await runCli(['--api', 'tours', '--json', json, '--quiet']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Principals from the target's GET /__mock/principals: acme-owner, acme-admin");
      expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^conformance: PASSED, \d+ checks, 0 failed/);
      const report = JSON.parse(readFileSync(json, 'utf8')) as { api: string; exitCode: number; spec: { file: string } };
      expect(report).toMatchObject({ api: 'tours', exitCode: 0 });
      expect(report.spec.file).toMatch(/tours-organizations\.yaml$/);
    }, 120_000);

    it('a broken Tours target exits 1 and prints the failure by kind, no credential shown', async () => {
      const broken = TOURS_BROKEN_TARGETS.find((b) => b.name === 'a coordinator may update members');
      if (!broken) throw new Error('catalogue');
      const target = await startToursBrokenTarget(broken.breakage);
      try {
        const run = await runCli(['--api', 'tours', '--target', target.url, '--only', 'matrix']);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain('Wrong role (2)');
        expect(run.stdout).toContain('updateMember as acme-coordinator (session), acme-coordinator (key) (2×) [matrix]');
        expect(run.stdout).toMatch(/Received: 404\. Expected: 403 \(TR2: /);
        expect(run.stdout).toMatch(/request: PATCH \/api\/organizations\/members\/\S+ \{"status":"active"\}/);
        const listed = (await (await fetch(`${target.mock.url}/__mock/principals`)).json()) as { principals: { apiKey: string; sessionToken: string }[] };
        for (const p of listed.principals) {
          expect(run.stdout).not.toContain(p.apiKey);
          expect(run.stdout).not.toContain(p.sessionToken);
        }
        expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^conformance: FAILED, /);
      } finally {
        await target.close();
      }
    }, 60_000);

    it('a Tours config naming an unknown principal: one line, exit 2', async () => {
      const file = join(dir, 'tours-config.json');
      writeFileSync(file, JSON.stringify({ principals: { 'acme-ceo': { apiKey: 'tke_test_x' } } }));
      const port = await closedPort();
      expectOneLineError(
        await runCli(['--api', 'tours', '--target', `http://127.0.0.1:${port}`, '--config', file]),
        /^conformance: .*tours-config\.json: unknown principal "acme-ceo"; use acme-owner, acme-admin, /,
      );
    });
  });
});
