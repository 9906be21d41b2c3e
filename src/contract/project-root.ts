/**
 * The project's root folder, found by walking up from this module. The same code runs from `src/`
 * (tsx, vitest) and from `dist/src/` (the built server), so a fixed relative path would break one.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'openapi', 'organization.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find openapi/organization.yaml above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  cached = dir;
  return dir;
}

/** Absolute path of a file given relative to the project root. */
export function projectPath(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}
