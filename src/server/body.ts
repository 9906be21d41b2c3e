/**
 * Reading a JSON request body (W1): only for operations that take one, at most `limit` bytes.
 * What is wrong with a body is reported, not answered: the mock domain answers it after
 * authentication and role (docs/decisions/flashback.md, section 3).
 */
import type { IncomingMessage } from 'node:http';
import type { BodyProblem } from '../engine/api.js';

/** W1: a body over 1 MiB is a 413. */
export const BODY_LIMIT = 1024 * 1024;

export interface ReadBody {
  /** The parsed JSON; undefined when the request had no body or the body had a problem. */
  readonly body: unknown;
  readonly problem: BodyProblem | undefined;
}

const NO_BODY: ReadBody = Object.freeze({ body: undefined, problem: undefined });
const problem = (p: BodyProblem): ReadBody => Object.freeze({ body: undefined, problem: p });
const TOO_LARGE = problem('too-large');
const UNSUPPORTED = problem('unsupported-media-type');
const INVALID_JSON = problem('invalid-json');

/** `application/json` or any `application/*+json`, parameters (charset) allowed, any letter case. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** Does the request carry a body at all? (A declared length of 0 is no body.) */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Bytes that several bodies read at once may hold together (the control plane's state imports): a
 * body that would take more than what is left is refused as too large, so concurrent imports cannot
 * hold many times the limit of one.
 */
export interface BodyBudget {
  /** Takes `bytes`; false (nothing taken) when fewer are left. */
  take(bytes: number): boolean;
  give(bytes: number): void;
}

export function createBodyBudget(total: number): BodyBudget {
  let left = total;
  return {
    take(bytes) {
      if (bytes > left) return false;
      left -= bytes;
      return true;
    },
    give(bytes) {
      left += bytes;
    },
  };
}

/**
 * Reads and parses the body. A body that is not JSON by its content type, or declares a length over
 * the limit, is drained unread; one that grows over the limit stops being buffered and is drained.
 * Either way the whole body is consumed before the answer, so the connection stays usable.
 */
export function readJsonBody(req: IncomingMessage, limit: number, budget?: BodyBudget): ReadBody | Promise<ReadBody> {
  if (!hasBody(req)) return NO_BODY;
  if (!isJsonMediaType(req.headers['content-type'])) return drain(req, UNSUPPORTED);
  if (Number(req.headers['content-length']) > limit) return drain(req, TOO_LARGE);
  return collect(req, limit, budget);
}

function drain(req: IncomingMessage, result: ReadBody): Promise<ReadBody> {
  return new Promise((resolve) => {
    const done = (): void => resolve(result);
    req.once('end', done);
    req.once('close', done);
    req.once('error', done);
    req.resume();
  });
}

function collect(req: IncomingMessage, limit: number, budget: BodyBudget | undefined): Promise<ReadBody> {
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    /** Bytes taken from the budget, given back once the body is parsed or refused. */
    let held = 0;
    let refused = false;
    const release = (): void => {
      budget?.give(held);
      held = 0;
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refused) return;
      if (size > limit || (budget !== undefined && !budget.take(chunk.length))) {
        refused = true;
        chunks = [];
        release();
        return;
      }
      held += budget ? chunk.length : 0;
      chunks.push(chunk);
    });
    const settle = (result: () => ReadBody): void => {
      const read = result();
      release();
      resolve(read);
    };
    req.once('end', () => settle(() => (refused ? TOO_LARGE : parse(Buffer.concat(chunks, size)))));
    // A client that goes away mid-body gets no answer; resolve so that nothing waits forever.
    req.once('close', () => settle(() => INVALID_JSON));
    req.once('error', () => settle(() => INVALID_JSON));
  });
}

function parse(bytes: Buffer): ReadBody {
  if (bytes.length === 0) return NO_BODY;
  try {
    return { body: JSON.parse(bytes.toString('utf8')) as unknown, problem: undefined };
  } catch {
    return INVALID_JSON;
  }
}
