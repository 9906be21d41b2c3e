/**
 * The project files a set of entry files reaches through their imports, each with the chain of imports
 * that first reached it. Imports are found and resolved by TypeScript itself (preProcessFile,
 * resolveModuleName with the project's compiler options), type-only and dynamic imports included,
 * and followed transitively through every project file; packages under node_modules are not followed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { projectPath } from '../../src/contract/index.js';

function compilerOptions(): ts.CompilerOptions {
  const file = projectPath('tsconfig.json');
  const { config } = ts.readConfigFile(file, (path) => ts.sys.readFile(path));
  return ts.parseJsonConfigFileContent(config, ts.sys, projectPath()).options;
}

export function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every project file the entries reach, each with the chain of imports that first reached it. */
export function reachable(entries: readonly string[]): Map<string, string[]> {
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
