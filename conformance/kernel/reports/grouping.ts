/** How reports fold a run's failures and skips so that one defect reads as one entry. */
import type { Failure, FailureKind } from '../failure.js';
import type { CaseResult, RunResult } from '../result.js';

export interface FailureGroup {
  /** Failures that say the same thing about the same operation, e.g. one per principal. */
  readonly failures: readonly Failure[];
}

/** Kind → groups of identical failures (same check, operation and message up to array indices), in the order found. */
export function groupFailures(failures: readonly Failure[]): Map<FailureKind, FailureGroup[]> {
  const byKey = new Map<string, Failure[]>();
  for (const f of failures) {
    // The same defect at data[0], data[1], ... or as each principal folds into one entry.
    const key = `${f.kind}\u0000${f.check}\u0000${f.operation}\u0000${f.type}\u0000${f.message.replace(f.principal, '').replace(/\[\d+\]/g, '[]')}`;
    const list = byKey.get(key);
    if (list) list.push(f);
    else byKey.set(key, [f]);
  }
  const byKind = new Map<FailureKind, FailureGroup[]>();
  for (const list of byKey.values()) {
    const kind = (list[0] as Failure).kind;
    const groups = byKind.get(kind) ?? [];
    groups.push({ failures: list });
    byKind.set(kind, groups);
  }
  return byKind;
}

/** Skipped cases by reason. */
export function groupSkips(cases: readonly CaseResult[]): { reason: string; cases: CaseResult[] }[] {
  const byReason = new Map<string, CaseResult[]>();
  for (const c of cases) {
    if (c.status !== 'skipped') continue;
    const reason = c.skipReason ?? 'skipped';
    byReason.set(reason, [...(byReason.get(reason) ?? []), c]);
  }
  return [...byReason].map(([reason, list]) => ({ reason, cases: list }));
}

/** Message differences with one cause: the same documented message answered with the same other wording. */
export interface MessageFold {
  readonly expected: string;
  /** The wording received; null: no message at all. */
  readonly received: string | null;
  readonly failures: readonly Failure[];
  /** Responses it was seen in (a response two checks compared counts once). */
  readonly responses: number;
  readonly operations: readonly string[];
  readonly principals: readonly string[];
}

/** The `message` failures folded by cause, (expected, received), the most frequent first. */
export function foldMessages(failures: readonly Failure[]): MessageFold[] {
  const byPair = new Map<string, { expected: string; received: string | null; failures: Failure[] }>();
  for (const f of failures) {
    if (f.type !== 'message') continue;
    const key = JSON.stringify([f.expected, f.received]);
    const fold = byPair.get(key) ?? { expected: f.expected, received: f.received, failures: [] };
    fold.failures.push(f);
    byPair.set(key, fold);
  }
  return [...byPair.values()]
    .map((fold) => ({
      ...fold,
      responses: new Set(fold.failures.map((f) => (f.exchangeId === null ? `failure ${f.id}` : f.exchangeId))).size,
      operations: [...new Set(fold.failures.map((f) => f.operation))],
      principals: [...new Set(fold.failures.map((f) => f.principal))],
    }))
    .sort((a, b) => b.responses - a.responses);
}

/** The skipped cases counted by reason, the most frequent first, and the principals the run lacked. */
export interface SkipSummary {
  readonly skipped: number;
  readonly total: number;
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
  /** Principals the profile knows that were not given (or have no credential). */
  readonly missing: readonly string[];
}

export function summarizeSkips(result: RunResult): SkipSummary {
  const reasons = groupSkips(result.cases)
    .map((s) => ({ reason: s.reason, count: s.cases.length }))
    .sort((a, b) => b.count - a.count);
  return {
    skipped: result.totals.skipped,
    total: result.totals.cases,
    reasons,
    missing: result.principals.filter((p) => !p.available).map((p) => p.name),
  };
}
