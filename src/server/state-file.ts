/**
 * `--state-file`: the whole mock state as JSON on disk. Loaded once at start; written atomically
 * (temporary file in the same folder, fsync, rename, fsync of the folder) after mutating requests,
 * before their answers leave, with the writes of one event-loop turn grouped into one.
 */
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StateImportError, type MockApi } from '../engine/api.js';

/** A state file that cannot be used at start; the message is one line that says what to do. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/**
 * Loads the file into the mock when it exists. Never writes it: a corrupt file stays as it is.
 * @returns whether a file was loaded (false: none yet, the seeded state stands).
 */
export async function loadStateFile(file: string, api: Pick<MockApi, 'importState'>): Promise<boolean> {
  const folder = dirname(file);
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new StateFileError(`state file folder ${folder} does not exist: create it or pick another --state-file`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    const fix = code === 'EISDIR' ? 'it is a folder: name a file in it' : 'fix its permissions';
    throw new StateFileError(`cannot read state file ${file} (${code ?? String(error)}): ${fix} or pick another --state-file`);
  }
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

let sequence = 0;

/** Writes `data` to `file` so that a reader sees the old content or the new, never a mix. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const folder = dirname(file);
  const temp = join(folder, `.${basename(file)}.${process.pid}.${++sequence}.tmp`);
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
