/**
 * The spec lint gate (scripts/lint-spec.ts) fails a spec that breaks a house rule and passes the real spec.
 * Each fixture under fixtures/lint/ is fixtures/lint/valid.yaml with exactly one rule broken, so the
 * gate must fail with that rule's name and no other error.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Generous: each run is a Spectral process (~2 CPU-seconds), and the runs share the CPUs with each other.
// Spectral over every spec shares 2 cores with the rest of the test run: generous, it is no timing assertion.
const LINT_TIMEOUT_MS = 360_000;

interface LintRun {
  code: number | null;
  output: string;
  /** The rule names of the error-severity findings, sorted, without duplicates. */
  errors: string[];
  /** The same, by the file they were found in (as printed). */
  errorsByFile: Map<string, string[]>;
}

/** Runs the lint driver (node + tsx loader, no npm) on the given spec paths, relative to the repo root. */
function lint(...specs: string[]): Promise<LintRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/lint-spec.ts', ...specs], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      const errors = new Set<string>();
      const byFile = new Map<string, Set<string>>();
      for (const line of output.split('\n')) {
        const match = /^(\S+):\d+:\d+ {2}error {2}(\S+) {2}/.exec(line);
        if (!match) continue;
        errors.add(match[2]!);
        byFile.set(match[1]!, (byFile.get(match[1]!) ?? new Set()).add(match[2]!));
      }
      const errorsByFile = new Map([...byFile].map(([file, rules]) => [file, [...rules].sort()]));
      done({ code, output, errors: [...errors].sort(), errorsByFile });
    });
  });
}

const brokenFixtures: ReadonlyArray<{ rule: string; fixture: string; breaks: string }> = [
  { rule: 'org-operation-id', fixture: 'missing-operation-id.yaml', breaks: 'an operation without an operationId' },
  { rule: 'org-operation-summary', fixture: 'missing-operation-summary.yaml', breaks: 'an operation without a summary' },
  { rule: 'org-operation-tag', fixture: 'missing-operation-tag.yaml', breaks: 'an operation without a tag' },
  { rule: 'org-access-extension', fixture: 'missing-access-extension.yaml', breaks: 'an operation without x-access' },
  { rule: 'org-access-extension', fixture: 'access-extension-unknown-role.yaml', breaks: 'an x-access whose gate names a role the model does not have' },
  { rule: 'org-access-extension', fixture: 'access-extension-unknown-key.yaml', breaks: 'an x-access with an unknown key' },
  {
    rule: 'org-access-extension',
    fixture: 'access-extension-escalation-without-message.yaml',
    breaks: 'an x-access escalation rule without its 403 message',
  },
  {
    rule: 'org-access-extension',
    fixture: 'access-extension-contradicts-security.yaml',
    breaks: 'an x-access whose credentials contradict the operation security',
  },
  { rule: 'org-401-response', fixture: 'missing-401-response.yaml', breaks: 'an authenticated operation without a 401' },
  { rule: 'org-403-response', fixture: 'missing-403-response.yaml', breaks: 'a role-gated operation without a 403' },
  { rule: 'org-500-response', fixture: 'missing-500-response.yaml', breaks: 'an operation without a 500' },
  {
    rule: 'org-error-envelope',
    fixture: 'error-envelope-not-listed.yaml',
    breaks: 'an error response whose schema is not one of the envelopes',
  },
  { rule: 'org-example-valid', fixture: 'invalid-example.yaml', breaks: 'an example that does not match its schema' },
  { rule: 'org-access-model', fixture: 'access-model-ranked-out-of-order.yaml', breaks: 'an x-access-model whose ranked roles are not lowest first' },
  { rule: 'org-lint-exception', fixture: 'lint-exception-unused.yaml', breaks: 'a lint exception that covers no finding' },
];

describe.concurrent('the spec lint gate', () => {
  it(
    'passes the real spec, openapi/organization.yaml',
    async () => {
      const run = await lint('openapi/organization.yaml');
      expect(run.errors, run.output).toEqual([]);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/^lint:spec passed: 1 spec\(s\) \(openapi\/organization\.yaml\), 11 operations/m);
    },
    LINT_TIMEOUT_MS,
  );

  it(
    'lints every spec under openapi/ when given none',
    async () => {
      const run = await lint();
      expect(run.code, run.output).toBe(0);
      const specs = readdirSync(join(root, 'openapi')).filter((name) => name.endsWith('.yaml') && !name.startsWith('.'));
      expect(specs.length).toBeGreaterThanOrEqual(2);
      for (const name of specs) expect(run.output).toContain(`openapi/${name}`);
    },
    LINT_TIMEOUT_MS,
  );

  it(
    'lints a copy of each project spec under another name and folder exactly as the original (no exception depends on a file name)',
    async () => {
      const folder = mkdtempSync(join(tmpdir(), 'lint-copy-'));
      try {
        const specs = readdirSync(join(root, 'openapi')).filter((name) => name.endsWith('.yaml') && !name.startsWith('.'));
        for (const name of specs) {
          const copy = join(folder, `renamed-${name}`);
          copyFileSync(join(root, 'openapi', name), copy);
          const [original, copied] = await Promise.all([lint(`openapi/${name}`), lint(copy)]);
          expect(copied.code, copied.output).toBe(original.code);
          expect(copied.errors, copied.output).toEqual(original.errors);
          // The same findings and summary, the file's name aside (printed relative to the working folder).
          const same = (output: string, file: RegExp): string => output.replace(/ in [\d.]+ s$/m, '').replace(file, 'SPEC');
          expect(same(copied.output, new RegExp(`[^\\s(]*renamed-${name}`, 'g'))).toBe(same(original.output, new RegExp(`openapi/${name}`, 'g')));
        }
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
    LINT_TIMEOUT_MS,
  );

  it(
    'passes the base fixture that the broken fixtures are made from',
    async () => {
      const run = await lint('fixtures/lint/valid.yaml');
      expect(run.errors, run.output).toEqual([]);
      expect(run.code, run.output).toBe(0);
    },
    LINT_TIMEOUT_MS,
  );

  for (const { rule, fixture, breaks } of brokenFixtures) {
    it(
      `rejects ${breaks} with ${rule} and no other error (${fixture})`,
      async () => {
        const run = await lint(`fixtures/lint/${fixture}`);
        expect(run.code, run.output).toBe(1);
        expect(run.errors, run.output).toEqual([rule]);
        expect(run.output).toMatch(/^lint:spec FAILED: /m);
      },
      LINT_TIMEOUT_MS,
    );
  }

  it(
    'fails a document that is not valid OpenAPI in the swagger-parser step',
    async () => {
      const run = await lint('fixtures/lint/invalid-document.yaml');
      expect(run.code, run.output).toBe(1);
      expect(run.errors, run.output).toContain('swagger-parser');
    },
    LINT_TIMEOUT_MS,
  );

  it(
    'a spec path that does not exist, or an unknown option: one line, exit 2',
    async () => {
      const run = await lint('fixtures/lint/no-such-spec.yaml');
      expect(run.code, run.output).toBe(2);
      expect(run.output).toMatch(/^lint: no such spec: fixtures\/lint\/no-such-spec\.yaml; [^\n]+\n$/);
      const option = await lint('--bogus');
      expect(option.code, option.output).toBe(2);
      expect(option.output).toMatch(/^lint: unknown option --bogus\. Run with --help for usage\.\n$/);
    },
    LINT_TIMEOUT_MS,
  );
});

/**
 * The Tours & Events broken specs: each fixture under fixtures/lint/tours/ is a named edit of the real
 * spec (fixtures/lint/tours/README.md), applied here to a copy; one lint run checks them all.
 */
interface ToursFixture {
  readonly base: string;
  readonly rule: string;
  readonly edits: ReadonlyArray<{ path: Array<string | number>; set?: unknown; remove?: true }>;
}

const TOURS_FIXTURES = join(root, 'fixtures/lint/tours');
const toursFixtures = readdirSync(TOURS_FIXTURES)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

describe('the spec lint gate on broken Tours & Events specs', () => {
  let folder = '';
  let run: LintRun;
  const copyOf = (name: string): string => join(folder, name);

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lint-tours-'));
    for (const name of toursFixtures) {
      const fixture = parse(readFileSync(join(TOURS_FIXTURES, name), 'utf8')) as ToursFixture;
      const spec = parseDocument(readFileSync(join(root, fixture.base), 'utf8'));
      for (const edit of fixture.edits) {
        if (!spec.hasIn(edit.path.slice(0, -1))) throw new Error(`${name}: the base has no ${edit.path.slice(0, -1).join('.')}`);
        if (edit.remove) spec.deleteIn(edit.path);
        else spec.setIn(edit.path, spec.createNode(edit.set));
      }
      writeFileSync(copyOf(name), spec.toString());
    }
    run = await lint(...toursFixtures.map(copyOf));
  }, LINT_TIMEOUT_MS);

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('has a fixture for each house rule', () => {
    const rules = toursFixtures.map((name) => (parse(readFileSync(join(TOURS_FIXTURES, name), 'utf8')) as ToursFixture).rule);
    expect(new Set(rules)).toEqual(
      new Set([
        'org-operation-id',
        'org-operation-summary',
        'org-operation-tag',
        'org-access-model',
        'org-access-extension',
        'org-401-response',
        'org-403-response',
        'org-500-response',
        'org-error-envelope',
        'org-example-valid',
        'org-lint-exception',
      ]),
    );
  });

  for (const name of toursFixtures) {
    it(`rejects ${name} with its rule and no other error`, () => {
      const fixture = parse(readFileSync(join(TOURS_FIXTURES, name), 'utf8')) as ToursFixture;
      expect(run.code, run.output).toBe(1);
      const found = [...run.errorsByFile].find(([file]) => file.endsWith(`/${name}`))?.[1] ?? [];
      expect(found, run.output).toEqual([fixture.rule]);
    });
  }
});
