/**
 * Progress on stderr while a run goes, so that a slow or silent target does not look like a hung
 * suite. To a log (stderr not a terminal): one line as each group starts and ends, with its checks,
 * failures and the time since the run began. To a terminal: one line rewritten in place, cleared
 * before the report is printed. Stdout and the report files never carry it.
 */
import type { ProgressEvent, ProgressListener } from '../progress.js';

export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
}

export interface ProgressPrinter {
  readonly listener: ProgressListener;
  /** Clears the terminal's line (the report follows); nothing for a log. */
  done(): void;
}

/** Redraws of the terminal line at most this often, however fast requests go. */
const REDRAW_MS = 100;

export function progressPrinter(stream: ProgressStream): ProgressPrinter {
  return stream.isTTY === true ? terminalLine(stream) : logLines(stream);
}

function logLines(stream: ProgressStream): ProgressPrinter {
  return {
    listener(event) {
      const line = logLine(event);
      if (line !== null) stream.write(`conformance: ${line}\n`);
    },
    done() {},
  };
}

function logLine(event: ProgressEvent): string | null {
  switch (event.type) {
    case 'group-start':
      return `[${event.index}/${event.count}] ${event.group} started (${seconds(event.elapsedMs)} elapsed)`;
    case 'group-end':
      return `[${event.index}/${event.count}] ${event.group} done: ${event.checks} checks, ${event.failed} failed (${seconds(event.elapsedMs)} elapsed)`;
    case 'phase':
      return `${event.phase === 'cleanup' ? 'clean-up' : 'end-of-run sweeps'} (${seconds(event.elapsedMs)} elapsed)`;
    case 'request':
      return null;
  }
}

function terminalLine(stream: ProgressStream): ProgressPrinter {
  let where = 'setup';
  let requests = 0;
  let drawnAt = -Infinity;
  let drawn = false;
  const draw = (elapsedMs: number, force: boolean): void => {
    if (!force && elapsedMs - drawnAt < REDRAW_MS) return;
    drawnAt = elapsedMs;
    drawn = true;
    stream.write(`\r\u001b[Kconformance: ${where}, ${requests} requests, ${seconds(elapsedMs)}`);
  };
  return {
    listener(event) {
      if (event.type === 'request') requests = event.requests;
      else if (event.type === 'group-start') where = `[${event.index}/${event.count}] ${event.group}`;
      else if (event.type === 'group-end') where = `[${event.index}/${event.count}] ${event.group} done, ${event.failed} of ${event.checks} checks failed`;
      else where = event.phase === 'cleanup' ? 'clean-up' : 'end-of-run sweeps';
      draw(event.elapsedMs, event.type !== 'request');
    },
    done() {
      if (drawn) stream.write('\r\u001b[K');
    },
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
