/**
 * The engine knows no API: nothing src/engine, src/server or src/contract reaches, directly or
 * through other modules, is under src/apis. Each API folder reaches only the engine, the contract,
 * its own generated types and itself, never another API's folder. Only the CLI (src/cli) and
 * src/apis/index.ts put an API and the engine together.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/contract/index.js';
import { reachable, tsFiles } from '../helpers/imports.js';

const APIS = projectPath('src', 'apis');
const apiFolders = readdirSync(APIS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

/** The chains from `entries` to any reached file that `forbidden` refuses. */
function offenders(entries: readonly string[], forbidden: (file: string) => boolean): string[] {
  return [...reachable(entries)].filter(([file]) => forbidden(file)).map(([, chain]) => chain.map((f) => relative(projectPath(), f)).join(' → '));
}

const under =
  (...parts: string[]) =>
  (file: string): boolean =>
    file.startsWith(projectPath(...parts) + sep);

describe('the engine and the API folders', () => {
  it('has the API folders it serves', () => {
    expect(apiFolders).toContain('flashback');
  });

  for (const layer of ['engine', 'server', 'contract']) {
    it(`src/${layer} reaches nothing under src/apis, directly or transitively`, () => {
      expect(offenders(tsFiles(projectPath('src', layer)), under('src', 'apis'))).toEqual([]);
    });
  }

  for (const api of apiFolders) {
    it(`src/apis/${api} reaches only the engine, the contract, generated types and itself`, () => {
      const allowed = [under('src', 'apis', api), under('src', 'engine'), under('src', 'contract'), under('src', 'generated')];
      expect(offenders(tsFiles(join(APIS, api)), (file) => !allowed.some((ok) => ok(file)))).toEqual([]);
    });
  }

  it('would catch an engine module that reaches an API folder through another module', () => {
    // The CLI composes the engine with the APIs: from it, src/apis is reached through src/apis/index.ts.
    const found = offenders([projectPath('src', 'cli', 'mock.ts')], under('src', 'apis', 'flashback'));
    expect(found).toContainEqual(expect.stringMatching(/^src\/cli\/mock\.ts → src\/apis\/index\.ts → src\/apis\/flashback\/index\.ts/));
  });
});
