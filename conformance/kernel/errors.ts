/**
 * A problem with how the suite was started, not with the target's conformance: bad usage, a config
 * file that cannot be used, an unreachable target. The CLI prints the message as one line and exits 2.
 */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}
