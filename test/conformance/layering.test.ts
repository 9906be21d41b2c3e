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
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/contract/index.js';
import { reachable, tsFiles } from '../helpers/imports.js';

const FORBIDDEN = [projectPath('src', 'engine') + sep, projectPath('src', 'apis') + sep, projectPath('src', 'server') + sep];

function offenders(entries: readonly string[]): string[] {
  return [...reachable(entries)]
    .filter(([file]) => FORBIDDEN.some((dir) => file.startsWith(dir)))
    .map(([, chain]) => chain.map((f) => relative(projectPath(), f)).join(' → '));
}

/** What the kernel reaches under conformance/profiles (it must reach none: each API is handed to it as a value). */
function profileReach(entries: readonly string[]): string[] {
  const profiles = projectPath('conformance', 'profiles') + sep;
  return [...reachable(entries)].filter(([file]) => file.startsWith(profiles)).map(([, chain]) => chain.map((f) => relative(projectPath(), f)).join(' → '));
}

describe('conformance/kernel knows no API', () => {
  const kernel = tsFiles(projectPath('conformance', 'kernel'));

  it('reaches no profile, directly or transitively', () => {
    expect(kernel.length).toBeGreaterThan(10);
    expect(profileReach(kernel)).toEqual([]);
  });

  it('would catch a kernel module that imported a profile', () => {
    // The suite's entry point composes the kernel with the profiles: seen from there, they are reached.
    expect(profileReach([projectPath('conformance', 'index.ts')])).toContainEqual(
      expect.stringMatching(/^conformance\/index\.ts → conformance\/profiles\/index\.ts → conformance\/profiles\/flashback\/index\.ts$/),
    );
  });

  it('each profile reaches no other profile', () => {
    const root = projectPath('conformance', 'profiles');
    const names = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(names).toContain('flashback');
    for (const name of names) {
      const own = join(root, name) + sep;
      const foreign = [...reachable(tsFiles(join(root, name))).keys()].filter(
        (f) => f.startsWith(root + sep) && !f.startsWith(own) && f !== join(root, 'index.ts'),
      );
      expect(
        foreign.map((f) => relative(projectPath(), f)),
        name,
      ).toEqual([]);
    }
  });
});

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
    expect(found).toContainEqual(
      expect.stringMatching(/^test\/conformance\/helpers\/broken-targets\.ts → test\/conformance\/helpers\/proxy\.ts → src\/server\/index\.ts$/),
    );
  });
});
