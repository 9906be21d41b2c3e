/**
 * `npm run bench`: our mock against a bare node:http server replaying its bytes and against Prism
 * (all running at once, measured back to back per request, in rounds; see throughput.ts), for
 * Flashback's requests and the Tours & Events reads (`--api`), then start-up, scale, writes with a
 * state file, and the conformance suite's run time (of the Flashback mock). Prints a table and
 * PASS/MISS target lines; writes the figures to bench/results/<time>.json and latest.json.
 * `npm run bench:tours` is `--api tours`: the Tours reads alone.
 *
 * Exit codes: 0 figures written (targets may be MISS), 1 a run failed or its answers were wrong,
 * 2 bad flags. Progress goes to stderr; the report to stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureConformance } from './conformance.js';
import { estimateSeconds, minutes } from './estimate.js';
import { parseOptions, usage, UsageError, type BenchOptions } from './options.js';
import { cpuTable, markdownTable, sectionLines, spreadLine, targetLines, throughputTable } from './report.js';
import { machine, RESULTS_VERSION, writeResults, type BenchResults, type Failed, type Skipped } from './results.js';
import { measureScale } from './scale.js';
import { mockAvailable, ROOT } from './servers.js';
import { measureStartup } from './startup.js';
import { measureStateFile } from './state-file.js';
import { judgeTargets } from './targets.js';
import { measureThroughput, type ThroughputOutcome } from './throughput.js';

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    const parsed = parseOptions(argv, path.join(ROOT, 'bench/results'));
    if (parsed === 'help') {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    options = parsed;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const startedAt = new Date().toISOString();
  const started = performance.now();
  const host = machine();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'org-contract-bench-'));
  const failures: string[] = [];
  const notes: string[] = [];
  const estimatedSeconds = estimateSeconds(options);
  log(
    `${options.tiny ? 'tiny run' : 'full run'}: ${options.rounds} round(s) of ${options.duration} s runs after ${options.warmup} s warm-ups, ${options.connections} connections; servers ${options.only.join(', ')}; ${host.cpus} CPUs, load ${host.loadAverageAtStart.join(' ')}`,
  );
  log(`estimated run time: about ${minutes(estimatedSeconds)}`);

  async function section<T>(name: string, run: () => Promise<T>): Promise<T | Failed> {
    try {
      return await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${name}: ${message}`);
      log(`${name} FAILED: ${message}`);
      return { error: message };
    }
  }
  const needMock = (what: string): Skipped | undefined => {
    if (!options.apis.includes('flashback')) return { skipped: `${what} measures the Flashback mock, which --api leaves out` };
    if (!options.only.includes('mock')) return { skipped: `${what} measures the mock, which --only leaves out` };
    if (!mockAvailable()) return { skipped: 'the mock is not built (dist/bundle/mock.mjs missing)' };
    return undefined;
  };

  try {
    const throughput = await section('throughput', () => measureThroughput(options, workDir, log));
    const outcome: ThroughputOutcome = 'error' in throughput ? { rows: [], ratios: [], notes: [], failures: [] } : throughput;
    failures.push(...outcome.failures);
    notes.push(...outcome.notes);

    const startup = options.apis.includes('flashback')
      ? await section('start-up', () => measureStartup(options, workDir, log))
      : { skipped: 'start-up measures the Flashback servers, which --api leaves out' };
    const stateFile = needMock('the state-file run') ?? (await section('state-file', () => measureStateFile(options, workDir, log)));
    const scale = options.skipScale ? { skipped: '--skip-scale' } : (needMock('the scale run') ?? (await section('scale', () => measureScale(options, log))));
    const conformance = options.skipConformance
      ? { skipped: '--skip-conformance' }
      : (needMock('the conformance run') ?? (await section('conformance', () => measureConformance(options, log))));

    const figures = { throughput: outcome.rows, ratios: outcome.ratios, startup, scale };
    const results: BenchResults = {
      version: RESULTS_VERSION,
      startedAt,
      finishedAt: new Date().toISOString(),
      estimatedSeconds,
      elapsedSeconds: Math.round((performance.now() - started) / 1000),
      command: `npm run bench -- ${argv.join(' ')}`.trim(),
      machine: host,
      config: options,
      notes: [...notes, ...failures.map((f) => `FAILED ${f}`)],
      ...figures,
      stateFile,
      conformance,
      targets: judgeTargets(figures),
    };
    print(results, options);
    log(`took ${minutes(results.elapsedSeconds)} (estimated ${minutes(estimatedSeconds)})`);
    const file = writeResults(options.outDir, results);
    process.stdout.write(`\nResults: ${path.relative(process.cwd(), file)} (and latest.json)\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    process.stderr.write(`bench: ${failures.length} run(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    return 1;
  }
  return 0;
}

function print(results: BenchResults, options: BenchOptions): void {
  const out: string[] = [];
  const m = results.machine;
  out.push(`org-contract bench, ${results.startedAt}: ${m.cpus} CPUs (${m.cpuModel}), node ${m.node}, load average at start ${m.loadAverageAtStart.join(' ')}`);
  out.push(
    `${options.connections} connections, ${options.duration} s per run after a ${options.warmup} s warm-up, loopback; ` +
      `${options.rounds} round(s), all servers up at once and measured back to back per request, the order reversed every other round`,
  );
  if (options.rounds > 1)
    out.push(
      'req/s: the median of the rounds; p50/p99: of the median round; ratios: the median of the per-round ratios (each pairs two servers measured back to back), with their lowest–highest',
    );
  if (options.apis.length > 1)
    out.push(
      "each request's mock and Prism are its own API's (Prism serves openapi/organization.yaml or openapi/tours-organizations.yaml); one bare server replays both mocks' bytes",
    );
  if (options.rate !== null) out.push(`note: every run is capped at ${options.rate} req/s (--rate): the req/s figures are the cap, not throughput`);
  for (const note of results.notes) out.push(`note: ${note}`);
  out.push('');
  out.push(results.throughput.length > 0 ? throughputTable(results.throughput, results.ratios) : '(no throughput figures)');
  const spread = spreadLine(results.throughput);
  if (spread !== undefined) out.push(spread);
  const cpu = cpuTable(results.throughput, results.ratios);
  if (cpu !== undefined) {
    out.push('');
    out.push(
      'Server CPU time per completed request (utime+stime of the serving process over the measured run, µs; median of the rounds, lowest–highest), ' +
        "and the server-bound ratio bare÷mock: the share of bare's req/s the mock would reach if the server, not the load generator, were the bottleneck",
    );
    out.push(cpu);
  }
  out.push('');
  out.push(...sectionLines(results));
  out.push('');
  out.push('Targets:');
  out.push(...targetLines(results).map((l) => `  ${l}`));
  if (options.markdown) out.push('', markdownTable(results));
  process.stdout.write(`${out.join('\n')}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
