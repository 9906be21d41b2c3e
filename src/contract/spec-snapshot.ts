/**
 * A JSON copy of a project spec, written by `npm run generate` into src/generated/ and drift-checked
 * by `npm run generate:check`. Parsing the YAML costs ~150 ms at every server start; JSON.parse of the
 * copy costs ~1 ms. The copy carries the SHA-256 of the YAML it came from, and is used only while
 * that still matches, so an edited spec is never served stale (it is parsed from YAML instead).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { projectPath } from './project-root.js';

interface SpecSnapshot {
  readonly sourceSha256: string;
  readonly document: Record<string, unknown>;
}

// Loaded on first use only: a server started from a matching snapshot never needs the YAML parser (~60 ms to import).
const requireCjs = createRequire(import.meta.url);
const parse = (text: string): unknown => (requireCjs('yaml') as typeof import('yaml')).parse(text);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Where the snapshot of a spec under `openapi/` lives, or null for a spec elsewhere (fixtures, tests). */
export function specSnapshotPath(specFile: string): string | null {
  if (dirname(specFile) !== projectPath('openapi') || !specFile.endsWith('.yaml')) return null;
  return projectPath('src', 'generated', basename(specFile, '.yaml') + '.spec.json');
}

/** The snapshot file's text for a spec's YAML text. */
export function renderSpecSnapshot(yamlText: string): string {
  const snapshot: SpecSnapshot = { sourceSha256: sha256(yamlText), document: parse(yamlText) as Record<string, unknown> };
  return JSON.stringify(snapshot) + '\n';
}

/** Parses a spec file, from its snapshot when one matches the YAML, else from the YAML itself. */
export function parseSpecFile(specFile: string): Record<string, unknown> {
  const yamlText = readFileSync(specFile, 'utf8');
  const snapshotFile = specSnapshotPath(specFile);
  if (snapshotFile && existsSync(snapshotFile)) {
    const snapshot = JSON.parse(readFileSync(join(snapshotFile), 'utf8')) as SpecSnapshot;
    if (snapshot.sourceSha256 === sha256(yamlText)) return snapshot.document;
  }
  let document: unknown;
  try {
    document = parse(yamlText);
  } catch (error) {
    // The YAML parser knows the line and column; a user needs them with the file's name.
    const at = (error as { linePos?: readonly { line: number; col: number }[] }).linePos?.[0];
    const shown = relative(process.cwd(), specFile).startsWith('..') ? specFile : relative(process.cwd(), specFile);
    const where = at ? `${shown}:${at.line}:${at.col}` : shown;
    const what = ((error as Error).message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new SpecFileError(`${where}: ${what}`, specFile);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new SpecFileError(`${specFile}:1:1: the spec is not a YAML mapping (an OpenAPI document)`, specFile);
  }
  return document as Record<string, unknown>;
}

/** A spec file that cannot be read as YAML: the message is `file:line:col: what is wrong`. */
export class SpecFileError extends Error {
  override readonly name = 'SpecFileError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}
