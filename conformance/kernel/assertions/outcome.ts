/**
 * Compares one response with the status and message the spec expects. Pure: exchange and
 * expectation in, failures out.
 *
 * A wrong status is filed under the kind of the rule that expected it (a 200 where a 403 was due is
 * a wrong role), except where the status received says more than the rule does. A 5xx is always a
 * robustness failure (W3: no request yields one). Where the call should have succeeded, the status
 * received names the defect: a 401 refused valid credentials (auth), a 403 the caller's rights
 * (role), another 4xx applied a rule that does not hold (business), another 2xx answered the
 * success with a status the spec does not give it (envelope).
 */
import type { Expected } from '../expected.js';
import type { FailureKind } from '../failure.js';
import type { ExchangeFailure } from '../recorder.js';
import { bodyMessage, type Exchange } from '../http/exchange.js';

export interface OutcomeOptions {
  /** `--lenient-messages`: any non-empty message passes. */
  readonly lenientMessages: boolean;
}

export function checkOutcome(exchange: Exchange, expected: Expected, options: OutcomeOptions): ExchangeFailure[] {
  const response = exchange.response;
  if (!response) {
    return [
      {
        type: 'transport',
        kind: 'robustness',
        reason: `W3: no request may drop the connection; ${expected.reason}`,
        expected: `a ${expected.status} response`,
        received: exchange.error ?? 'no response',
      },
    ];
  }
  if (response.status !== expected.status) {
    return [{ type: 'status', ...statusFiling(expected, response.status), expected: expected.status, received: response.status }];
  }
  return expected.message === null ? [] : checkMessage(exchange, expected.message, expected, options);
}

/** The kind and reason of a wrong status: the rule's, unless the status received points elsewhere. */
function statusFiling(expected: Pick<Expected, 'status' | 'kind' | 'reason'>, received: number): { kind: FailureKind; reason: string } {
  if (received >= 500) return { kind: 'robustness', reason: `W3: no request yields a 5xx; ${expected.reason}` };
  if (expected.status < 200 || expected.status >= 300) return { kind: expected.kind, reason: expected.reason };
  if (received === 401) return { kind: 'auth', reason: `a 401 refused credentials the rules accept; ${expected.reason}` };
  if (received === 403) return { kind: 'role', reason: expected.reason };
  if (received >= 200 && received < 300)
    return { kind: 'envelope', reason: `the call succeeded, but ${expected.status} is its documented status; ${expected.reason}` };
  return { kind: 'business', reason: expected.reason };
}

/** The documented message, or with `--lenient-messages` any non-empty one. */
export function checkMessage(exchange: Exchange, message: string, context: Pick<Expected, 'kind' | 'reason'>, options: OutcomeOptions): ExchangeFailure[] {
  const received = bodyMessage(exchange);
  const ok = options.lenientMessages ? received !== null && received.trim() !== '' : received === message;
  if (ok) return [];
  return [{ type: 'message', kind: context.kind, reason: context.reason, expected: options.lenientMessages ? 'any non-empty message' : message, received }];
}
