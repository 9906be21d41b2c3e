/**
 * How deep requests get, counted per operation: `routing` (the server matched an operation and handed
 * it to the API), then the pipeline's stages (`auth`, `validation`, `handler`: PipelineStage in
 * src/engine/api.ts), which the pipeline reports to a request's `observe`. The API is wrapped, not
 * changed: `observedApi` sets `observe` on every request it passes on, and may plant a crash at a
 * stage, which is how a test shows that the fuzzer catches a validator or handler that throws.
 */
import type { ApiRequest, MockApi, PipelineStage } from '../../src/engine/api.js';

export const STAGES = ['routing', 'auth', 'validation', 'handler'] as const;
export type Stage = (typeof STAGES)[number];

export type StageRow = Record<Stage, number>;

const emptyRow = (): StageRow => ({ routing: 0, auth: 0, validation: 0, handler: 0 });

export class StageCounts {
  readonly byOperation = new Map<string, StageRow>();
  /** The deepest stage the last request reached, or null when it reached no operation (the fuzzer sends one request at a time). */
  last: Stage | null = null;

  record(operationId: string, stage: Stage): void {
    let row = this.byOperation.get(operationId);
    if (!row) this.byOperation.set(operationId, (row = emptyRow()));
    row[stage] += 1;
    this.last = stage;
  }

  row(operationId: string): StageRow {
    return this.byOperation.get(operationId) ?? emptyRow();
  }

  total(): StageRow {
    const sum = emptyRow();
    for (const row of this.byOperation.values()) for (const stage of STAGES) sum[stage] += row[stage];
    return sum;
  }
}

/** A fault planted at one stage of one operation (or every operation), for a test that the fuzzer reports it. */
export interface PlantedCrash {
  readonly operationId: string | null;
  readonly stage: PipelineStage;
  /** Runs at that stage with the request; throwing is the crash. */
  readonly run: (request: ApiRequest) => void;
}

/**
 * A body validator that trims a field before checking its type: the body's first string field of the
 * operation's schema is trimmed, so any request whose field is not a string throws a TypeError.
 */
export function trimBeforeTypeCheck(operationId: string | null, field: string, stage: PipelineStage = 'validation'): PlantedCrash {
  return {
    operationId,
    stage,
    run(request) {
      const body = request.body as Record<string, unknown> | null | undefined;
      if (typeof body === 'object' && body !== null && field in body) (body[field] as string).trim();
    },
  };
}

/** The API with every request's stages counted into `counts` (and the planted crash, if any, run at its stage). */
export function observedApi(api: MockApi, counts: StageCounts, plant: PlantedCrash | null = null): MockApi {
  return {
    ...api,
    handle(request) {
      const id = request.operation.operationId;
      counts.record(id, 'routing');
      const planted = plant && (plant.operationId === null || plant.operationId === id) ? plant : null;
      return api.handle({
        ...request,
        observe(stage) {
          counts.record(id, stage);
          if (planted?.stage === stage) planted.run(request);
        },
      });
    },
  };
}
