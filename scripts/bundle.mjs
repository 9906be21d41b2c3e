/**
 * Bundles each command of the project into one ES module under dist/bundle/ (mock.mjs, what
 * `org-contract mock` and `npm start` run; conformance.mjs; lint.mjs). Loading ~60 separate modules cost about 230 ms of the
 * server's start-up (ESM resolution and compilation, `node --cpu-prof`); one file loads in a
 * fraction of that. Plain JavaScript, so that bin/org-contract.mjs can rebuild a stale bundle
 * without starting tsx (about half a second).
 *
 * A file is replaced only when its bytes change, and then by rename, so a process that runs the
 * bundle never sees it half-written by another one's build; its time is set to now either way, so
 * the staleness check (sources newer than the bundle) is satisfied until the next edit.
 */
import { mkdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The commands, by bundle name: their entry points under src/. */
export const BUNDLES = { mock: 'src/cli/mock.ts', conformance: 'src/cli/conformance.ts', lint: 'scripts/lint-spec.ts' };

export function bundlePath(name) {
  return join(root, 'dist', 'bundle', `${name}.mjs`);
}

export async function bundle(name) {
  const { build } = await import('esbuild');
  const outfile = bundlePath(name);
  const result = await build({
    entryPoints: [join(root, BUNDLES[name])],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    outfile,
    logLevel: 'error',
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const bytes = result.outputFiles[0]?.contents;
  if (!bytes) throw new Error('esbuild produced no output');
  const current = await readFile(outfile).catch(() => null);
  if (!current || !Buffer.from(bytes).equals(current)) {
    await mkdir(dirname(outfile), { recursive: true });
    const temporary = `${outfile}.${process.pid}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, outfile);
  } else {
    const now = new Date();
    await utimes(outfile, now, now);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const name of Object.keys(BUNDLES)) await bundle(name);
}
