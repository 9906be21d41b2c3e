/**
 * The long run of the spec-driven fuzzer (test/fuzz/fuzzer.ts): many requests per API, printing the
 * statuses and how many requests reached each stage per operation. Exit 1 on any failure.
 *
 *   npm run reliability:fuzz -- [--api flashback|tours] [--requests 20000] [--seed 20260131]
 */
import { API_DEFINITIONS } from '../../src/apis/index.js';
import { formatReport, runFuzz } from '../../test/fuzz/fuzzer.js';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const names = argument('api', 'flashback,tours').split(',');
const requests = Number(argument('requests', '20000'));
const seed = Number(argument('seed', '20260131'));
if (names.some((n) => !(n in API_DEFINITIONS)) || !Number.isInteger(requests) || requests < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run reliability:fuzz -- [--api flashback|tours] [--requests N>=1] [--seed N]\n');
  process.exit(2);
}
let failed = false;
for (const name of names) {
  const report = await runFuzz({
    definition: API_DEFINITIONS[name as keyof typeof API_DEFINITIONS],
    seed,
    requests,
    timeLimitMs: 30 * 60_000,
    stateCheckEvery: 10,
  });
  process.stdout.write(`${formatReport(report)}\n\n`);
  failed ||= report.failureCount > 0;
}
process.exit(failed ? 1 : 0);
