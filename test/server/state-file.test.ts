/**
 * `--state-file`: loaded at start, written atomically after every change and before the change is
 * acknowledged, the writes of one event-loop turn grouped into one; a corrupt file stops the start
 * and is never replaced.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.js';
import { createStatePersister, StateFileError, StateWriteLostError, writeFileAtomic } from '../../src/server/state-file.js';
import { organizationSpec, startTestServer, type TestServer } from '../helpers/server-harness.js';
import { flashbackApi } from '../../src/apis/index.js';
import { projectPath } from '../../src/contract/index.js';

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
  /** A state of one number; `snapshots` counts the snapshots taken after the baseline. */
  function counterState() {
    const state = {
      value: 0,
      snapshots: -1,
      snapshot: () => {
        state.snapshots += 1;
        return { value: state.value };
      },
      restore: (snapshot: { value: number }) => {
        state.value = snapshot.value;
      },
    };
    return state;
  }
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('groups the writes asked for in one turn into one, and releases them all after it', async () => {
    const state = counterState();
    const persister = createStatePersister(file, state);
    state.value = 1;
    await Promise.all([persister.persist(), persister.persist(), persister.persist()]);
    expect(state.snapshots).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ value: 1 });
  });

  it('takes a later change into the next write, after the running one', async () => {
    const state = counterState();
    const persister = createStatePersister(file, state);
    state.value = 1;
    const first = persister.persist();
    await nextTurn();
    state.value = 2;
    const second = persister.persist();
    await Promise.all([first, second]);
    expect(state.snapshots).toBe(2);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ value: 2 });
    await persister.idle();
  });

  it('rejects the waiting requests when the write fails, rolls the state back, and keeps working after', async () => {
    const state = counterState();
    const persister = createStatePersister(join(dir, 'missing-folder', 'state.json'), state);
    state.value = 7;
    await expect(persister.persist()).rejects.toThrow(/ENOENT/);
    expect(state.value).toBe(0);
    await expect(persister.idle()).resolves.toBeUndefined();
  });

  it('after a failed write, fails the changes gathered meanwhile too, and keeps the ones made after the rollback', async () => {
    const state = counterState();
    const written: string[] = [];
    let failNext = true;
    const writer = async (_file: string, data: string): Promise<void> => {
      await nextTurn();
      if (failNext) {
        failNext = false;
        throw new Error('ENOSPC: no space left on device');
      }
      written.push(data);
    };
    const persister = createStatePersister(file, state, writer);
    state.value = 1;
    const failed = persister.persist();
    await nextTurn(); // the first write has taken its snapshot; the next change joins the second
    state.value = 2;
    const gathered = persister.persist();
    await expect(failed).rejects.toThrow(/ENOSPC/);
    expect(state.value).toBe(0); // both changes rolled back: memory is what was last on disk
    state.value = 3;
    const after = persister.persist();
    await expect(gathered).rejects.toThrow(StateWriteLostError);
    await expect(after).resolves.toBeUndefined();
    expect(written.map((data) => JSON.parse(data) as unknown)).toEqual([{ value: 3 }]);
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
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, n) => server.send('POST', '/organization/users', { token: tokens.owner, body: newUser(n) })),
    );
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

  it('a change whose write fails is answered with the documented 500 and is not kept; the next one after the fault lands', async () => {
    const server = await start();
    const tokens = await server.tokens();
    const total = async () => ((await server.send('GET', '/organization/users', { token: tokens.owner })).body as { total: number }).total;
    const before = await total();
    rmSync(dir, { recursive: true, force: true }); // every write now fails (ENOENT)
    const failed = await server.send('POST', '/organization/users', { token: tokens.owner, body: newUser(1) });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ success: false, data: null, message: 'Internal server error' });
    expect(await total()).toBe(before);

    mkdirSync(dir);
    const retried = await server.send('POST', '/organization/users', { token: tokens.owner, body: newUser(1) });
    expect(retried.status).toBe(201); // not a 409: the failed create left nothing behind
    expect(await total()).toBe(before + 1);
    expect(emailsOnDisk()).toContain('user1@acme.test');
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
    const failure = await startServer({ definition: flashbackApi, spec: organizationSpec, stateFile: file }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StateFileError);
    expect((failure as Error).message).toMatch(message);
    expect((failure as Error).message).not.toMatch(/\n/);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('a folder given as the state file is refused at start, saying so', async () => {
    const failure = await startServer({ definition: flashbackApi, spec: organizationSpec, stateFile: dir }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StateFileError);
    expect((failure as Error).message).toMatch(/is a folder, not a regular file: name a file in it/);
  });

  it('a folder that does not exist is refused at start', async () => {
    const failure = await startServer({ definition: flashbackApi, spec: organizationSpec, stateFile: join(dir, 'nope', 'state.json') }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StateFileError);
    expect((failure as Error).message).toMatch(/does not exist/);
  });

  describe('start-up checks: what every later write needs, checked before the first request', () => {
    const refusal = async (stateFile: string): Promise<Error> => {
      const failure = await startServer({ definition: flashbackApi, spec: organizationSpec, stateFile }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StateFileError);
      expect((failure as Error).message).not.toMatch(/\n/);
      return failure as Error;
    };

    it('a folder the mock cannot write is refused at start (not a 500 on every change later)', async () => {
      // /proc is a folder in which nobody, root included, can create a file.
      const failure = await refusal('/proc/org-contract-state.json');
      expect(failure.message).toMatch(/^state file folder \/proc is not writable \(\w+\): give write permission to it or pick another --state-file$/);
    });

    it.skipIf(process.getuid?.() === 0)('a read-only folder is refused at start', async () => {
      chmodSync(dir, 0o500);
      try {
        expect((await refusal(file)).message).toMatch(/is not writable \(EACCES\)/);
      } finally {
        chmodSync(dir, 0o700);
      }
    });

    it('a FIFO as the state file is refused at once, without waiting for a writer', async () => {
      execFileSync('mkfifo', [file]);
      expect((await refusal(file)).message).toMatch(/is a FIFO \(named pipe\), not a regular file: name a regular file .* or pick another --state-file$/);
    });

    it('a device as the state file (/dev/zero) is refused without reading it', async () => {
      const before = process.memoryUsage().rss;
      expect((await refusal('/dev/zero')).message).toMatch(/^state file \/dev\/zero is a device, not a regular file/);
      // Reading /dev/zero until memory ran out took 589 MB; refused, it takes none to speak of.
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    });

    it('a socket as the state file is refused', async () => {
      const server = createNetServer();
      await new Promise<void>((resolve) => server.listen(file, resolve));
      try {
        expect((await refusal(file)).message).toMatch(/is a socket, not a regular file/);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('removes the temporary files of interrupted writes of this state file, and nothing else', async () => {
      const ours = ['.state.json.4242.1.tmp', '.state.json.77.123.tmp'];
      const others = ['.other.json.4242.1.tmp', '.state.json.tmp', 'state.json.4242.1.tmp', '.state.json.x.1.tmp', 'notes.txt'];
      for (const name of [...ours, ...others]) writeFileSync(join(dir, name), 'partial');
      mkdirSync(join(dir, '.state.json.9.9.tmp'));
      const server = await start();
      await server.close();
      servers.length = 0;
      expect(leftovers().sort()).toEqual([...others, '.state.json.9.9.tmp'].sort());
    });

    it.each([
      ['a FIFO', () => execFileSync('mkfifo', [file]), /is a FIFO \(named pipe\), not a regular file/],
      ['/dev/zero', () => (file = '/dev/zero'), /\/dev\/zero is a device, not a regular file/],
      ['a folder it cannot write', () => (file = '/proc/org-contract-state.json'), /folder \/proc is not writable/],
    ])('npm start with %s as --state-file: one line on stderr, exit 2 (src/cli/mock.ts)', async (_, prepare, pattern) => {
      prepare();
      const cli = spawnSync(process.execPath, ['--import', 'tsx', projectPath('src/cli/mock.ts'), '--port', '0', '--quiet', '--state-file', file], {
        cwd: projectPath(),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(cli.status).toBe(2);
      expect(cli.stderr).toMatch(/^mock: [^\n]+\n$/);
      expect(cli.stderr).toMatch(pattern);
      expect(cli.stderr).toMatch(/or pick another --state-file\n$/);
    });

    it('leaves no probe file behind', async () => {
      const server = await start();
      await server.close();
      servers.length = 0;
      expect(leftovers()).toEqual([]);
    });
  });
});
