/**
 * Cases, failures and matrix cells as a run collects them. A check runs its cases through
 * `Recorder.run`; inside, a `CaseScope` sends requests (tagged with the case) and records failures.
 * A case that cannot run (a missing principal, `--read-only`) is skipped with its reason.
 */
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
}

export class Recorder {
  readonly cases: CaseResult[] = [];
  readonly failures: Failure[] = [];
  readonly cells: MatrixCell[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly options: RecorderOptions) {}

  /** Runs one case; its failures and skip reason end up in `cases`. */
  async run(group: string, name: string, options: CaseOptions, body: (scope: CaseScope) => Promise<void>): Promise<CaseResult> {
    const id = this.uniqueId(`${group}: ${name}`);
    const scope = new CaseScope(this, id, group);
    const started = performance.now();
    let skipReason: string | null = null;
    if (options.mutates && this.options.readOnly) skipReason = 'changes state on the target (skipped by --read-only)';
    else {
      try {
        await body(scope);
      } catch (err) {
        if (err instanceof SkipCase) skipReason = err.message;
        else throw err;
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
    return result;
  }

  addFailure(draft: FailureDraft, check: string, caseId: string): Failure {
    const failure = { ...draft, id: this.failures.length + 1, check, caseId, message: formatFailureMessage(draft) } as Failure;
    this.failures.push(failure);
    return failure;
  }

  cell(cell: MatrixCell): void {
    this.cells.push(cell);
  }

  private uniqueId(base: string): string {
    let id = base;
    for (let n = 2; this.ids.has(id); n++) id = `${base} #${n}`;
    this.ids.add(id);
    return id;
  }
}
