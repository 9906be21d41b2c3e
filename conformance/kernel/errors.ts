/**
 * A problem with how the suite was started, not with the target's conformance: bad usage, a config
 * file that cannot be used, an unreachable target. The CLI prints the message as one line and exits 2.
 */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

/**
 * The run stopped before its end: its deadline passed, or the target stopped answering (run-guard.ts).
 * Thrown by the HTTP client instead of sending; the runner turns it into an incomplete result (exit 2)
 * whose report holds what ran. The message is the one line the CLI prints, saying what to do.
 */
export class RunStopped extends Error {
  override readonly name = 'RunStopped';
}
