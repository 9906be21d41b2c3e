/**
 * `--state-file`: loaded at start, written atomically after every change and before the change is
 * acknowledged, the writes of one event-loop turn grouped into one; a corrupt file stops the start
 * and is never replaced.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.js';
import { createStatePersister, StateFileError, writeFileAtomic } from '../../src/server/state-file.js';
import { organizationSpec, startTestServer, type TestServer } from '../helpers/server-harness.js';

let dir: string;
let file: string;
const servers: TestServer[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mock-state-'));
  file = join(dir, 'state.json');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});
const start = async (): Promise<TestServer> => {
  const server = await startTestServer({ stateFile: file });
  servers.push(server);
  return server;
};
const newUser = (n: number) => ({ email: `user${n}@acme.test`, password: 'Some-Passw0rd', firstName: 'N', lastName: `No${n}` });
const emailsOnDisk = (): string[] => (JSON.parse(readFileSync(file, 'utf8')) as { users: { email: string }[] }).users.map((u) => u.email);
const leftovers = (): string[] => readdirSync(dir).filter((name) => name !== 'state.json');

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file behind', async () => {
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(leftovers()).toEqual([]);
  });
});

describe('createStatePersister', () => {
  it('groups the writes asked for in one turn into one, and releases them all after it', async () => {
    let snapshots = 0;
    const persister = createStatePersister(file, () => ({ n: ++snapshots }));
    const waiting = [persister.persist(), persister.persist(), persister.persist()];
    expect(new Set(waiting).size).toBe(1);
    await Promise.all(waiting);
    expect(snapshots).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ n: 1 });
  });

  it('takes a later change into the next write, after the running one', async () => {
    let snapshots = 0;
    const persister = createStatePersister(file, () => ({ n: ++snapshots }));
    const first = persister.persist();
    await new Promise((resolve) => setImmediate(resolve));
    const second = persister.persist();
    expect(second).not.toBe(first);
    await Promise.all([first, second]);
    expect(snapshots).toBe(2);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ n: 2 });
    await persister.idle();
  });

  it('rejects the waiting requests when the write fails, and keeps working after', async () => {
    const persister = createStatePersister(join(dir, 'missing-folder', 'state.json'), () => ({}));
    await expect(persister.persist()).rejects.toThrow(/ENOENT/);
    await expect(persister.idle()).resolves.toBeUndefined();
  });
});

describe('--state-file through the server', () => {
  it('has an acknowledged change on disk when its answer arrives', async () => {
    const server = await start();
    const tokens = await server.tokens();
    const answer = await server.send('POST', '/organization/users', { token: tokens.owner, body: newUser(1) });
    expect(answer.status).toBe(201);
    expect(emailsOnDisk()).toContain('user1@acme.test');
  });

  it('writes only after changes: reads leave no file', async () => {
    const server = await start();
    const tokens = await server.tokens();
    await server.send('GET', '/organization/users', { token: tokens.owner });
    await server.send('POST', '/organization/users', { token: tokens.owner, body: { email: 'bad' } });
    expect(existsSync(file)).toBe(false);
  });

  it('writes atomically under concurrent changes: a reader always sees whole JSON, and every change lands', async () => {
    const server = await start();
    const tokens = await server.tokens();
    let reads = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        if (existsSync(file)) {
          JSON.parse(readFileSync(file, 'utf8'));
          reads++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, n) => server.send('POST', '/organization/users', { token: tokens.owner, body: newUser(n) })));
    reading = false;
    await reader;
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(emailsOnDisk()).toEqual(expect.arrayContaining(Array.from({ length: 30 }, (_, n) => `user${n}@acme.test`)));
    expect(reads).toBeGreaterThan(0);
    expect(leftovers()).toEqual([]);
  });

  it('persists control-plane changes too (reset, validate, import)', async () => {
    const server = await start();
    await server.send('POST', '/__mock/users/99999999-9999-4999-8999-999999999999/validate');
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { users: { id: string; validated: boolean }[] };
    expect(onDisk.users.find((u) => u.id === '99999999-9999-4999-8999-999999999999')?.validated).toBe(true);
  });

  it('survives a restart', async () => {
    const first = await start();
    const tokens = await first.tokens();
    await first.send('POST', '/organization/users', { token: tokens.owner, body: newUser(7) });
    await first.close();
    servers.splice(servers.indexOf(first), 1);

    const second = await start();
    const list = await second.send('GET', '/organization/users', { token: (await second.tokens()).owner });
    expect((list.body as { data: { email: string }[] }).data.map((u) => u.email)).toContain('user7@acme.test');
  });
});

describe('an unusable state file at start', () => {
  it.each([
    ['not JSON', '{"format": "org-contract-mock-state", ', /is not valid JSON .*: repair or remove it$/],
    ['JSON that is not a snapshot', '{"hello": "world"}', /is not a mock state \(.+\): repair or remove it$/],
    ['an empty file', '', /is not valid JSON/],
  ])('%s: startServer rejects with one line saying what to do, and the file is untouched', async (_name, content, message) => {
    writeFileSync(file, content);
    const before = statSync(file).mtimeMs;
    const failure = await startServer({ spec: organizationSpec, stateFile: file }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StateFileError);
    expect((failure as Error).message).toMatch(message);
    expect((failure as Error).message).not.toMatch(/\n/);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('a folder that does not exist is refused at start', async () => {
    const failure = await startServer({ spec: organizationSpec, stateFile: join(dir, 'nope', 'state.json') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StateFileError);
    expect((failure as Error).message).toMatch(/does not exist/);
  });
});
