/**
 * The bytes of a response body: the engine serialises every answer here, so an API never hands the
 * HTTP layer a second copy of its body. A body is serialised with `JSON.stringify`, unless the API
 * registered its bytes (or asked for them to be kept) for that very body object:
 *
 * - `withJson(body, bytes)`: the API has the bytes already (Flashback's user list keeps them in
 *   chunks that follow its changes: 100,000 users serialise in well over 100 ms).
 * - `keptJson(body)`: serialised on first use and kept for as long as the body object lives.
 * - `recordBodies(build)`: the body built from one stored record, built and serialised once.
 *
 * Bodies are keyed by identity in WeakMaps, so an entry goes with its body and nothing needs
 * invalidating; in exchange a registered body must never change afterwards (they are frozen).
 */
import type { JsonBytes } from './list-body.js';

/** Marks a body whose bytes are made on first use and then kept. */
const KEEP: Buffer = Buffer.alloc(0);

const registered = new WeakMap<object, JsonBytes>();

/** Registers `bytes` (exactly `JSON.stringify(body)` as UTF-8) as the serialisation of `body`; returns `body`. */
export function withJson<B extends object>(body: B, bytes: JsonBytes): B {
  registered.set(body, bytes);
  return body;
}

/** Asks for `body`'s serialisation to be kept once made (a body that is sent many times unchanged); returns `body`, frozen. */
export function keptJson<B extends object>(body: B): B {
  if (!registered.has(body)) registered.set(Object.freeze(body), KEEP);
  return body;
}

/**
 * A cache of the bodies built from stored records, one body per record, each built once and kept,
 * with its serialisation, for as long as its record lives. Records are frozen and replaced on every
 * change, so the record's identity is the key: a read of an unchanged record builds and serialises
 * nothing. One cache per kind of body (two operations may build different bodies from one record).
 */
export function recordBodies<R extends object, B extends object>(build: (record: R) => B): (record: R) => B {
  const bodies = new WeakMap<R, B>();
  return (record) => {
    let body = bodies.get(record);
    if (body === undefined) bodies.set(record, (body = keptJson(build(record))));
    return body;
  };
}

/** What to send for `body`: its registered or kept bytes, else its JSON text; `''` for no body. */
export function serialiseBody(body: unknown): string | JsonBytes {
  if (typeof body !== 'object' || body === null) return body === undefined ? '' : JSON.stringify(body);
  const bytes = registered.get(body);
  if (bytes === undefined) return JSON.stringify(body);
  if (bytes !== KEEP) return bytes;
  const made = Buffer.from(JSON.stringify(body));
  registered.set(body, made);
  return made;
}
