/**
 * What a check expects of one call: a status, the documented message, and the rule that says so,
 * in words for the reports. Every profile states its expectations in these terms; the kernel's
 * assertions (assertions/outcome.ts) compare a response with them.
 */
import type { FailureKind } from './failure.js';

export interface Expected {
  readonly status: number;
  /** The documented message to compare, or null when there is none to compare (a success, the list's 403). */
  readonly message: string | null;
  readonly kind: FailureKind;
  /** The rule that decides the answer: `A2`, `x-access.gate`, `R6`, ... */
  readonly rule: string;
  /** The rule in words, for reports: `BILLING may not list organization users (x-access.gate.minRole: WORKSPACES or higher)`. */
  readonly reason: string;
}

export interface Undetermined {
  readonly status: null;
  readonly why: string;
}

export type Expectation = Expected | Undetermined;

/** What a state check cites: the kind of defect and the rule in words, `U6: delete is soft`. */
export interface Because {
  readonly kind: FailureKind;
  readonly reason: string;
}

export function because(kind: FailureKind, rule: string, says: string): Because {
  return { kind, reason: `${rule}: ${says}` };
}

/** An expectation a check states from one documented rule (not from an access rule). */
export function byRule(kind: FailureKind, rule: string, says: string, status: number, message: string | null = null): Expected {
  return { status, message, kind, rule, reason: `${rule}: ${says}` };
}
