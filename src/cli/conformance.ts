/**
 * `npm run conformance -- [--target URL] ...`: runs the conformance suite against a target, or,
 * without --target, against the embedded mock started in-process on a free port. Thin: it parses
 * flags, composes the suite (conformance/) with the mock server (src/server) and writes reports.
 *
 * Exit codes: 0 every check passed, 1 a check failed (or, with --fail-on-skip, one was skipped),
 * 2 usage, config, colliding principals or unreachable target; then the report files asked for
 * still say why.
 */
import { parseArgs } from 'node:util';
import {
  formatConsoleReport,
  PROFILES,
  profileFor,
  runConformance,
  SetupError,
  writeReports,
  writeSetupErrorReports,
  type RunResult,
} from '../../conformance/index.js';
import { API_DEFINITIONS } from '../apis/index.js';
import type { ApiName } from '../apis/names.js';

const groupLines = Object.values(PROFILES)
  .map((p) => `                         ${p.name}: ${p.groups.map((g) => g.name).join(', ')}`)
  .join('\n');
const principalHelp = Object.values(PROFILES)
  .map((p) => `${p.title} (--api ${p.name}):\n${p.principalHelp}`)
  .join('\n\n');

const USAGE = `Usage: npm run conformance -- [options]

  --api NAME             the API the target serves: ${Object.keys(PROFILES).join(' or ')} (default flashback)
  --target URL           the API to check (default: start the embedded mock of --api on a free port)
  --config FILE          principals, as the README's "Pointing the suite at a real backend" shows for each API
  --only GROUP,...       run only these groups:
${groupLines}
  --read-only            run only what changes nothing on the target; list what was skipped
  --lenient-messages     accept any non-empty message where the spec documents one
  --fail-on-skip         a skipped check fails the run (exit 1), e.g. when a principal is not given
  --spend-rate-limit     also reach the rate limit on purpose (the 429 checks): spends the target's quota
  --junit FILE           write a JUnit XML report
  --json FILE            write the whole result as JSON
  --html FILE            write a self-contained HTML report (matrix and failures)
  --timeout MS           per-request timeout (default 10000)
  --run-id ID            the run id in what the run creates (default: random)
  --no-color             plain console output
  -h, --help             this text

${principalHelp}
Exit codes: 0 all passed, 1 a check failed (or was skipped, with --fail-on-skip), 2 usage, config,
principals that are the same user, or unreachable target (the --junit, --json and --html files say why).`;

const FLAGS = {
  api: { type: 'string' },
  target: { type: 'string' },
  config: { type: 'string' },
  only: { type: 'string' },
  'read-only': { type: 'boolean' },
  'lenient-messages': { type: 'boolean' },
  'fail-on-skip': { type: 'boolean' },
  'spend-rate-limit': { type: 'boolean' },
  junit: { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  timeout: { type: 'string' },
  'run-id': { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseFlags>;

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new SetupError(`${(err as Error).message.split('\n')[0]}. Run with --help for usage.`);
  }
}

function parseTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new SetupError(`--timeout needs a whole number of milliseconds, got "${raw}"`);
  return Number(raw);
}

async function withTarget<T>(flags: Flags, run: (target: string) => Promise<T>): Promise<T> {
  if (flags.target !== undefined) return run(flags.target);
  // Only the CLI composes the suite with the mock; the suite itself sees nothing but HTTP.
  const { startServer } = await import('../server/index.js');
  const definition = API_DEFINITIONS[profileFor(flags.api).name as ApiName];
  const server = await startServer({ definition, port: 0, log: null });
  try {
    return await run(server.url);
  } finally {
    await server.close();
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const startedAt = new Date().toISOString();
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    return setupFailed(err, null, startedAt);
  }
  try {
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const timeoutMs = parseTimeout(flags.timeout);
    profileFor(flags.api); // an unknown --api is a usage error before any server starts
    const result: RunResult = await withTarget(flags, (target) =>
      runConformance({
        api: flags.api,
        target,
        configFile: flags.config,
        env: process.env,
        only: flags.only,
        readOnly: flags['read-only'],
        lenientMessages: flags['lenient-messages'],
        failOnSkip: flags['fail-on-skip'],
        spendRateLimit: flags['spend-rate-limit'],
        timeoutMs,
        runId: flags['run-id'],
      }),
    );
    const written = writeReports(result, { junit: flags.junit, json: flags.json, html: flags.html });
    const color = !flags['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(`${formatConsoleReport(result, { color, written })}\n`);
    return result.exitCode;
  } catch (err) {
    return setupFailed(err, flags, startedAt);
  }
}

/**
 * Exit 2: the reason as one line on stderr; and the report files asked for (when the flags could be
 * read) are written all the same, saying why the run could not start, for a CI step that publishes them.
 */
function setupFailed(err: unknown, flags: Flags | null, startedAt: string): 2 {
  const message = err instanceof SetupError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`conformance: ${message}\n`);
  if (!flags) return 2;
  try {
    writeSetupErrorReports(
      { message, api: flags.api ?? null, target: flags.target ?? null, startedAt },
      { junit: flags.junit, json: flags.json, html: flags.html },
    );
  } catch (writeError) {
    process.stderr.write(`conformance: could not write the reports either: ${writeError instanceof Error ? writeError.message : String(writeError)}\n`);
  }
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
