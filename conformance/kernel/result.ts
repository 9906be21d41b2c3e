/** What a run returns: the data every report (console, JUnit, JSON, HTML) is drawn from. */
import type { Failure } from './failure.js';

export type CaseStatus = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  readonly id: string;
  /** The check group that ran it. */
  readonly group: string;
  readonly name: string;
  readonly status: CaseStatus;
  /** Why it was skipped. */
  readonly skipReason: string | null;
  readonly failureIds: readonly number[];
  readonly exchangeIds: readonly number[];
  readonly durationMs: number;
}

/** One cell of the operation × principal matrix. */
export interface MatrixCell {
  readonly operationId: string;
  readonly principal: string;
  readonly expected: { readonly status: number; readonly message: string | null; readonly reason: string } | null;
  readonly received: number | null;
  readonly outcome: 'pass' | 'fail' | 'skip';
  readonly note: string | null;
  readonly caseId: string;
  readonly exchangeId: number | null;
}

export interface PrincipalReport {
  readonly name: string;
  readonly available: boolean;
  /** Where its credential came from: `config`, `env`, `mock`. */
  readonly source: string | null;
  /** Role name, `none` (no organization), or `unknown`. */
  readonly role: string | null;
  readonly userId: string | null;
  readonly orgId: string | null;
  readonly note: string | null;
}

/** An exchange as reports show it: tokens and passwords redacted, bodies cut to a readable size. */
export interface ExchangeRecord {
  readonly id: number;
  readonly caseId: string;
  readonly principal: string;
  readonly operation: string;
  readonly request: {
    readonly method: string;
    readonly path: string;
    readonly authorization: string | null;
    readonly contentType: string | null;
    readonly body: string | null;
  };
  readonly response: {
    readonly status: number;
    readonly contentType: string | null;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  } | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface GroupSummary {
  readonly name: string;
  readonly title: string;
  readonly selected: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface RunResult {
  readonly runId: string;
  /** The profile that ran: `flashback`, `tours`. */
  readonly api: string;
  readonly target: string;
  readonly spec: { readonly file: string; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly options: { readonly readOnly: boolean; readonly lenientMessages: boolean; readonly failOnSkip: boolean; readonly only: readonly string[] };
  readonly principalSource: string;
  readonly principals: readonly PrincipalReport[];
  readonly groups: readonly GroupSummary[];
  readonly cases: readonly CaseResult[];
  readonly failures: readonly Failure[];
  readonly matrix: {
    readonly operations: readonly { readonly operationId: string; readonly method: string; readonly path: string }[];
    readonly principals: readonly string[];
    readonly cells: readonly MatrixCell[];
  };
  readonly exchanges: readonly ExchangeRecord[];
  readonly notes: readonly string[];
  /** What the checks noticed about the target as a whole, one line each (a target that keeps no state); printed prominently. */
  readonly hints: readonly string[];
  readonly totals: {
    readonly cases: number;
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly failures: number;
    readonly requests: number;
  };
  /**
   * Set when the run stopped before its end (its deadline passed, or the target stopped answering):
   * the one line saying what happened and what to do. The groups not run are absent from `cases`.
   */
  readonly incomplete?: string;
  /**
   * 0: every check passed (skips allowed, unless `--fail-on-skip`); 1: at least one failed, or one
   * was skipped under `--fail-on-skip`; 2: the run stopped before its end (`incomplete`). Setup
   * problems throw SetupError (exit 2 too).
   */
  readonly exitCode: 0 | 1 | 2;
}

/** What the reports of a run that could not start (a SetupError, exit 2) say. */
export interface SetupFailure {
  /** The SetupError's one line. */
  readonly message: string;
  /** The API (`--api`) and the target, when known. */
  readonly api: string | null;
  readonly target: string | null;
  readonly startedAt: string;
}
