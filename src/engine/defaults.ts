/**
 * The default of every mock setting, in one place: the server's options, the CLI's flags and their
 * `--help`, and the mock's own options all read them here (a light module, so `--help` loads nothing else).
 */
export const DEFAULTS = Object.freeze({
  /** The CLI's port (`$PORT` wins over it); the in-process server's is 0, a free one. */
  cliPort: 4010,
  host: '127.0.0.1',
  /** Seeds the data, the token signing key and the fault generator. */
  seed: 42,
  /** Extra generated users (members) in the first organization. */
  users: 0,
  /** Flashback A5: access tokens last one hour. */
  tokenTtlSeconds: 3600,
  errorRate: 0,
  corsOrigins: '*' as const,
  controlPlane: true,
});
