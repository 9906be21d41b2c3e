/**
 * Writes the file reports a run asked for (`--junit`, `--json`, `--html`), and, for a run that could
 * not start (exit 2), the same files saying why, so that a CI step publishing them shows it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunResult, SetupFailure } from '../result.js';
import { formatHtmlReport, formatHtmlSetupError } from './html.js';
import { formatJsonReport, formatJsonSetupError } from './json.js';
import { formatJunitReport, formatJunitSetupError } from './junit.js';

export interface ReportPaths {
  readonly junit?: string | undefined;
  readonly json?: string | undefined;
  readonly html?: string | undefined;
}

/** Writes each requested report; returns the paths written. */
export function writeReports(result: RunResult, paths: ReportPaths): string[] {
  return writeEach(paths, {
    junit: () => formatJunitReport(result),
    json: () => formatJsonReport(result),
    html: () => formatHtmlReport(result),
  });
}

/** Writes each requested report of a run that could not start (JUnit: one errored `setup` case); returns the paths written. */
export function writeSetupErrorReports(error: SetupFailure, paths: ReportPaths): string[] {
  return writeEach(paths, {
    junit: () => formatJunitSetupError(error),
    json: () => formatJsonSetupError(error),
    html: () => formatHtmlSetupError(error),
  });
}

function writeEach(paths: ReportPaths, formats: Readonly<Record<keyof ReportPaths, () => string>>): string[] {
  const written: string[] = [];
  for (const key of ['junit', 'json', 'html'] as const) {
    const file = paths[key];
    if (!file) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, formats[key]());
    written.push(file);
  }
  return written;
}
