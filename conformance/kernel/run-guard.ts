/**
 * What keeps a run from going on for ever against a target that hangs or crawls: a deadline for the
 * whole run, and a circuit breaker that stops it after a number of requests in a row got no answer
 * (timed out, or could not connect). Once tripped, every later send throws RunStopped with one line
 * saying what happened and what to do; the runner turns that into an incomplete result (exit 2).
 */
import { RunStopped } from './errors.js';

export interface RunGuardOptions {
  /** The whole run's time; null: none. */
  readonly deadlineMs: number | null;
  /** Stop after this many unanswered requests in a row; 0: never. */
  readonly maxUnanswered: number;
  /** The per-request timeout, for the message. */
  readonly timeoutMs: number;
}

/** How a request ended, as the breaker counts it. */
export type Answered = 'answered' | 'timeout' | 'unreachable' | 'other';

export class RunGuard {
  /** Aborted when the deadline passes: requests in flight end at once. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | null;
  private stopped: string | null = null;
  private unanswered: { count: number; kinds: Set<Answered> } = { count: 0, kinds: new Set() };

  constructor(private readonly options: RunGuardOptions) {
    this.signal = this.controller.signal;
    this.timer =
      options.deadlineMs === null
        ? null
        : setTimeout(() => {
            this.stop(
              `the run reached its deadline of ${duration(options.deadlineMs ?? 0)} before it ended; raise --deadline, or check why the target answers slowly`,
            );
          }, options.deadlineMs);
    // The deadline never keeps the process alive by itself.
    this.timer?.unref();
  }

  /** Why the run stopped, or null while it goes on. */
  get reason(): string | null {
    return this.stopped;
  }

  /** Throws RunStopped once the run has stopped: called before every request. */
  check(): void {
    if (this.stopped !== null) throw new RunStopped(this.stopped);
  }

  /** Counts how a request ended; trips the breaker after `maxUnanswered` unanswered in a row. */
  observe(outcome: Answered): void {
    // A reset or an answer, even a wrong one, shows the target is there: only silence counts.
    if (outcome === 'answered' || outcome === 'other') {
      this.unanswered = { count: 0, kinds: new Set() };
      return;
    }
    this.unanswered.count++;
    this.unanswered.kinds.add(outcome);
    const max = this.options.maxUnanswered;
    if (max === 0 || this.unanswered.count < max) return;
    const { kinds } = this.unanswered;
    const timedOut = `timed out after ${duration(this.options.timeoutMs)}`;
    const what = !kinds.has('unreachable') ? timedOut : !kinds.has('timeout') ? 'could not connect' : `${timedOut} or could not connect`;
    const todo = kinds.has('timeout') ? 'check it is up, or raise --timeout' : 'check it is up and the --target URL';
    this.stop(`target stopped answering: ${max} requests in a row ${what}; ${todo}`);
  }

  /** Ends the deadline's timer (the run is over). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private stop(reason: string): void {
    if (this.stopped !== null) return;
    this.stopped = reason;
    this.controller.abort(new RunStopped(reason));
  }
}

/** `10 s`, `250 ms`, `15 min`: how the messages show a duration. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Math.round(ms / 100) / 10} s`;
  return `${ms / 60_000} min`;
}
