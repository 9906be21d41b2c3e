/**
 * What a check reports when the target departs from the spec.
 *
 * A failure is a discriminated union on `type` (what was compared); every variant carries the same
 * who/what/why fields, so reports can group by `kind` and print each one as
 * `Received: 200. Expected: 403 (BILLING may not list organization users)`.
 */

/**
 * The headings of the console summary: what sort of defect the failure points at. `message`: the
 * status was right and only the wording differs, a message the spec documents nowhere (the recorder
 * files it so, whichever check found it; a message the spec documents for another case keeps the
 * rule's kind, since it shows the target applied another rule).
 */
export type FailureKind = 'auth' | 'role' | 'tenant' | 'envelope' | 'business' | 'robustness' | 'message';

export const FAILURE_KINDS: readonly FailureKind[] = ['auth', 'role', 'tenant', 'envelope', 'business', 'robustness', 'message'];

export const KIND_TITLES: Readonly<Record<FailureKind, string>> = {
  auth: 'Missing or ignored auth',
  role: 'Wrong role',
  tenant: 'Wrong tenant',
  envelope: 'Envelope or schema',
  business: 'Business rule',
  robustness: 'Robustness',
  message: 'Message differs from the spec',
};

/** The request as reports show it: method, path and a short, password-masked body summary. */
export interface RequestSummary {
  readonly method: string;
  readonly path: string;
  readonly body: string | null;
}

interface FailureBase {
  readonly id: number;
  readonly check: string;
  /** The case (JUnit test case) that found it. */
  readonly caseId: string;
  readonly kind: FailureKind;
  /** The operationId, or `METHOD path` for a request outside the operations (unknown route, wrong method). */
  readonly operation: string;
  /** Who sent the request: a principal name, or a pseudo-principal such as `no-token`. */
  readonly principal: string;
  readonly request: RequestSummary | null;
  /** The recorded exchange, for reports that show the response. */
  readonly exchangeId: number | null;
  /** Why this was expected, in the spec's words (a rule id such as R6 or x-access.gate, and what it says). */
  readonly reason: string;
  /** `Received: ... Expected: ... (reason)`, ready to print. */
  readonly message: string;
}

export type Failure =
  | (FailureBase & { readonly type: 'status'; readonly expected: number; readonly received: number })
  | (FailureBase & { readonly type: 'message'; readonly expected: string; readonly received: string | null })
  | (FailureBase & { readonly type: 'schema'; readonly expected: string; readonly received: string })
  | (FailureBase & { readonly type: 'header'; readonly header: string; readonly expected: string; readonly received: string | null })
  | (FailureBase & { readonly type: 'content-type'; readonly expected: string; readonly received: string | null })
  | (FailureBase & { readonly type: 'undocumented-status'; readonly expected: readonly number[]; readonly received: number })
  | (FailureBase & { readonly type: 'state'; readonly expected: string; readonly received: string })
  | (FailureBase & { readonly type: 'secret'; readonly location: string; readonly expected: string; readonly received: string })
  | (FailureBase & { readonly type: 'transport'; readonly expected: string; readonly received: string });

/** A failure before the engine has numbered it and placed it in a case. */
export type FailureDraft = Failure extends infer F ? (F extends Failure ? Omit<F, 'id' | 'check' | 'caseId' | 'message'> : never) : never;

/** `Received: <what> Expected: <what> (<reason>)`. */
export function formatFailureMessage(draft: FailureDraft): string {
  const [received, expected] = describeValues(draft);
  return `Received: ${received}. Expected: ${expected} (${draft.reason})`;
}

function describeValues(f: FailureDraft): [string, string] {
  switch (f.type) {
    case 'status':
      return [String(f.received), String(f.expected)];
    case 'message':
      return [f.received === null ? 'no message' : JSON.stringify(f.received), JSON.stringify(f.expected)];
    case 'schema':
      return [f.received, `a body matching ${f.expected}`];
    case 'header':
      return [f.received === null ? `no ${f.header} header` : `${f.header}: ${f.received}`, `${f.header}: ${f.expected}`];
    case 'content-type':
      return [f.received === null ? 'no Content-Type' : `Content-Type ${f.received}`, `Content-Type ${f.expected}`];
    case 'undocumented-status':
      return [`${f.received}, a status the spec does not document here`, `one of ${f.expected.join(', ')}`];
    case 'state':
    case 'transport':
      return [f.received, f.expected];
    case 'secret':
      return [`${f.received} at ${f.location}`, f.expected];
  }
}
