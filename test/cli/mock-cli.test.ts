/**
 * The `npm start` command as a process (src/cli/mock.ts run with tsx): help, one-line usage errors
 * with exit code 2, a busy port, an unusable state file, and a clean exit 0 on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../src/contract/index.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const CLI = projectPath('src/cli/mock.ts');

function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: projectPath(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const expectOneLineUsageError = (result: Run, pattern: RegExp): void => {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^mock: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\bat \S+:\d+/);
};

const dir = mkdtempSync(join(tmpdir(), 'mock-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start (src/cli/mock.ts)', () => {
  it('--help lists every flag and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--port',
      '--host',
      '--seed',
      '--users',
      '--token-ttl',
      '--state-file',
      '--latency',
      '--error-rate',
      '--cors-origin',
      '--no-control-plane',
      '--quiet',
      '--help',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it.each([
    [['--bogus'], /unknown option --bogus\. Run with --help/],
    [['--port', 'abc'], /--port must be a whole number/],
    [['--error-rate', '2'], /--error-rate must be a number from 0 to 1/],
  ])('%j: one line on stderr, exit 2', async (args, pattern) => {
    expectOneLineUsageError(await run(args), pattern);
  });

  it('a busy port: one line on stderr, exit 2', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      expectOneLineUsageError(await run(['--port', String(port), '--quiet']), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      blocker.close();
    }
  });

  it('a corrupt state file: one line on stderr, exit 2, the file untouched', async () => {
    const file = join(dir, 'corrupt.json');
    writeFileSync(file, '{"format": "org-contract-mock-state", "users": [');
    const before = statSync(file).mtimeMs;
    const result = await run(['--port', '0', '--quiet', '--state-file', file]);
    expectOneLineUsageError(result, /state file .*corrupt\.json is not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"format": "org-contract-mock-state", "users": [');
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('prints the URL and the principals, logs each request, and exits 0 on SIGTERM after flushing the log', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0'], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const found = /listening on (http:\/\/\S+)/.exec(stdout);
        if (found && stdout.includes('unvalidated')) resolve(found[1] as string);
      });
      child.on('exit', () => reject(new Error(`exited early: ${stdout}`)));
    });
    for (const email of ['owner@acme.test', 'workspaces@acme.test', 'Owner-Passw0rd']) expect(stdout).toContain(email);
    expect(stdout).toMatch(/^owner\s+OWNER\s+owner@acme\.test\s+Owner-Passw0rd\s+eyJ/m);
    expect((await fetch(`${url}/organization/users`)).status).toBe(401);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/^\S+Z GET \/organization\/users 401 \d+\.\dms -$/m);
  });
});
