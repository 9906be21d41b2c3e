/** How reports fold a run's failures and skips so that one defect reads as one entry. */
import type { Failure, FailureKind } from '../failure.js';
import type { CaseResult } from '../result.js';

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
