/**
 * The conformance suite: checks a target of the Flashback Organization API against
 * openapi/organization.yaml over HTTP only. It never imports the mock (src/engine, src/apis, src/server).
 */
export { runConformance } from './engine/run.js';
export { SetupError } from './engine/errors.js';
export { GROUP_NAMES, GROUP_TITLES, type GroupName } from './engine/groups.js';
export { FAILURE_KINDS, KIND_TITLES, type Failure, type FailureKind } from './engine/failure.js';
export type { ConformanceOptions } from './engine/options.js';
export type { RunResult, CaseResult, MatrixCell, ExchangeRecord } from './engine/result.js';
export { formatConsoleReport } from './reports/console.js';
export { writeReports, type ReportPaths } from './reports/index.js';
