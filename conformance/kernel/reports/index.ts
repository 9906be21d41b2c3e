/** Writes the file reports a run asked for (`--junit`, `--json`, `--html`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunResult } from '../result.js';
import { formatHtmlReport } from './html.js';
import { formatJsonReport } from './json.js';
import { formatJunitReport } from './junit.js';

export interface ReportPaths {
  readonly junit?: string | undefined;
  readonly json?: string | undefined;
  readonly html?: string | undefined;
}

/** Writes each requested report; returns the paths written. */
export function writeReports(result: RunResult, paths: ReportPaths): string[] {
  const written: string[] = [];
  const write = (file: string | undefined, text: () => string): void => {
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text());
    written.push(file);
  };
  write(paths.junit, () => formatJunitReport(result));
  write(paths.json, () => formatJsonReport(result));
  write(paths.html, () => formatHtmlReport(result));
  return written;
}
