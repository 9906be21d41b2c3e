/**
 * The conformance suite: checks a target of the Flashback Organization API against
 * openapi/organization.yaml over HTTP only. It never imports the mock (src/engine, src/apis, src/server).
 */
export { runConformance } from './kernel/run.js';
export { SetupError } from './kernel/errors.js';
export { GROUP_NAMES, GROUP_TITLES, type GroupName } from './profiles/flashback/groups.js';
export { FAILURE_KINDS, KIND_TITLES, type Failure, type FailureKind } from './kernel/failure.js';
export type { ConformanceOptions } from './kernel/options.js';
export type { RunResult, CaseResult, MatrixCell, ExchangeRecord } from './kernel/result.js';
export { formatConsoleReport } from './kernel/reports/console.js';
export { writeReports, type ReportPaths } from './kernel/reports/index.js';
