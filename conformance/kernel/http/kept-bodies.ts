/**
 * What a run keeps of its answers' bodies, bounded whatever the target sends. Checks read an answer
 * right after it comes, and the end-of-run sweeps (envelopes, secrets) read every answer again, so
 * bodies are kept whole while the run's total stays under a budget; past it, the oldest bodies are
 * released to an excerpt (the report shows no more anyway) and a note of the run says so. A parsed
 * body is never kept with the answer: `json` parses the kept text when read, with a small cache
 * bounded by the size of the texts it holds, so that a body's objects cost memory only while in use.
 */
import type { RecordedResponse } from './exchange.js';

export interface KeptBodiesOptions {
  /** Characters of body text the run keeps whole, in all. */
  readonly maxKeptChars: number;
  /** Characters a released body keeps. */
  readonly excerptChars: number;
  /** Characters of text whose parsed JSON the cache holds. */
  readonly cacheChars?: number | undefined;
}

export const DEFAULT_MAX_KEPT_CHARS = 64 * 1024 * 1024;
export const EXCERPT_CHARS = 4_000;
const DEFAULT_CACHE_CHARS = 1024 * 1024;

/** What the client hands over about an answer; `text` is the whole body. */
export interface AnswerParts {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string | null;
  readonly text: string;
  readonly bytes: number;
}

interface Held {
  text: string;
  released: boolean;
}

export class KeptBodies {
  /** Bodies kept whole, oldest first: the first to release. */
  private readonly whole = new Map<number, Held>();
  private keptChars = 0;
  private readonly cache = new Map<number, unknown>();
  private cachedChars = 0;
  private readonly cacheSizes = new Map<number, number>();
  private releasedCount = 0;
  private releasedChars = 0;
  private readonly cacheChars: number;

  constructor(private readonly options: KeptBodiesOptions) {
    this.cacheChars = options.cacheChars ?? DEFAULT_CACHE_CHARS;
  }

  /** The recorded response of an answer (numbered `id`), its body kept as the budget allows. */
  keep(id: number, parts: AnswerParts): RecordedResponse {
    const held: Held = { text: parts.text, released: false };
    const jsonError = parse(parts.text, (value) => this.remember(id, value, parts.text.length));
    if (parts.text.length > 0) {
      this.whole.set(id, held);
      this.keptChars += parts.text.length;
      this.releaseOver(id);
    }
    const parseKept = (): unknown => (held.released || jsonError !== null ? undefined : this.parsed(id, held.text));
    const { excerptChars } = this.options;
    return {
      status: parts.status,
      headers: parts.headers,
      contentType: parts.contentType,
      bodyBytes: parts.bytes,
      get text() {
        return held.text;
      },
      get json() {
        return parseKept();
      },
      get jsonError() {
        return held.released ? `the body was released after its check (${parts.text.length} characters, first ${excerptChars} kept)` : jsonError;
      },
      get released() {
        return held.released;
      },
    };
  }

  /** A note for the run when bodies were released, else null. */
  get note(): string | null {
    if (this.releasedCount === 0) return null;
    const mib = (n: number): string => `${Math.round(n / 104857.6) / 10} MiB`;
    return `kept bodies: ${this.releasedCount} answers' bodies (${mib(this.releasedChars)}) were cut to their first ${this.options.excerptChars} characters after their check, to keep the run under ${mib(this.options.maxKeptChars)} of bodies; the end-of-run sweeps did not see the rest`;
  }

  /** Releases the oldest bodies until the total is under the budget; the newest (`keepId`) stays, its check still reads it. */
  private releaseOver(keepId: number): void {
    for (const [id, held] of this.whole) {
      if (this.keptChars <= this.options.maxKeptChars || id === keepId) return;
      const excerpt = held.text.slice(0, this.options.excerptChars);
      this.keptChars -= held.text.length;
      this.releasedCount++;
      this.releasedChars += held.text.length;
      held.text = excerpt;
      held.released = true;
      this.whole.delete(id);
      this.forget(id);
    }
  }

  private parsed(id: number, text: string): unknown {
    if (this.cache.has(id)) {
      const value = this.cache.get(id);
      // Most recently used last, so that the oldest goes first.
      this.cache.delete(id);
      this.cache.set(id, value);
      return value;
    }
    let value: unknown;
    parse(text, (v) => (value = v));
    this.remember(id, value, text.length);
    return value;
  }

  private remember(id: number, value: unknown, chars: number): void {
    if (chars > this.cacheChars) return;
    this.forget(id);
    this.cache.set(id, value);
    this.cacheSizes.set(id, chars);
    this.cachedChars += chars;
    for (const old of this.cache.keys()) {
      if (this.cachedChars <= this.cacheChars) break;
      this.forget(old);
    }
  }

  private forget(id: number): void {
    const size = this.cacheSizes.get(id);
    if (size === undefined) return;
    this.cache.delete(id);
    this.cacheSizes.delete(id);
    this.cachedChars -= size;
  }
}

/** Parses `text`, handing the value to `found`; returns the parse error, `empty body`, or null. */
function parse(text: string, found: (value: unknown) => void): string | null {
  if (text === '') return 'empty body';
  try {
    found(JSON.parse(text));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
