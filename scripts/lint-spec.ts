/**
 * The spec lint gate (`npm run lint:spec`); see openapi/README.md, "Lint gate".
 *
 *   tsx scripts/lint-spec.ts [--ruleset <file>] [spec ...]
 *
 * With no spec argument it lints the project's specs: openapi/organization.yaml, and
 * openapi/mock-control.yaml when that file exists. For each spec:
 *   1. @apidevtools/swagger-parser validates and dereferences it (an invalid document is an error);
 *   2. Spectral lints it with the ruleset (default openapi/.spectral.yaml: spectral:oas all, the OWASP
 *      ruleset and the house rules org-*).
 * Prints one line per finding (`file:line:col  severity  rule  message  (json path)`) and a summary
 * line; exits 1 when there is any error-severity finding (or a tool fails), else 0.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';

const root = fileURLToPath(new URL('../', import.meta.url));
const DEFAULT_RULESET = 'openapi/.spectral.yaml';
/** The project's specs; an optional one is linted only when it exists. */
const DEFAULT_SPECS: ReadonlyArray<{ spec: string; optional: boolean }> = [
  { spec: 'openapi/organization.yaml', optional: false },
  { spec: 'openapi/mock-control.yaml', optional: true },
];
const SPECTRAL_BIN = resolve(root, 'node_modules/@stoplight/spectral-cli/dist/index.js');
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
  path: string;
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

function parseArgs(argv: string[]): { ruleset: string; specs: string[] } {
  let ruleset = resolve(root, DEFAULT_RULESET);
  const specs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--ruleset' || arg === '-r') {
      const value = argv[++i];
      if (!value) throw new Error(`${arg} needs a file`);
      ruleset = resolve(value);
    } else if (arg.startsWith('--ruleset=')) {
      ruleset = resolve(arg.slice('--ruleset='.length));
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: tsx scripts/lint-spec.ts [--ruleset <file>] [spec ...]');
      process.exit(0);
    } else {
      specs.push(resolve(arg));
    }
  }
  if (specs.length === 0) {
    for (const { spec, optional } of DEFAULT_SPECS) {
      const file = resolve(root, spec);
      if (!optional || existsSync(file)) specs.push(file);
    }
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
    return { file, line: 1, column: 1, severity: 'error', rule: 'swagger-parser', message, path: '' };
  }
}

/** Step 2: Spectral's CLI with JSON output, parsed into findings. */
function spectral(ruleset: string, specs: string[]): Promise<Finding[]> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [SPECTRAL_BIN, 'lint', '--quiet', '--format', 'json', '--ruleset', ruleset, ...specs],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
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
          path: r.path.join('.'),
        })),
      );
    });
  });
}

function print(finding: Finding): void {
  const where = `${rel(finding.file)}:${finding.line}:${finding.column}`;
  const path = finding.path ? `  (${finding.path})` : '';
  console.log(`${where}  ${finding.severity}  ${finding.rule}  ${finding.message}${path}`);
}

async function main(): Promise<number> {
  const started = performance.now();
  const { ruleset, specs } = parseArgs(process.argv.slice(2));
  const missing = specs.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    for (const file of missing) console.error(`lint:spec: no such spec: ${rel(file)}`);
    return 1;
  }
  if (!existsSync(ruleset)) {
    console.error(`lint:spec: no such ruleset: ${rel(ruleset)}`);
    return 1;
  }

  // Spectral runs in its own process, so it lints while swagger-parser validates here.
  const linting = spectral(ruleset, specs);
  const findings: Finding[] = [];
  let operations = 0;
  for (const outcome of await Promise.all(specs.map(validate))) {
    if ('operations' in outcome) operations += outcome.operations;
    else findings.push(outcome);
  }
  try {
    findings.push(...(await linting));
  } catch (error) {
    console.error(`lint:spec: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }

  findings.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.rule.localeCompare(b.rule),
  );
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
