/**
 * What a CI script does with the mock, as processes: `npm start &` then `kill $!` (npm's pid) stops
 * the mock too; `--port 0 --ready-file F` tells the script the port; an unchanged tree starts from
 * the bundle as it is (no rebuild) while an edited one is rebuilt first; a spec that does not parse
 * is one line naming the file and line, exit 2; `npx org-contract` with no or a wrong command says
 * what to do, exit 2.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../src/contract/index.js';

const TIMEOUT_MS = 60_000;
const work = mkdtempSync(join(tmpdir(), 'npm-start-walls-'));
afterAll(() => rm(work, { recursive: true, force: true }), 60_000);

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function finish(child: ChildProcess): Promise<Exit> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function until<T>(what: string, probe: () => Promise<T | null> | T | null): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const readReady = (file: string): { url: string; port: number; pid: number } | null => {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as { url: string; port: number; pid: number };
};

const answers = async (url: string): Promise<boolean> => {
  try {
    return (await fetch(`${url}/__mock/health`)).status === 200;
  } catch {
    return false;
  }
};

/** A copy of what the launcher needs (sources, specs, fixtures, the bundle), to edit without touching the repository. */
function copyProject(name: string): string {
  const dir = join(work, name);
  for (const part of ['bin', 'scripts', 'src', 'openapi', 'fixtures', 'dist/bundle', 'package.json', 'package-lock.json']) {
    cpSync(projectPath(part), join(dir, part), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(projectPath('node_modules'), join(dir, 'node_modules'));
  return dir;
}

const launcher = (cwd: string, args: readonly string[]): ChildProcess =>
  spawn(process.execPath, [join(cwd, 'bin', 'org-contract.mjs'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(async () => {
  // The bundle the copies start from: built (or found fresh) by the launcher itself.
  const exit = await finish(launcher(projectPath(), ['mock', '--help']));
  expect(exit.code, exit.stderr).toBe(0);
}, TIMEOUT_MS);

describe('npm start in a CI script', () => {
  it(
    '`kill $!` of npm stops the mock as well, and --ready-file tells the port of --port 0',
    async () => {
      const ready = join(work, 'ready.json');
      const npm = spawn('npm', ['start', '--', '--port', '0', '--quiet', '--ready-file', ready], { cwd: projectPath(), stdio: 'ignore' });
      const { url, port, pid } = await until('the ready file', () => readReady(ready));
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect(port).toBeGreaterThan(0);
      expect(pid).not.toBe(npm.pid);
      expect(await answers(url)).toBe(true);
      npm.kill('SIGTERM'); // npm only, as `kill $!` does: not its process group
      await until('the mock to stop answering', async () => ((await answers(url)) ? null : true));
      await until('the mock process to end', () => {
        try {
          process.kill(pid, 0);
          return null;
        } catch {
          return true;
        }
      });
    },
    TIMEOUT_MS,
  );
});

describe('the launcher (bin/org-contract.mjs)', () => {
  it(
    'starts an unchanged tree from its bundle as it is, and rebuilds the bundle after an edit',
    async () => {
      const dir = copyProject('rebuild');
      const bundle = join(dir, 'dist', 'bundle', 'mock.mjs');
      // The bundle newer than every source (copies keep their times, and a source may be newer than the repository's bundle).
      const fresh = new Date(Date.now() + 60_000);
      const startOnce = async (): Promise<void> => {
        const exit = await finish(launcher(dir, ['mock', '--help']));
        expect(exit.code, exit.stderr).toBe(0);
      };
      // Sources older than the bundle: nothing is rebuilt, the bundle keeps its time.
      utimesSync(bundle, fresh, fresh);
      const before = statSync(bundle).mtimeMs;
      await startOnce();
      expect(statSync(bundle).mtimeMs).toBe(before);
      // An edited source: the bundle is rebuilt before the command runs.
      const edited = join(dir, 'src', 'cli', 'mock-options.ts');
      writeFileSync(edited, readFileSync(edited, 'utf8').replace('Show this help.', 'Show this edited help.'));
      const later = new Date(fresh.getTime() + 60_000);
      utimesSync(edited, later, later);
      const exit = await finish(launcher(dir, ['mock', '--help']));
      expect(exit.stdout).toContain('Show this edited help.');
      // Rebuilt: the bundle itself now holds the edit (its time is now, which is before the future date it had).
      expect(readFileSync(bundle, 'utf8')).toContain('Show this edited help.');
    },
    TIMEOUT_MS,
  );

  it(
    'a spec that does not parse: one line naming the file, line and column, exit 2',
    async () => {
      const dir = copyProject('broken-spec');
      const spec = join(dir, 'openapi', 'organization.yaml');
      const lines = readFileSync(spec, 'utf8').split('\n');
      lines.splice(2, 0, 'broken: [1, 2');
      writeFileSync(spec, lines.join('\n'));
      const exit = await finish(launcher(dir, ['mock', '--port', '0', '--quiet']));
      expect(exit.code).toBe(2);
      expect(exit.stderr).toMatch(/^mock: openapi\/organization\.yaml:\d+:\d+: [^\n]+; fix the spec[^\n]*\n$/);
    },
    TIMEOUT_MS,
  );

  it(
    'no command, or an unknown one: what to do, exit 2',
    async () => {
      const none = await finish(launcher(projectPath(), []));
      expect(none.code).toBe(2);
      expect(none.stdout).toContain('Usage: org-contract <command>');
      const wrong = await finish(launcher(projectPath(), ['mokc']));
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/^org-contract: unknown command "mokc"; use [^\n]+\n$/);
    },
    TIMEOUT_MS,
  );
});
