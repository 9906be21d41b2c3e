/**
 * Checks of what the target holds or says beyond status and message (a field's value, a record
 * read back, two answers that must agree), shared by every profile: each records a `state` failure
 * with the rule it checks, and says whether it held.
 */
import type { FailureKind } from '../failure.js';
import type { Exchange } from '../http/exchange.js';
import type { CaseScope } from '../recorder.js';

/** The defect a state check points at, and the rule in words (`TA6: the key is shown once`). */
export interface StateContext {
  readonly kind: FailureKind;
  readonly reason: string;
}

/** Records a failure unless `actual` equals `expected` (JSON equality, object keys in any order). */
export function expectEqual(scope: CaseScope, exchange: Exchange, what: string, actual: unknown, expected: unknown, context: StateContext): boolean {
  if (sameJson(actual, expected)) return true;
  scope.failOn(exchange, {
    type: 'state',
    kind: context.kind,
    reason: context.reason,
    expected: `${what} ${show(expected)}`,
    received: `${what} ${show(actual)}`,
  });
  return false;
}

/** Records a failure unless the condition holds. */
export function expectThat(
  scope: CaseScope,
  exchange: Exchange,
  ok: boolean,
  texts: StateContext & { readonly expected: string; readonly received: string },
): boolean {
  if (!ok) scope.failOn(exchange, { type: 'state', ...texts });
  return ok;
}

/** JSON equality; object keys in any order (a backend may serialise fields in another order). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

/** A value as a report quotes it: JSON, cut to a readable length; `absent` for undefined. */
export function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'absent' : text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
