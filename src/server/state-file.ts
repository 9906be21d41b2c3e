/**
 * `--state-file`: the whole mock state as JSON on disk. Loaded once at start; written atomically
 * (temporary file in the same folder, fsync, rename, fsync of the folder) after mutating requests,
 * before their answers leave, with the writes of one event-loop turn grouped into one.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StateImportError, type MockApi } from '../engine/api.js';

/** A state file that cannot be used at start; the message is one line that says what to do. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/**
 * The largest state file read at start: four times the largest state `PUT /__mock/state` takes
 * (64 MiB), room for a large `--users` run; anything bigger is not a state the mock wrote.
 */
export const STATE_FILE_MAX_BYTES = 256 * 1024 * 1024;

/** The name of writeFileAtomic's temporary file for `file`: `.<name>.<pid>.<sequence>.tmp`, beside it. */
function temporaryFileName(file: string, pid: number, sequence: number): string {
  return `.${basename(file)}.${pid}.${sequence}.tmp`;
}

/** Is `name` (in `file`'s folder) a temporary file of writeFileAtomic for `file` (see temporaryFileName)? */
export function isTemporaryFileOf(file: string, name: string): boolean {
  const prefix = `.${basename(file)}.`;
  return name.startsWith(prefix) && /^\d+\.\d+\.tmp$/.test(name.slice(prefix.length));
}

/**
 * Loads the file into the mock when it exists, after checking at start what every later write needs
 * (so a change is never acknowledged and then lost to a folder it cannot write): the folder exists
 * and is writable (a probe file is created and removed), and the path, if it exists, is a regular
 * file of at most STATE_FILE_MAX_BYTES (a FIFO, device, socket or folder is refused without being
 * read, so the start neither blocks nor reads without end). Temporary files that interrupted writes
 * of this state file left behind are removed. Never writes the state file itself: a corrupt file
 * stays as it is.
 * @returns whether a file was loaded (false: none yet, the seeded state stands).
 */
export async function loadStateFile(file: string, api: Pick<MockApi, 'importState'>): Promise<boolean> {
  const folder = dirname(file);
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new StateFileError(`state file folder ${folder} does not exist: create it or pick another --state-file`);
  await probeWritable(folder);
  await removeLeftovers(file);
  const entry = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw cannotRead(file, error);
  });
  if (!entry) return false;
  if (!entry.isFile()) throw notRegular(file, entry);
  if (entry.size > STATE_FILE_MAX_BYTES) throw tooLarge(file);
  const text = await readRegularFile(file);
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`state file ${file} is not valid JSON (${(error as Error).message}): repair or remove it`);
  }
  try {
    api.importState(snapshot);
  } catch (error) {
    const why = error instanceof StateImportError ? error.message : String(error);
    throw new StateFileError(`state file ${file} is not a mock state (${why.split('\n')[0]}): repair or remove it`);
  }
  return true;
}

/** Creates and removes a file in the folder, as the write after every change will need to. */
async function probeWritable(folder: string): Promise<void> {
  const probe = join(folder, `.org-contract-probe.${process.pid}.tmp`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StateFileError(`state file folder ${folder} is not writable (${code}): give write permission to it or pick another --state-file`);
  }
}

/** Removes the temporary files of this state file that interrupted writes left: only regular files, only this file's. */
async function removeLeftovers(file: string): Promise<void> {
  const folder = dirname(file);
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    if (!isTemporaryFileOf(file, name)) continue;
    const path = join(folder, name);
    const info = await lstat(path).catch(() => null);
    if (info?.isFile()) await rm(path, { force: true });
  }
}

/**
 * Reads the file, opened without blocking (were it swapped for a FIFO since the check, the open does
 * not wait for a writer), checked again to be a regular file, and read up to STATE_FILE_MAX_BYTES.
 */
async function readRegularFile(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    throw cannotRead(file, error);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(file, info);
    const buffer = Buffer.alloc(Math.min(info.size, STATE_FILE_MAX_BYTES) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > STATE_FILE_MAX_BYTES) throw tooLarge(file);
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    throw error instanceof StateFileError ? error : cannotRead(file, error as NodeJS.ErrnoException);
  } finally {
    await handle.close();
  }
}

function cannotRead(file: string, error: NodeJS.ErrnoException): StateFileError {
  return new StateFileError(`cannot read state file ${file} (${error.code ?? String(error)}): fix its permissions or pick another --state-file`);
}

function tooLarge(file: string): StateFileError {
  return new StateFileError(
    `state file ${file} is larger than ${STATE_FILE_MAX_BYTES} bytes, more than any mock state: remove it or pick another --state-file`,
  );
}

type FileKind = Pick<Stats, 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>;

function notRegular(file: string, info: FileKind): StateFileError {
  const kind = info.isDirectory()
    ? 'a folder'
    : info.isFIFO()
      ? 'a FIFO (named pipe)'
      : info.isSocket()
        ? 'a socket'
        : info.isCharacterDevice() || info.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
  const fix = info.isDirectory() ? 'name a file in it' : 'name a regular file (the mock creates it when it does not exist)';
  return new StateFileError(`state file ${file} is ${kind}, not a regular file: ${fix} or pick another --state-file`);
}

let sequence = 0;

/** Writes `data` to `file` so that a reader sees the old content or the new, never a mix. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const folder = dirname(file);
  const temp = join(folder, temporaryFileName(file, process.pid, ++sequence));
  try {
    const handle = await open(temp, 'w', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename is durable only once the folder's entry is on disk.
  const dir = await open(folder, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export interface StatePersister {
  /**
   * Resolves once the state as it is now is on disk. Rejects when the write failed, and then the
   * state has been rolled back to the last one on disk: the caller's change is gone, as its error
   * answer says (never an error answer for a change that stays, nor a success for one that is lost).
   */
  persist(): Promise<void>;
  /** Resolves when no write is pending or running. */
  idle(): Promise<void>;
}

/** The state a persister writes: taken as a snapshot, put back after a failed write. */
export interface PersistedState<S> {
  snapshot(): S;
  restore(snapshot: S): void;
}

/** Why a request's change was rolled back: a write of the state file failed after it. */
export class StateWriteLostError extends Error {
  override readonly name = 'StateWriteLostError';
}

/**
 * Writes `state` to `file` after mutations, the mutations of one event-loop turn in one write.
 * The state as it is at creation is taken as the one on disk (loaded from it, or the seed).
 *
 * A failed write rolls the state back to the last snapshot written, and fails every caller whose
 * change that loses: the callers of the failed write, and those already gathered for the next one.
 * Callers are numbered when they call `persist()`, which the server does in the same turn as the
 * change (no I/O between the two), so "called before the rollback" means "changed before it".
 */
export function createStatePersister<S>(
  file: string,
  state: PersistedState<S>,
  /** Replaced only by tests, to fail a chosen write. */
  writeFile: (file: string, data: string) => Promise<void> = writeFileAtomic,
): StatePersister {
  /** The write not yet started, which later requests of the same turn join. */
  let gathering: Promise<void> | null = null;
  /** The last write started, settled or not; the next one waits for it. */
  let last: Promise<void> = Promise.resolve();
  /** The last snapshot known to be on disk. Records are immutable, so holding it costs only its arrays. */
  let durable = state.snapshot();
  let calls = 0;
  /** Callers numbered up to this one lost their change to a rollback. */
  let lostUpTo = 0;

  const write = async (previous: Promise<void>): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await previous;
    // From here on the snapshot is taken: a later mutation needs the next write.
    gathering = null;
    const snapshot = state.snapshot();
    try {
      await writeFile(file, JSON.stringify(snapshot));
    } catch (error) {
      lostUpTo = calls;
      state.restore(durable);
      throw error;
    }
    durable = snapshot;
  };

  return {
    persist() {
      const mine = ++calls;
      if (!gathering) {
        const next = write(last);
        gathering = next;
        last = next.catch(() => undefined);
      }
      return gathering.then(() => {
        if (mine <= lostUpTo) throw new StateWriteLostError('an earlier write of the state file failed: this change was rolled back with it');
      });
    },
    idle: () => last,
  };
}
