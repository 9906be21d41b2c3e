/**
 * The one rule of the layering: conformance/ never imports src/mock or src/server. It sees the
 * target only through HTTP and reads expectations only from the spec (src/contract).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/contract/index.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('conformance/ layering', () => {
  it('imports nothing from src/mock or src/server', () => {
    const offenders: string[] = [];
    for (const file of tsFiles(projectPath('conformance'))) {
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        if (spec && /src\/(mock|server)(\/|$)/.test(spec)) offenders.push(`${relative(projectPath(), file)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
