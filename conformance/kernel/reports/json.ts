/** `--json FILE`: the whole run result (tokens and passwords already redacted from the exchanges). */
import type { RunResult, SetupFailure } from '../result.js';

export function formatJsonReport(result: RunResult): string {
  return `${JSON.stringify({ format: 'org-contract-conformance', version: 1, ...result }, null, 2)}\n`;
}

/** A run that could not start: `{setupError, exitCode: 2}` with the API and target when known. */
export function formatJsonSetupError(error: SetupFailure): string {
  const body = {
    format: 'org-contract-conformance',
    version: 1,
    api: error.api,
    target: error.target,
    startedAt: error.startedAt,
    setupError: error.message,
    exitCode: 2,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
