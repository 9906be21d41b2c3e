/** `--json FILE`: the whole run result (tokens and passwords already redacted from the exchanges). */
import type { RunResult } from '../result.js';

export function formatJsonReport(result: RunResult): string {
  return `${JSON.stringify({ format: 'org-contract-conformance', version: 1, ...result }, null, 2)}\n`;
}
