#!/usr/bin/env node
/**
 * `org-contract <command>`: the project's commands behind one name (`npx org-contract mock`).
 * Each command runs its one-file bundle (dist/bundle/<command>.mjs) in this process. In a source
 * checkout (src/ beside dist/), a bundle older than any source, spec or fixture is rebuilt first
 * with esbuild (well under a second), so `npm start` on an unchanged tree starts at once and after
 * an edit never serves stale code. Plain JavaScript: nothing to compile before it can run.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const COMMANDS = {
  mock: 'the mock server of an API, stateful and seeded (npm start)',
  conformance: 'the conformance suite against a target, or the embedded mock (npm run conformance)',
  lint: 'lint OpenAPI specs: the OpenAPI schema, the access vocabulary, Spectral (npm run lint:spec)',
};
/** Where each command's source lives in a checkout (to tell a stale bundle). */
const SOURCES = { mock: 'src/cli/mock.ts', conformance: 'src/cli/conformance.ts', lint: 'scripts/lint-spec.ts' };
const USAGE = `Usage: org-contract <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, what]) => `  ${name.padEnd(12)} ${what}`)
  .join('\n')}

Run org-contract <command> --help for a command's options.`;

/** The newest modification time under `dir` (files only), 0 when it does not exist. */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const time = statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs;
    if (time > latest) latest = time;
  }
  return latest;
}

/** In a source checkout, whether the bundle is missing or older than what it is built from. */
function stale(bundleFile) {
  if (!existsSync(bundleFile)) return true;
  const built = statSync(bundleFile).mtimeMs;
  const sources = ['src', 'conformance', 'scripts', 'openapi', 'fixtures'].map((dir) => newest(join(root, dir)));
  return Math.max(...sources, statSync(join(root, 'package-lock.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0) > built;
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    process.stderr.write(`org-contract: unknown command "${command}"; use ${Object.keys(COMMANDS).join(', ')} (org-contract --help)\n`);
    return 2;
  }
  const bundleFile = join(root, 'dist', 'bundle', `${command}.mjs`);
  const sourceCheckout = existsSync(join(root, SOURCES[command]));
  if (sourceCheckout && stale(bundleFile)) {
    const { bundle } = await import(pathToFileURL(join(root, 'scripts', 'bundle.mjs')).href);
    await bundle(command);
  } else if (!existsSync(bundleFile)) {
    process.stderr.write(`org-contract: ${bundleFile} is missing: the package was published without its build; reinstall it\n`);
    return 2;
  }
  // The bundle reads its own arguments from process.argv, as when run directly.
  process.argv = [process.argv[0] ?? 'node', bundleFile, ...rest];
  await import(pathToFileURL(bundleFile).href);
  return null;
}

const code = await main(process.argv.slice(2));
if (code !== null) process.exitCode = code;
