/**
 * The one rule of the layering: nothing conformance/ reaches, directly or through other modules
 * (conformance/ → src/contract → ...), is part of the mock: its engine (src/engine), its APIs
 * (src/apis) or its HTTP adapter (src/server). It sees the target only
 * through HTTP and reads expectations only from the spec (src/contract).
 *
 * Imports are found and resolved by TypeScript itself (preProcessFile, resolveModuleName with the
 * project's compiler options), type-only and dynamic imports included, and followed transitively
 * through every project file; packages under node_modules are not followed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/contract/index.js';

const FORBIDDEN = [projectPath('src', 'engine') + sep, projectPath('src', 'apis') + sep, projectPath('src', 'server') + sep];

function compilerOptions(): ts.CompilerOptions {
  const file = projectPath('tsconfig.json');
  const { config } = ts.readConfigFile(file, (path) => ts.sys.readFile(path));
  return ts.parseJsonConfigFileContent(config, ts.sys, projectPath()).options;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every project file the entries reach, each with the chain of imports that first reached it. */
function reachable(entries: readonly string[]): Map<string, string[]> {
  const options = compilerOptions();
  const chains = new Map<string, string[]>(entries.map((f) => [f, [f]]));
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (!/\.[cm]?tsx?$/.test(file) || file.endsWith('.d.ts')) continue; // JSON and declarations import nothing we follow
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      const target = resolved.resolvedFileName;
      if (chains.has(target)) continue;
      chains.set(target, [...(chains.get(file) ?? []), target]);
      queue.push(target);
    }
  }
  return chains;
}

function offenders(entries: readonly string[]): string[] {
  return [...reachable(entries)]
    .filter(([file]) => FORBIDDEN.some((dir) => file.startsWith(dir)))
    .map(([, chain]) => chain.map((f) => relative(projectPath(), f)).join(' → '));
}

describe('conformance/ layering', () => {
  const entries = tsFiles(projectPath('conformance'));

  it('reaches nothing under src/engine, src/apis or src/server, directly or transitively', () => {
    expect(offenders(entries)).toEqual([]);
  });

  it('follows imports through other modules (it reaches src/contract and what src/contract imports)', () => {
    const files = [...reachable(entries).keys()].map((f) => relative(projectPath(), f));
    expect(files).toContain(join('src', 'contract', 'index.ts'));
    expect(files).toContain(join('src', 'contract', 'validators.ts'));
    expect(files.length).toBeGreaterThan(entries.length);
  });

  it('would catch a module that reaches the mock only through another one', () => {
    // The broken-target catalogue imports proxy.ts, which starts the mock: two steps away.
    const found = offenders([projectPath('test', 'conformance', 'helpers', 'broken-targets.ts')]);
    expect(found).toContainEqual(expect.stringMatching(/^test\/conformance\/helpers\/broken-targets\.ts → test\/conformance\/helpers\/proxy\.ts → src\/server\/index\.ts$/));
  });
});
