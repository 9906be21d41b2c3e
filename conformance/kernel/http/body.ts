/**
 * Reads an answer's body as a stream, up to a limit: a target answering 10 MB, or a body that never
 * ends, must not take the suite's memory with it. Past the limit the rest is cancelled (the
 * connection closes) and the read says how many bytes it saw; a body that trickles for ever is cut
 * by the request's timeout, whose error says how much had come.
 */

export type BodyRead =
  | { readonly kind: 'whole'; readonly text: string; readonly bytes: number }
  /** More than the limit: the rest was not read. */
  | { readonly kind: 'over'; readonly bytesSeen: number };

/** A read that failed part-way (a timeout, a reset): the cause, and the bytes that had come. */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  constructor(
    override readonly cause: unknown,
    readonly bytesRead: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export async function readBody(res: Response, limit: number): Promise<BodyRead> {
  if (!res.body) return { kind: 'whole', text: '', bytes: 0 };
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > limit) {
        // Not awaited: a target that keeps sending must not hold the run up while the stream closes.
        reader.cancel().catch(() => undefined);
        return { kind: 'over', bytesSeen: bytes };
      }
      chunks.push(value);
    }
  } catch (err) {
    reader.cancel().catch(() => undefined);
    throw new BodyReadError(err, bytes);
  }
  return { kind: 'whole', text: new TextDecoder().decode(Buffer.concat(chunks)), bytes };
}

/** `1 MiB`, `256 KiB`, `900 bytes`: how messages show a size. */
export function byteSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes.toLocaleString('en-US')} bytes`;
}
