/**
 * The spec lint gate (`npm run lint:spec`); see openapi/README.md, "Lint gate".
 *
 *   tsx scripts/lint-spec.ts [--ruleset <file>] [spec ...]
 *
 * With no spec argument it lints every spec under openapi/ (each `*.yaml` there). For each spec:
 *   1. @apidevtools/swagger-parser validates and dereferences it (an invalid document is an error);
 *   2. the project's access reader (src/contract/access.ts, the one the mock and the suite use) checks
 *      `x-access-model` and every `x-access` (rules org-access-model, org-access-extension);
 *   3. Spectral lints it with the ruleset (default openapi/.spectral.yaml: spectral:oas all, the OWASP
 *      ruleset and the house rules org-*).
 * A finding is dropped where the spec states an exception for its rule at the node or an ancestor
 * (`x-lint-exceptions: [{rule, reason}]`, following `$ref`s along the finding's path); an exception
 * with no reason, or one that drops nothing, is itself an error (org-lint-exception). Exceptions live
 * in the spec, never in the ruleset by file name, so a copy of a spec lints the same anywhere.
 * Prints one line per finding (`file:line:col  severity  rule  message  (json path)`) and a summary
 * line; exits 1 when there is any error-severity finding (or a tool fails), else 0.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { collectAccess } from '../src/contract/access.js';
import { projectRoot } from '../src/contract/project-root.js';
import { findException, unusedExceptions, type ExceptionUse } from './lint-exceptions.js';

// The project's root (or the installed package's): found by walking up, so that the same code runs
// from scripts/ (tsx) and from the bundle dist/bundle/lint.mjs (`org-contract lint`).
const root = projectRoot();
const DEFAULT_RULESET = 'openapi/.spectral.yaml';
/** The folder whose every `*.yaml` is a spec of the project. */
const SPEC_FOLDER = 'openapi';
// Resolved like an import, so that a package whose dependencies were hoisted finds it too.
const SPECTRAL_BIN = join(dirname(createRequire(import.meta.url).resolve('@stoplight/spectral-cli/package.json')), 'dist', 'index.js');
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

type Severity = 'error' | 'warning' | 'info' | 'hint';
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

interface Finding {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  rule: string;
  message: string;
  path: ReadonlyArray<string | number>;
}

/** What `spectral lint -f json` prints for each result. */
interface SpectralResult {
  code: string | number;
  message: string;
  path: Array<string | number>;
  severity: number;
  source?: string;
  range: { start: { line: number; character: number } };
}

const rel = (file: string): string => relative(process.cwd(), file) || file;

const USAGE = `Usage: org-contract lint [--ruleset FILE] [SPEC ...]    (in this repository: npm run lint:spec)

Lints OpenAPI specs: swagger-parser, the access vocabulary (x-access-model, x-access) and Spectral
with the project's ruleset (openapi/.spectral.yaml: spectral:oas, OWASP and the house rules).
Without SPEC it lints the project's own specs (openapi/*.yaml).
Exit codes: 0 no error, 1 an error-severity finding, 2 a usage mistake.`;

/** A mistake in the command line: one line, exit 2. */
class UsageError extends Error {}

function parseArgs(argv: string[]): { ruleset: string; specs: string[] } {
  let ruleset = resolve(root, DEFAULT_RULESET);
  const specs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--ruleset' || arg === '-r') {
      const value = argv[++i];
      if (!value) throw new UsageError(`${arg} needs a file`);
      ruleset = resolve(value);
    } else if (arg.startsWith('--ruleset=')) {
      ruleset = resolve(arg.slice('--ruleset='.length));
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      specs.push(resolve(arg));
    }
  }
  if (specs.length === 0) {
    const folder = resolve(root, SPEC_FOLDER);
    for (const name of readdirSync(folder).sort()) if (name.endsWith('.yaml') && !name.startsWith('.')) specs.push(resolve(folder, name));
  }
  return { ruleset, specs };
}

/** Step 1: swagger-parser. Returns the number of operations, or a finding when the document is invalid. */
async function validate(file: string): Promise<{ operations: number } | Finding> {
  try {
    // validate() parses, resolves, validates against the OpenAPI schema and dereferences.
    const api = (await SwaggerParser.validate(file)) as { paths?: Record<string, Record<string, unknown>> };
    let operations = 0;
    for (const item of Object.values(api.paths ?? {})) {
      for (const method of Object.keys(item ?? {})) if (METHODS.has(method)) operations++;
    }
    return { operations };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
    return { file, line: 1, column: 1, severity: 'error', rule: 'swagger-parser', message, path: [] };
  }
}

/** A spec's YAML with node positions, for the access findings' lines and the exceptions. */
interface ParsedSpec {
  readonly file: string;
  readonly document: Document.Parsed;
  readonly data: unknown;
  readonly lines: LineCounter;
}

function parseSpec(file: string): ParsedSpec {
  const lines = new LineCounter();
  const document = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
  return { file, document, data: document.toJS() as unknown, lines };
}

/** Line and column of the deepest node of `path` that the YAML has (1-based). */
function position(spec: ParsedSpec, path: ReadonlyArray<string | number>): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = spec.document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      const { line, col } = spec.lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

/** Step 2: the access vocabulary, read by the reader the mock and the suite use. */
function accessFindings(spec: ParsedSpec): Finding[] {
  if (typeof spec.data !== 'object' || spec.data === null) return [];
  return collectAccess(spec.data as Record<string, unknown>).problems.map((p) => ({
    file: spec.file,
    ...position(spec, p.path),
    severity: 'error',
    rule: p.rule,
    message: `${p.operationId ? `x-access of ${p.operationId}` : 'x-access-model'}: ${p.message}.`,
    path: p.path,
  }));
}

/** Step 2: Spectral's CLI with JSON output, parsed into findings. */
function spectral(ruleset: string, specs: string[]): Promise<Finding[]> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SPECTRAL_BIN, 'lint', '--quiet', '--format', 'json', '--ruleset', ruleset, ...specs], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      // Exit 0: no error; 1: error findings; 2: Spectral itself failed (bad ruleset, crash).
      const start = out.indexOf('[');
      let results: SpectralResult[];
      try {
        results = start < 0 ? [] : (JSON.parse(out.slice(start)) as SpectralResult[]);
      } catch {
        return fail(new Error(`spectral printed no JSON (exit ${code}):\n${out}${err}`));
      }
      if (code !== 0 && code !== 1) return fail(new Error(`spectral failed (exit ${code}):\n${out}${err}`));
      if (code === 1 && results.length === 0 && start < 0) {
        return fail(new Error(`spectral failed (exit ${code}):\n${out}${err}`));
      }
      done(
        results.map((r) => ({
          file: r.source ?? specs[0]!,
          line: r.range.start.line + 1,
          column: r.range.start.character + 1,
          severity: SEVERITIES[r.severity] ?? 'error',
          rule: String(r.code),
          message: r.message,
          path: r.path,
        })),
      );
    });
  });
}

function print(finding: Finding): void {
  const where = `${rel(finding.file)}:${finding.line}:${finding.column}`;
  const path = finding.path.length > 0 ? `  (${finding.path.join('.')})` : '';
  console.log(`${where}  ${finding.severity}  ${finding.rule}  ${finding.message}${path}`);
}

async function main(): Promise<number> {
  const started = performance.now();
  let args: { ruleset: string; specs: string[] };
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`lint: ${error.message}. Run with --help for usage.`);
    return 2;
  }
  const { ruleset, specs } = args;
  const missing = specs.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    console.error(`lint: no such spec: ${missing.map(rel).join(', ')}; give the path of an OpenAPI YAML or JSON file`);
    return 2;
  }
  if (!existsSync(ruleset)) {
    console.error(`lint: no such ruleset: ${rel(ruleset)}; give a Spectral ruleset file with --ruleset`);
    return 2;
  }

  // Spectral runs in its own process, so it lints while swagger-parser validates here.
  const linting = spectral(ruleset, specs);
  const raw: Finding[] = [];
  let operations = 0;
  for (const outcome of await Promise.all(specs.map(validate))) {
    if ('operations' in outcome) operations += outcome.operations;
    else raw.push(outcome);
  }
  const parsed = new Map(specs.map((file) => [file, parseSpec(file)]));
  for (const spec of parsed.values()) raw.push(...accessFindings(spec));
  try {
    raw.push(...(await linting));
  } catch (error) {
    console.error(`lint:spec: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }

  // The spec's own exceptions drop the findings they name; a malformed or unused one is an error.
  const used: ExceptionUse[] = [];
  const findings = raw.filter((finding) => {
    const spec = parsed.get(resolve(finding.file));
    const hit = spec && findException(spec.data, finding.path, finding.rule);
    if (hit) used.push(hit);
    return !hit;
  });
  for (const spec of parsed.values()) {
    for (const problem of unusedExceptions(spec.data, used)) {
      findings.push({
        file: spec.file,
        ...position(spec, problem.path),
        severity: 'error',
        rule: 'org-lint-exception',
        message: problem.message,
        path: problem.path,
      });
    }
  }

  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  findings.forEach(print);

  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const errors = count('error');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const verdict = errors > 0 ? 'FAILED' : 'passed';
  console.log(
    `lint:spec ${verdict}: ${specs.length} spec(s) (${specs.map(rel).join(', ')}), ${operations} operations, ` +
      `ruleset ${rel(ruleset)}: ${errors} error(s), ${count('warning')} warning(s), ` +
      `${count('info') + count('hint')} info/hint(s) in ${seconds} s`,
  );
  return errors > 0 ? 1 : 0;
}

process.exitCode = await main();
