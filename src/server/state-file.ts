/**
 * `--state-file`: the whole mock state as JSON on disk. Loaded once at start; written atomically
 * (temporary file in the same folder, fsync, rename, fsync of the folder) after mutating requests,
 * before their answers leave, with the writes of one event-loop turn grouped into one.
 */
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StateImportError, type MockApi } from '../mock/api.js';

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
    throw new StateFileError(`cannot read state file ${file} (${code ?? String(error)}): fix its permissions or pick another --state-file`);
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
  /** Resolves once the state as it is now is on disk (rejects when the write failed). */
  persist(): Promise<void>;
  /** Resolves when no write is pending or running. */
  idle(): Promise<void>;
}

export function createStatePersister(file: string, snapshot: () => unknown): StatePersister {
  /** The write not yet started, which later requests of the same turn join. */
  let gathering: Promise<void> | null = null;
  /** The last write started, settled or not; the next one waits for it. */
  let last: Promise<void> = Promise.resolve();

  const write = async (previous: Promise<void>): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await previous;
    // From here on the snapshot is taken: a later mutation needs the next write.
    gathering = null;
    await writeFileAtomic(file, JSON.stringify(snapshot()));
  };

  return {
    persist() {
      if (gathering) return gathering;
      const next = write(last);
      gathering = next;
      last = next.catch(() => undefined);
      return next;
    },
    idle: () => last,
  };
}
