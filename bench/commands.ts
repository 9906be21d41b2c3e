/**
 * `npm run bench:commands`: how long the commands a new user types take on this machine, each against
 * a baseline measured in the same run, so a slow machine shows as a slow baseline, not a slow tool.
 *
 * - `npm start` on an unchanged tree, spawn to the first 2xx of `/__mock/health`; beside it the same
 *   CLI without npm (`node bin/org-contract.mjs mock`) and Prism 5.14 serving the same spec.
 * - `npm start -- --help` and `org-contract mock --help`, spawn to exit; beside them `node -e ""`,
 *   the floor of any Node command.
 * The runs alternate between the commands, so a burst of load on the shared machine does not land on
 * one command's runs only. Prints the runs and medians; asserts nothing (tests never time anything).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, launch, PRISM_CLI, ROOT, SPEC, startPrism, type ServerHandle } from './servers.js';
import { median, round } from './stats.js';

const BIN = path.join(ROOT, 'bin/org-contract.mjs');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Row {
  readonly name: string;
  readonly runsMs: number[];
}

function usage(message: string): never {
  process.stderr.write(`bench:commands: ${message} (usage: npm run bench:commands -- [--runs N])\n`);
  process.exit(2);
}

function options(): { runs: number } {
  let values;
  try {
    values = parseArgs({ options: { runs: { type: 'string', default: '5' } }, strict: true }).values;
  } catch (error) {
    usage((error as Error).message);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) usage(`--runs must be a whole number from 1 to 50, not "${values.runs}"`);
  return { runs };
}

/** Spawn to exit of a command that must succeed, in ms. */
function timeToExit(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${String(code)}: ${stderr.trim()}`));
    });
  });
}

async function startUnderNpm(): Promise<ServerHandle> {
  const port = await freePort();
  return launch('npm start', NPM, ['start', '--silent', '--', '--port', String(port), '--quiet'], port, { path: '/__mock/health' }, 60_000);
}

async function startCli(): Promise<ServerHandle> {
  const port = await freePort();
  return launch('org-contract mock', process.execPath, [BIN, 'mock', '--port', String(port), '--quiet'], port, { path: '/__mock/health' }, 60_000);
}

async function measure(runs: number, log: (line: string) => void): Promise<{ servers: Row[]; commands: Row[] }> {
  // The first start brings the bundle up to date, so the runs measure an unchanged tree.
  await timeToExit(process.execPath, [BIN, 'mock', '--help']);
  const servers: { row: Row; start: () => Promise<ServerHandle> }[] = [
    { row: { name: '`npm start` (unchanged tree)', runsMs: [] }, start: startUnderNpm },
    { row: { name: '`node bin/org-contract.mjs mock`', runsMs: [] }, start: startCli },
    { row: { name: `Prism 5.14 (\`prism mock ${path.relative(ROOT, SPEC)}\`), baseline`, runsMs: [] }, start: () => startPrism(false) },
  ];
  const commands: { row: Row; args: [string, string[]] }[] = [
    { row: { name: '`npm start -- --help`', runsMs: [] }, args: [NPM, ['start', '--silent', '--', '--help']] },
    { row: { name: '`org-contract mock --help`', runsMs: [] }, args: [process.execPath, [BIN, 'mock', '--help']] },
    { row: { name: '`prism mock --help`', runsMs: [] }, args: [process.execPath, [PRISM_CLI, 'mock', '--help']] },
    { row: { name: '`node -e ""`, the floor', runsMs: [] }, args: [process.execPath, ['-e', '']] },
  ];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? servers : [...servers].reverse();
    for (const { row, start } of order) {
      const handle = await start();
      await handle.stop();
      row.runsMs.push(round(handle.startupMs, 1));
    }
    for (const { row, args } of i % 2 === 0 ? commands : [...commands].reverse()) {
      row.runsMs.push(round(await timeToExit(...args), 1));
    }
    log(`round ${i + 1} of ${runs} done`);
  }
  return { servers: servers.map((s) => s.row), commands: commands.map((c) => c.row) };
}

function table(title: string, rows: readonly Row[], baseline: Row): string {
  const base = median(baseline.runsMs);
  const lines = [`| ${title} | median ms | runs ms | ÷ baseline |`, '|---|---:|---|---:|'];
  for (const row of rows) {
    const m = median(row.runsMs);
    lines.push(`| ${row.name} | ${Math.round(m)} | ${row.runsMs.map(Math.round).join(', ')} | ${round(m / base, 2)} |`);
  }
  return lines.join('\n');
}

const { runs } = options();
const { servers, commands } = await measure(runs, (line) => process.stderr.write(`${line}\n`));
const prism = servers[2];
const floor = commands[3];
if (!prism || !floor) throw new Error('bench:commands lost a row');
process.stdout.write(`${table('start to first 2xx', servers, prism)}\n\n${table('spawn to exit', commands, floor)}\n`);
