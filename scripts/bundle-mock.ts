/**
 * Bundles the mock server's CLI into one ES module, dist/bundle/mock.mjs, which `npm start` runs.
 * Loading ~60 separate modules cost about 230 ms of the server's start-up (ESM resolution and
 * compilation, `node --cpu-prof`); one file loads in a fraction of that.
 *
 * The file is replaced only when its bytes change, and then by rename, so a test that runs the
 * bundle never sees it half-written by another test's `npm start`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const outfile = join(root, 'dist', 'bundle', 'mock.mjs');

const result = await build({
  entryPoints: [join(root, 'src', 'cli', 'mock.ts')],
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
}
