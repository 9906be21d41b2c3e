/**
 * Compares one response with the status and message the spec expects. Pure: exchange and
 * expectation in, failures out.
 */
import type { Expected } from '../engine/expectations.js';
import type { ExchangeFailure } from '../engine/recorder.js';
import { bodyMessage, type Exchange } from '../http/exchange.js';

export interface OutcomeOptions {
  /** `--lenient-messages`: any non-empty message passes. */
  readonly lenientMessages: boolean;
}

export function checkOutcome(exchange: Exchange, expected: Expected, options: OutcomeOptions): ExchangeFailure[] {
  const response = exchange.response;
  if (!response) {
    return [{ type: 'transport', kind: 'robustness', reason: `W3: no request may drop the connection; ${expected.reason}`, expected: `a ${expected.status} response`, received: exchange.error ?? 'no response' }];
  }
  if (response.status !== expected.status) {
    return [{ type: 'status', kind: expected.kind, reason: expected.reason, expected: expected.status, received: response.status }];
  }
  return expected.message === null ? [] : checkMessage(exchange, expected.message, expected, options);
}

/** The documented message, or with `--lenient-messages` any non-empty one. */
export function checkMessage(exchange: Exchange, message: string, context: Pick<Expected, 'kind' | 'reason'>, options: OutcomeOptions): ExchangeFailure[] {
  const received = bodyMessage(exchange);
  const ok = options.lenientMessages ? received !== null && received.trim() !== '' : received === message;
  if (ok) return [];
  return [{ type: 'message', kind: context.kind, reason: context.reason, expected: options.lenientMessages ? 'any non-empty message' : message, received }];
}
