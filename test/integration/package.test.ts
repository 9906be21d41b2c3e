/**
 * The package as another project gets it: `npm pack` (its `prepack` builds the clients' JavaScript
 * and declarations and the command bundles), then `npm install <tarball>` into a fresh project
 * outside the repository, which uses the typed client from TypeScript (a typed call compiles, a
 * wrong one does not), `startMock()` from a vitest test, and the `org-contract` bin.
 */
import { execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../src/contract/index.js';

const run = promisify(execFile);
const TIMEOUT_MS = 300_000;
const work = mkdtempSync(join(tmpdir(), 'package-test-'));
const consumer = join(work, 'consumer');
// The installed dependencies are many files: removing them takes a while on a busy machine.
afterAll(() => rm(work, { recursive: true, force: true }), 120_000);

const tsc = projectPath('node_modules', 'typescript', 'bin', 'tsc');
const vitest = projectPath('node_modules', 'vitest', 'vitest.mjs');

beforeAll(async () => {
  await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: projectPath(), maxBuffer: 16 * 1024 * 1024 });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball)], { cwd: consumer, maxBuffer: 16 * 1024 * 1024 });
  // The test tools come from this repository: the consumer installs only the package.
  symlinkSync(projectPath('node_modules', 'vitest'), join(consumer, 'node_modules', 'vitest'));
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] },
    }),
  );
}, TIMEOUT_MS);

describe('the packed package, installed into another project', () => {
  it('ships the clients, the mock, the bin, the specs and fixtures, and no sources or tests', () => {
    const installed = join(consumer, 'node_modules', 'org-contract');
    for (const file of [
      'dist/package/client.js',
      'dist/package/client.d.ts',
      'dist/package/mock.js',
      'dist/bundle/mock.mjs',
      'bin/org-contract.mjs',
      'openapi/tours-organizations.yaml',
    ]) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, 'src', 'cli'))).toBe(false);
    expect(existsSync(join(installed, 'test'))).toBe(false);
    // The client imports nothing but openapi-fetch.
    const client = readFileSync(join(installed, 'dist/package/client.js'), 'utf8');
    expect([...client.matchAll(/from '([^']+)'/g)].map((m) => m[1])).toEqual(['openapi-fetch']);
  });

  it(
    'types the client from TypeScript: a call by the spec compiles, a wrong one does not',
    async () => {
      writeFileSync(
        join(consumer, 'good.ts'),
        `import { createToursClient, createOrganizationClient } from 'org-contract/client';
const tours = createToursClient({ baseUrl: 'http://127.0.0.1:4010', apiKey: 'tke_test_x' });
const me = await tours.GET('/api/organizations/me');
const name: string | undefined = me.data?.name;
const flashback = createOrganizationClient({ baseUrl: 'http://127.0.0.1:4010' });
const login = await flashback.POST('/user/login', { body: { email: 'a@b.c', password: 'p' } });
export const used = [name, login.data?.accessToken];
`,
      );
      const good = await run(process.execPath, [tsc, '-p', consumer], { cwd: consumer }).then(
        () => '',
        (error: { stdout: string }) => error.stdout,
      );
      expect(good).toBe('');
      writeFileSync(
        join(consumer, 'bad.ts'),
        `import { createToursClient } from 'org-contract/client';
const tours = createToursClient({ baseUrl: 'http://127.0.0.1:4010' });
export const wrong = await tours.GET('/api/organizations/not-a-route');
`,
      );
      const bad = await run(process.execPath, [tsc, '-p', consumer], { cwd: consumer }).then(
        () => 'compiled',
        (error: { stdout: string }) => error.stdout,
      );
      rmSync(join(consumer, 'bad.ts'));
      expect(bad).toMatch(/bad\.ts\(3,\d+\): error TS\d+/);
    },
    TIMEOUT_MS,
  );

  it(
    'starts either API from a vitest test with startMock(), resets it and closes it',
    async () => {
      writeFileSync(
        join(consumer, 'mock.test.ts'),
        `import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMock, type RunningMock, type ToursPrincipal } from 'org-contract/mock';
import { createToursClient } from 'org-contract/client';

let mock: RunningMock<ToursPrincipal>;
beforeAll(async () => { mock = await startMock({ api: 'tours' }); });
afterAll(() => mock.close());

it('serves the Tours API with the seeded principals, and a reset undoes a change', async () => {
  const owner = mock.principals.find((p) => p.name === 'acme-owner');
  expect(owner?.apiKey).toMatch(/^tke_/);
  const client = createToursClient({ baseUrl: mock.url, apiKey: owner?.apiKey ?? '' });
  const before = await client.GET('/api/organizations/me');
  expect(before.response.status).toBe(200);
  await client.PATCH('/api/organizations/me', { body: { name: 'Renamed Tours' } });
  expect((await client.GET('/api/organizations/me')).data?.name).toBe('Renamed Tours');
  await mock.reset();
  expect((await client.GET('/api/organizations/me')).data?.name).toBe(before.data?.name);
});

it('serves Flashback too', async () => {
  const { startMock: start } = await import('org-contract/mock');
  const flashback = await start();
  try {
    const res = await fetch(flashback.url + '/__mock/health');
    expect(res.status).toBe(200);
    expect(flashback.principals.some((p) => p.accessToken)).toBe(true);
  } finally {
    await flashback.close();
  }
});
`,
      );
      const result = await run(process.execPath, [vitest, 'run', '--root', consumer, 'mock.test.ts'], { cwd: consumer }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stdout + error.stderr }),
      );
      expect(result.code, result.out).toBe(0);
      expect(result.out).toMatch(/2 passed/);
    },
    TIMEOUT_MS,
  );

  it(
    'runs the bin: `npx org-contract --help`, and `org-contract mock` answers on the port its ready file names',
    async () => {
      const bin = join(consumer, 'node_modules', '.bin', 'org-contract');
      const help = await run(bin, ['--help'], { cwd: consumer });
      expect(help.stdout).toContain('Usage: org-contract <command>');
      for (const command of ['mock', 'conformance', 'lint']) {
        const own = await run(bin, [command, '--help'], { cwd: consumer });
        expect(own.stdout, command).toMatch(/Usage: /);
      }
      const ready = join(work, 'ready.json');
      const child = spawn(bin, ['mock', '--api', 'tours', '--port', '0', '--quiet', '--ready-file', ready], { cwd: consumer, stdio: 'ignore' });
      try {
        const deadline = Date.now() + 60_000;
        while (!existsSync(ready) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        const { url } = JSON.parse(readFileSync(ready, 'utf8')) as { url: string };
        const health = await fetch(`${url}/__mock/health`);
        expect(health.status).toBe(200);
        // The dashboard's files, and Swagger UI from the package's own dependency, ship with it.
        for (const path of ['/__mock/', '/__mock/docs', '/__mock/assets/dashboard.js', '/__mock/assets/swagger-ui-bundle.js']) {
          const page = await fetch(`${url}${path}`);
          expect(page.status, path).toBe(200);
        }
      } finally {
        child.kill('SIGTERM');
      }
    },
    TIMEOUT_MS,
  );

  it(
    'lints a spec of the project that installed it, and runs the suite against the embedded mock',
    async () => {
      const bin = join(consumer, 'node_modules', '.bin', 'org-contract');
      writeFileSync(join(consumer, 'api.yaml'), readFileSync(projectPath('fixtures', 'lint', 'invalid-document.yaml')));
      const lint = await run(bin, ['lint', 'api.yaml'], { cwd: consumer }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
      );
      expect(lint.code, lint.out).toBe(1);
      expect(lint.out).toMatch(/^api\.yaml:\d+:\d+ {2}error {2}swagger-parser /m);
      const suite = await run(bin, ['conformance', '--only', 'envelopes', '--no-color'], { cwd: consumer });
      expect(suite.stdout).toMatch(/conformance: PASSED/);
    },
    TIMEOUT_MS,
  );
});
