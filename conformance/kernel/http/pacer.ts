/**
 * Self-pacing: a run must not trip a target's rate limit by accident, since a 429 where a check
 * expects its answer would be a failure of the suite, not of the target. Knows no API: it reads the
 * widespread `X-RateLimit-Remaining` / `X-RateLimit-Reset` headers (Reset in Unix seconds; a small
 * value is read as seconds from now, as some servers send it) and, on a 429, a JSON body's
 * `retryAfter` or the `Retry-After` header. A target that sends none of them is never held.
 *
 * Per credential (the Authorization value, else the Cookie header), it remembers what the last answer
 * said was left. Before a request with a credential that has at most `reserve` requests left in a
 * window that has not ended, it waits for the window to end, at most `maxWaitMs`; a longer wait is
 * not made (the request goes at once and the note says so). The reserve covers requests in flight.
 * A 429 that happens anyway is waited out once (retryAfter, else the window's end; at most
 * `maxWaitMs`) and the request is sent again: the client records both exchanges and hands the second
 * to the caller. A request marked `unpaced` (a check that reaches the limit on purpose) is never held
 * or retried. Every wait is a note of the run.
 *
 * A server's Reset is on the server's clock: the wait is measured from the answer's `Date` header
 * when it has one (so a skew between the two machines does not count), else from the local clock.
 */

export interface PacerClock {
  /** Milliseconds since the epoch, the local clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface PacerOptions {
  /** Hold a request when its credential has at most this many requests left. Default 2. */
  readonly reserve?: number | undefined;
  /** The longest wait for a window to end; a longer one is not made. Default 65 s. */
  readonly maxWaitMs?: number | undefined;
  /** Tests pass a fake clock. Default: the real one. */
  readonly clock?: PacerClock | undefined;
}

/** What the pacer reads from an answer. Header names in lower case. */
export interface PacedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly json: unknown;
}

export const DEFAULT_RESERVE = 2;
export const DEFAULT_MAX_WAIT_MS = 65_000;
/** A little past the window's end, so that the request lands in the next window. */
const MARGIN_MS = 250;
/** Below this, a Reset value is seconds from now rather than a Unix time (1e9 s is 2001). */
const UNIX_SECONDS_FLOOR = 1_000_000_000;

const REAL_CLOCK: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface Budget {
  /** Requests left in the window, as last seen, less those sent since. */
  remaining: number;
  /** When the window ends, on the local clock (ms); null when the answer did not say. */
  endsAt: number | null;
}

export class Pacer {
  /** One line per wait (or wait not made), for the run's notes. */
  readonly notes: string[] = [];
  private readonly budgets = new Map<string, Budget>();
  private readonly reserve: number;
  private readonly maxWaitMs: number;
  private readonly clock: PacerClock;
  /** Credentials whose too-long wait was already noted: one note each, not one per request. */
  private readonly notedLong = new Set<string>();

  constructor(options: PacerOptions = {}) {
    this.reserve = options.reserve ?? DEFAULT_RESERVE;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.clock = options.clock ?? REAL_CLOCK;
  }

  /** Before a request with `credential` (`who` names it in notes): waits for the window to end when little is left. */
  async beforeSend(credential: string, who: string): Promise<void> {
    const budget = this.budgets.get(credential);
    if (!budget) return;
    if (budget.endsAt !== null && budget.endsAt <= this.clock.now()) {
      this.budgets.delete(credential); // that window has ended: the next answer says what the new one holds
      return;
    }
    if (budget.remaining <= this.reserve && budget.endsAt !== null) {
      const wait = budget.endsAt - this.clock.now();
      if (wait > 0 && wait <= this.maxWaitMs) {
        const left = Math.max(0, budget.remaining);
        await this.clock.sleep(wait);
        this.notes.push(`paced: waited ${seconds(wait)} s before sending as ${who} (${left} request${left === 1 ? '' : 's'} left in its rate-limit window)`);
        this.budgets.delete(credential);
        return;
      }
      if (wait > this.maxWaitMs && !this.notedLong.has(credential)) {
        this.notedLong.add(credential);
        this.notes.push(
          `paced: ${who} had ${budget.remaining} request(s) left, but its window ends in ${seconds(wait)} s (over ${seconds(this.maxWaitMs)} s): sent at once`,
        );
      }
    }
    // Counted as spent until the answer says otherwise, so that requests in flight are not all let through.
    budget.remaining--;
  }

  /** After an answer to a request with `credential`: remembers what is left and when the window ends. */
  observe(credential: string, response: PacedResponse): void {
    const remaining = integerHeader(response.headers, 'x-ratelimit-remaining');
    if (remaining === null) return;
    this.budgets.set(credential, { remaining, endsAt: this.windowEnd(response) });
  }

  /**
   * For a 429: how long to wait before sending the request again (retryAfter, Retry-After, else the
   * window's end), or null when there is no telling or the wait is longer than `maxWaitMs`.
   */
  retryDelay(response: PacedResponse): number | null {
    if (response.status !== 429) return null;
    const body = response.json;
    const field = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).retryAfter : undefined;
    let wait: number | null = null;
    if (typeof field === 'number' && Number.isFinite(field) && field >= 0) wait = field * 1000 + MARGIN_MS;
    else {
      const header = response.headers['retry-after'];
      if (header !== undefined && /^\d+$/.test(header.trim())) wait = Number(header.trim()) * 1000 + MARGIN_MS;
      else if (header !== undefined && Number.isFinite(Date.parse(header))) wait = Date.parse(header) - this.serverNow(response) + MARGIN_MS;
      else {
        const end = this.windowEnd(response);
        if (end !== null) wait = end - this.clock.now();
      }
    }
    if (wait === null || wait > this.maxWaitMs) return null;
    return Math.max(0, wait);
  }

  /** Waits `ms` after a 429 and notes it. */
  async waitToRetry(credential: string, who: string, what: string, ms: number): Promise<void> {
    await this.clock.sleep(ms);
    this.budgets.delete(credential);
    this.notes.push(`paced: ${who} got a 429 on ${what}; waited ${seconds(ms)} s and sent it again`);
  }

  /** The window's end on the local clock, from X-RateLimit-Reset measured against the answer's Date. */
  private windowEnd(response: PacedResponse): number | null {
    const reset = integerHeader(response.headers, 'x-ratelimit-reset');
    if (reset === null) return null;
    const now = this.clock.now();
    if (reset < UNIX_SECONDS_FLOOR) return now + reset * 1000 + MARGIN_MS;
    return now + (reset * 1000 - this.serverNow(response)) + MARGIN_MS;
  }

  /** The server's time of the answer: its Date header (whole seconds), else the local clock. */
  private serverNow(response: PacedResponse): number {
    const date = response.headers.date;
    const parsed = date === undefined ? Number.NaN : Date.parse(date);
    return Number.isFinite(parsed) ? parsed : this.clock.now();
  }
}

function integerHeader(headers: Readonly<Record<string, string>>, name: string): number | null {
  const raw = headers[name]?.trim();
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : null;
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
