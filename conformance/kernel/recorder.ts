/**
 * Cases, failures and matrix cells as a run collects them. A check runs its cases through
 * `Recorder.run`; inside, a `CaseScope` sends requests (tagged with the case) and records failures.
 * A case that cannot run (a missing principal, `--read-only`) is skipped with its reason.
 */
import { RunStopped } from './errors.js';
import type { Exchange } from './http/exchange.js';
import { operationLabel } from './http/exchange.js';
import type { Failure, FailureDraft } from './failure.js';
import { formatFailureMessage } from './failure.js';
import type { CaseResult, MatrixCell } from './result.js';

/** Thrown by `CaseScope.skip`; ends the case as skipped. */
export class SkipCase extends Error {
  override readonly name = 'SkipCase';
}

export interface CaseOptions {
  /** The case changes state on the target (skipped by `--read-only`). */
  readonly mutates: boolean;
}

export interface RecorderOptions {
  readonly readOnly: boolean;
  /** Every message the spec documents (assertions/documented.ts): a message failure received outside it is filed as `message`. */
  readonly documentedMessages: ReadonlySet<string>;
}

/** The fields of a failure a check gives about a request it sent; the rest comes from the exchange. */
export type ExchangeFailure = FailureDraft extends infer F
  ? F extends FailureDraft
    ? Omit<F, 'operation' | 'principal' | 'request' | 'exchangeId'>
    : never
  : never;

export class CaseScope {
  readonly exchangeIds: number[] = [];
  readonly failureIds: number[] = [];

  constructor(
    private readonly recorder: Recorder,
    readonly id: string,
    readonly group: string,
  ) {}

  /** Marks an exchange as part of this case (the send helpers do it). */
  attach(exchange: Exchange): Exchange {
    this.exchangeIds.push(exchange.id);
    return exchange;
  }

  /** Records a failure about an exchange; operation, principal and request come from it. */
  failOn(exchange: Exchange, draft: ExchangeFailure): void {
    this.fail({
      ...draft,
      operation: operationLabel(exchange),
      principal: exchange.meta.principal,
      request: { method: exchange.request.method, path: exchange.request.path, body: exchange.request.bodySummary },
      exchangeId: exchange.id,
    });
  }

  fail(draft: FailureDraft): void {
    const failure = this.recorder.addFailure(draft, this.group, this.id);
    this.failureIds.push(failure.id);
  }

  skip(reason: string): never {
    throw new SkipCase(reason);
  }

  /** A hint for the report about the target as a whole (`Recorder.hint`). */
  hint(text: string): void {
    this.recorder.hint(text);
  }
}

export class Recorder {
  readonly cases: CaseResult[] = [];
  readonly failures: Failure[] = [];
  readonly cells: MatrixCell[] = [];
  /** What a profile noticed about the target as a whole, printed prominently (a target that keeps no state). */
  readonly hints: string[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly options: RecorderOptions) {}

  /** Runs one case; its failures and skip reason end up in `cases`. */
  async run(group: string, name: string, options: CaseOptions, body: (scope: CaseScope) => Promise<void>): Promise<CaseResult> {
    const id = this.uniqueId(`${group}: ${name}`);
    const scope = new CaseScope(this, id, group);
    const started = performance.now();
    let skipReason: string | null = null;
    let stopped: RunStopped | null = null;
    if (options.mutates && this.options.readOnly) skipReason = 'changes state on the target (skipped by --read-only)';
    else {
      try {
        await body(scope);
      } catch (err) {
        if (err instanceof SkipCase) skipReason = err.message;
        else if (err instanceof RunStopped) {
          // The case in flight is reported as far as it got; the run ends after it (run.ts).
          stopped = err;
          skipReason = 'not finished: the run stopped (see its notes)';
        } else throw err;
      }
    }
    const result: CaseResult = {
      id,
      group,
      name,
      status: scope.failureIds.length > 0 ? 'failed' : skipReason !== null ? 'skipped' : 'passed',
      skipReason: scope.failureIds.length > 0 ? null : skipReason,
      failureIds: scope.failureIds,
      exchangeIds: scope.exchangeIds,
      durationMs: Math.round(performance.now() - started),
    };
    this.cases.push(result);
    if (stopped) throw stopped;
    return result;
  }

  /**
   * Numbers a failure and places it in its case. A message the spec documents nowhere (a rewording,
   * or none at all) is filed under `message`, whichever check found it and whatever rule it was
   * compared for: one cause, one heading. A documented message of another case keeps the rule's kind.
   */
  addFailure(draft: FailureDraft, check: string, caseId: string): Failure {
    const reworded = draft.type === 'message' && (draft.received === null || !this.options.documentedMessages.has(draft.received));
    const filed = reworded ? { ...draft, kind: 'message' as const } : draft;
    const failure = { ...filed, id: this.failures.length + 1, check, caseId, message: formatFailureMessage(filed) } as Failure;
    this.failures.push(failure);
    return failure;
  }

  cell(cell: MatrixCell): void {
    this.cells.push(cell);
  }

  /** Adds a hint (once, however often it is given): one line the reports print prominently. */
  hint(text: string): void {
    if (!this.hints.includes(text)) this.hints.push(text);
  }

  private uniqueId(base: string): string {
    let id = base;
    for (let n = 2; this.ids.has(id); n++) id = `${base} #${n}`;
    this.ids.add(id);
    return id;
  }
}
