/**
 * The bench harness runs end to end on its tiny configuration: it exits 0, prints the table and the
 * target lines, and writes a JSON with every section. Figures are never asserted: they depend on the
 * machine and on whatever else runs on it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const outDir = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the bench on its tiny configuration (npm run bench -- --tiny)', () => {
  let result: Run;

  it('exits 0 and prints the throughput table and the target lines', { timeout: 300_000 }, async () => {
    // `npm run bench` is build + run; the build runs here only when dist/ is missing, so that this
    // test does not rewrite dist/ under other tests that are spawning the built mock.
    if (!existsSync(path.join(ROOT, 'dist/bundle/mock.mjs'))) {
      const build = await run('npm', ['run', '-s', 'build'], 120_000);
      expect(build.code, build.stdout + build.stderr).toBe(0);
    }
    // --rate keeps the load light: this test checks the harness, and other tests share the CPUs.
    const args = ['--import', 'tsx', 'bench/run.ts', '--tiny', '--rate', '300', '--out', outDir];
    result = await run(process.execPath, args, 280_000);
    expect(result.code, result.stderr.slice(-3_000)).toBe(0);
    expect(result.stdout).toMatch(/request\s+server\s+req\/s\s+p50 ms\s+p99 ms/);
    for (const label of [
      'GET /organization/{orgId}',
      'GET /organization/users',
      'POST /organization/users',
      'POST /user/login',
      'GET /api/organizations/me',
      'GET /api/organizations/members?limit=100 (1,000 members)',
    ]) {
      expect(result.stdout).toContain(label);
    }
    expect(result.stdout).toContain('bare node:http');
    expect(result.stdout).toContain('Prism static');
    expect(result.stdout).toMatch(/Targets:\n(\s+(PASS|MISS|SKIP)\s+.+\n)+/);
    expect(result.stdout).toContain('reads ≥ 60% of bare (CPU per request): GET /organization/{orgId}');
    expect(result.stdout).toContain('reads ≥ 60% of bare: GET /api/organizations/me');
    expect(result.stdout).toContain('reads ≥ 4× Prism: GET /api/organizations/members?limit=100 (1,000 members)');
  });

  it('writes a timestamped JSON and latest.json with every section', () => {
    const files = readdirSync(outDir);
    expect(files).toContain('latest.json');
    expect(files.some((f) => /^\d{4}-\d\d-\d\dT.*-tiny\.json$/.test(f))).toBe(true);
    const json = JSON.parse(readFileSync(path.join(outDir, 'latest.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['version', 'machine', 'config', 'throughput', 'ratios', 'startup', 'scale', 'stateFile', 'conformance', 'targets']),
    );
    const rows = json['throughput'] as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(0);
    // --tiny runs one round; every row keeps its rounds' figures, and every ratio its per-round values.
    expect((json['config'] as Record<string, unknown>)['rounds']).toBe(1);
    for (const row of rows) {
      expect(row).toEqual(
        expect.objectContaining({
          request: expect.any(String),
          api: expect.stringMatching(/^(flashback|tours)$/),
          server: expect.any(String),
          rps: expect.any(Number),
          p50Ms: expect.any(Number),
          p99Ms: expect.any(Number),
        }),
      );
      expect(row['rounds']).toEqual([expect.objectContaining({ round: 1, rps: expect.any(Number), p50Ms: expect.any(Number), p99Ms: expect.any(Number) })]);
      // CPU time per request: a number, or null where the server's pid or /proc is unavailable.
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['cpuUsPerRequest', 'cpuUsMin', 'cpuUsMax']));
      const [only] = row['rounds'] as Record<string, unknown>[];
      expect(Object.keys(only ?? {})).toEqual(expect.arrayContaining(['cpuMs', 'cpuUsPerRequest']));
      for (const value of [row['cpuUsPerRequest'], only?.['cpuUsPerRequest']]) expect(value === null || typeof value === 'number').toBe(true);
    }
    expect(json['version']).toBe(4);
    for (const ratio of json['ratios'] as Record<string, unknown>[]) {
      expect(ratio).toEqual(
        expect.objectContaining({ roundsOverBare: expect.any(Array), roundsOverPrism: expect.any(Array), roundsCpuBareOverMock: expect.any(Array) }),
      );
      expect(Object.keys(ratio)).toContain('cpuBareOverMock');
    }
    expect(new Set(rows.map((r) => r['request']))).toEqual(
      new Set(['get-org', 'list-users', 'get-user', 'create-user', 'forbidden', 'login', 'tours-me', 'tours-members']),
    );
    // The Tours reads run on the Tours mock, the bare server and Prism serving the Tours spec, like Flashback's.
    for (const request of ['tours-me', 'tours-members']) {
      expect(new Set(rows.filter((r) => r['request'] === request).map((r) => `${String(r['api'])} ${String(r['server'])}`))).toEqual(
        new Set(['tours mock', 'tours bare', 'tours prism']),
      );
    }
    const targets = (json['targets'] as { id: string }[]).map((t) => t.id);
    expect(targets).toEqual(expect.arrayContaining(['bare:tours-me', 'prism:tours-me', 'bare:tours-members', 'prism:tours-members']));
    for (const target of json['targets'] as { status: string }[]) expect(['PASS', 'MISS', 'SKIP']).toContain(target.status);
  });
});

describe('bench flags', () => {
  it('rejects an unknown flag with one line and exit code 2', async () => {
    const bad = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--bogus'], 60_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--bogus');
  });

  it('rejects --rounds outside its bounds with one line and exit code 2', async () => {
    const bad = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--rounds', '0'], 60_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--rounds');
  });

  it('rejects an API it does not know with one line and exit code 2', async () => {
    const bad = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--api', 'tours,petstore'], 60_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--api expects a list of flashback, tours');
  });

  it('rejects a malformed value with one line and exit code 2', async () => {
    const bad = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--connections', 'many'], 60_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
