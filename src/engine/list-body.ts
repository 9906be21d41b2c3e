/**
 * The user list's 200 body, `{"success":true,"data":[...],"total":N}`, kept serialised between
 * listings: exactly the bytes `JSON.stringify` gives for that envelope.
 *
 * The users are kept in chunks of about 128 KiB of whole users each. A change re-serialises only the
 * chunk that holds the user (about 500 users), not the whole organization, and no JSON string per
 * user outlives the encoding of its chunk: for 100,000 users the cache is the 25 MB of bytes and
 * nothing beside them (a string per user would keep another 28 MB on the heap), and building it
 * never holds more than one chunk's strings at once.
 */
export type JsonBytes = Buffer | readonly Buffer[];

const HEAD = Buffer.from('{"success":true,"data":[');
const CHUNK_BYTES = 128 * 1024;

export class ListBodyCache {
  /** The index of the first user of each chunk, ascending. */
  private readonly starts: number[] = [];
  private readonly chunks: Buffer[] = [];
  /** Chunks to encode again before the next listing. */
  private readonly dirty = new Set<number>();
  private built = false;
  /** What the next listing sends; null once something changed. */
  private assembled: JsonBytes | null = null;

  /** The user at `index` was replaced by a new view. */
  replaced(index: number): void {
    if (!this.built) return;
    this.dirty.add(this.chunkOf(index));
    this.assembled = null;
  }

  /** A user was appended at `index` (the new last one). */
  appended(index: number): void {
    if (!this.built) return;
    const last = this.chunks.length - 1;
    if (last < 0 || (this.chunks[last] as Buffer).length >= CHUNK_BYTES) {
      this.starts.push(index);
      this.chunks.push(Buffer.alloc(0));
      this.dirty.add(last + 1);
    } else {
      this.dirty.add(last);
    }
    this.assembled = null;
  }

  /** The body for `views`, the list these notifications were about; one Buffer when it fits one chunk. */
  bytes(views: readonly unknown[]): JsonBytes {
    if (this.assembled) return this.assembled;
    if (!this.built) this.build(views);
    for (const chunk of this.dirty) this.chunks[chunk] = this.encode(views, chunk);
    this.dirty.clear();
    const tail = Buffer.from(`],"total":${views.length}}`);
    this.assembled = this.chunks.length <= 1 ? Buffer.concat([HEAD, ...this.chunks, tail]) : Object.freeze([HEAD, ...this.chunks, tail]);
    return this.assembled;
  }

  private build(views: readonly unknown[]): void {
    let parts: string[] = [];
    let size = 0;
    const flush = (): void => {
      this.chunks.push(chunkBytes(parts, this.chunks.length));
      parts = [];
      size = 0;
    };
    views.forEach((view, index) => {
      if (size === 0) this.starts.push(index);
      const json = JSON.stringify(view);
      parts.push(json);
      // JSON text of these views is mostly ASCII: its length is close enough to its byte size.
      size += json.length + 1;
      if (size >= CHUNK_BYTES) flush();
    });
    if (size > 0) flush();
    this.built = true;
  }

  private encode(views: readonly unknown[], chunk: number): Buffer {
    const from = this.starts[chunk] as number;
    const to = this.starts[chunk + 1] ?? views.length;
    const parts: string[] = [];
    for (let i = from; i < to; i++) parts.push(JSON.stringify(views[i]));
    return chunkBytes(parts, chunk);
  }

  /** The chunk holding user `index`: the last chunk starting at or before it. */
  private chunkOf(index: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] as number) <= index) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/** One chunk's users' JSON, comma-separated; every chunk but the first opens with the comma after the one before. */
function chunkBytes(parts: readonly string[], chunk: number): Buffer {
  return Buffer.from((chunk > 0 ? ',' : '') + parts.join(','));
}

/** The bytes as one Buffer (for tests and tools; the server writes the chunks as they are). */
export function joinedBytes(bytes: JsonBytes): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.concat(bytes);
}
