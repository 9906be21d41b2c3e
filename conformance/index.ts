/**
 * The conformance suite: checks a target of an organization API against its spec over HTTP only.
 * The kernel (conformance/kernel) knows no API; each API is a profile (conformance/profiles/<api>)
 * handed to it. It never imports the mock (src/engine, src/apis, src/server).
 */
import { SetupError } from './kernel/errors.js';
import type { ConformanceOptions } from './kernel/options.js';
import type { SuiteProfile } from './kernel/profile.js';
import type { RunResult } from './kernel/result.js';
import { runSuite } from './kernel/run.js';
import { DEFAULT_API, PROFILES } from './profiles/index.js';

export { SetupError } from './kernel/errors.js';
export type { ProgressEvent } from './kernel/progress.js';
export { FAILURE_KINDS, KIND_TITLES, type Failure, type FailureKind } from './kernel/failure.js';
export type { ConformanceOptions } from './kernel/options.js';
export type { SuiteProfile } from './kernel/profile.js';
export type { RunResult, CaseResult, MatrixCell, ExchangeRecord, SetupFailure } from './kernel/result.js';
export { formatConsoleReport } from './kernel/reports/console.js';
export { progressPrinter } from './kernel/reports/progress.js';
export { writeReports, writeSetupErrorReports, type ReportPaths } from './kernel/reports/index.js';
export { DEFAULT_API, PROFILES } from './profiles/index.js';

/** The profile `--api` names; a SetupError listing the known ones otherwise. */
export function profileFor(api: string | undefined): SuiteProfile {
  const name = api ?? DEFAULT_API;
  const profile = PROFILES[name];
  if (!profile) throw new SetupError(`Unknown --api "${name}"; use ${Object.keys(PROFILES).join(' or ')}`);
  return profile;
}

/** Runs the checks of one API (`api`, default flashback) against `target`. */
export async function runConformance(input: ConformanceOptions & { readonly api?: string | undefined }): Promise<RunResult> {
  const { api, ...options } = input;
  return runSuite(profileFor(api), options);
}
