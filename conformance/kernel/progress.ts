/**
 * What a run tells while it goes (`ConformanceOptions.onProgress`): a group starting and ending, and
 * each request, so that a CLI can show a run is alive. The kernel only emits; reports/progress.ts
 * words it for a terminal or a log.
 */

export type ProgressEvent =
  | {
      readonly type: 'group-start';
      readonly group: string;
      /** 1-based place among the groups that run, and how many run. */
      readonly index: number;
      readonly count: number;
      readonly elapsedMs: number;
    }
  | {
      readonly type: 'group-end';
      readonly group: string;
      readonly index: number;
      readonly count: number;
      /** The group's cases so far and those of them that failed. */
      readonly checks: number;
      readonly failed: number;
      readonly elapsedMs: number;
    }
  /** The end-of-run sweeps and the clean-up: a phase without a group of its own. */
  | { readonly type: 'phase'; readonly phase: 'cleanup' | 'sweeps'; readonly elapsedMs: number }
  | { readonly type: 'request'; readonly requests: number; readonly elapsedMs: number };

export type ProgressListener = (event: ProgressEvent) => void;
