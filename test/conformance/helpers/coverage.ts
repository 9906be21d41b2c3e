/**
 * Rule coverage, for any API: which rules of docs/decisions/<api>.md the conformance suite proves it
 * checks. A rule is covered when some case that cites it in its name (`... (U3)`, `... (R5, R6)`)
 * fails against some broken target that declares it (`rules: ['U3']`): that failure is the proof the
 * case tells a target that keeps the rule from one that breaks it. A rule no target can break by
 * nature is exempt, with its reason (coverage-exempt.json). The table is docs/conformance-coverage.md,
 * written from these rows (broken-targets.test.ts builds and checks it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { projectPath } from '../../../src/contract/index.js';

export interface Rule {
  readonly id: string;
  readonly title: string;
  /** The page that defines it when it is another API's, reused by this one (Tours reuses W1 to W4 of flashback.md). */
  readonly from: string | null;
}

const DECISIONS = 'docs/decisions';

/** The APIs that have a decisions page: `docs/decisions/<api>.md`, README aside. */
export function decisionApis(): string[] {
  return readdirSync(projectPath(DECISIONS))
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => f.slice(0, -'.md'.length))
    .sort();
}

function headings(page: string): Rule[] {
  const text = readFileSync(projectPath(DECISIONS, page), 'utf8');
  return [...text.matchAll(/^### ([A-Z]+\d+)\. (.+)$/gm)].map((m) => ({ id: m[1] as string, title: (m[2] as string).trim(), from: null }));
}

/**
 * The rules of an API, in the page's order: every `### ID. title` heading of docs/decisions/<api>.md,
 * then the rules it reuses from another decisions page by linking to them (`[W1](flashback.md#w1)`).
 */
export function readRules(api: string): Rule[] {
  const page = `${api}.md`;
  const own = headings(page);
  const text = readFileSync(projectPath(DECISIONS, page), 'utf8');
  const seen = new Set(own.map((r) => r.id));
  const reused: Rule[] = [];
  for (const m of text.matchAll(/\[([A-Z]+\d+)\]\(([a-z0-9-]+\.md)#([a-z0-9]+)\)/g)) {
    const [, id, other, anchor] = m as unknown as [string, string, string, string];
    if (other === page || seen.has(id) || anchor !== id.toLowerCase()) continue;
    const rule = headings(other).find((r) => r.id === id);
    if (!rule) throw new Error(`${page} links to ${id} of ${other}, which has no heading "### ${id}."`);
    seen.add(id);
    reused.push({ ...rule, from: other });
  }
  return [...own, ...reused];
}

/** A rule id as names cite it: one to three capitals and a number (`U3`, `TA3`). */
const RULE_ID = /^[A-Z]{1,3}\d+\b/;

/**
 * The rule ids a case cites in its name: each parenthesised group whose items start with a rule id
 * or `section N` (`(U3)`, `(R5, R6)`, `(A3 USER_INACTIVE)`, `(section 3, E3)`). Sections are not
 * rules and are left out; groups of other words (`(docs)`) are not citations. Throws on an id the
 * API's decisions do not define, and on a citation group with an item that is neither.
 */
export function citedRules(name: string, known: ReadonlySet<string>): string[] {
  const cited: string[] = [];
  for (const group of name.matchAll(/\(([^()]*)\)/g)) {
    const items = (group[1] as string).split(',').map((s) => s.trim());
    const isSection = (item: string): boolean => /^section \d+\b/.test(item);
    if (!items.some((item) => RULE_ID.test(item) || isSection(item))) continue;
    for (const item of items) {
      if (isSection(item)) continue;
      const id = RULE_ID.exec(item)?.[0];
      if (!id) throw new Error(`"${name}" cites "${item}", which is neither a rule id nor a section`);
      if (!known.has(id)) throw new Error(`"${name}" cites ${id}, which is no rule of this API's decisions`);
      if (!cited.includes(id)) cited.push(id);
    }
  }
  return cited;
}

export type CoverageStatus = 'covered' | 'uncovered' | 'exempt';

export interface RuleCoverage {
  readonly rule: Rule;
  /** The cases (ids, `group: name`) of a run against the mock that cite the rule. */
  readonly cases: readonly string[];
  /** The broken targets that declare the rule and make a case citing it fail. */
  readonly provenBy: readonly string[];
  readonly status: CoverageStatus;
  /** Why an exempt rule cannot be proven. */
  readonly exemptBecause: string | null;
}

export interface ApiCoverage {
  readonly api: string;
  /** Whether the API has a broken-target catalogue registered; when not, nothing is proven or enforced yet. */
  readonly enforced: boolean;
  readonly rows: readonly RuleCoverage[];
  /** What is wrong with the citations, the declarations or the exemptions: each one fails the test. */
  readonly problems: readonly string[];
}

export interface CoverageInput {
  readonly api: string;
  readonly rules: readonly Rule[];
  /** Rule id → why no broken target can prove it. */
  readonly exempt: Readonly<Record<string, string>>;
  /** Absent while the API has no catalogue: the rules are listed, nothing is proven. */
  readonly run?: {
    /** Every case id of a full run against the mock. */
    readonly cases: readonly string[];
    readonly targets: readonly { readonly name: string; readonly rules: readonly string[] }[];
    /** Target name → the ids of the cases that failed against it. */
    readonly failed: ReadonlyMap<string, ReadonlySet<string>>;
  };
}

/** The coverage of one API's rules, and every inconsistency found on the way. */
export function ruleCoverage(input: CoverageInput): ApiCoverage {
  const known = new Set(input.rules.map((r) => r.id));
  const problems: string[] = [];
  const citations = new Map<string, string[]>();
  const cite = (caseId: string): string[] => {
    let ids = citations.get(caseId);
    if (!ids) {
      try {
        ids = citedRules(caseId, known);
      } catch (err) {
        problems.push((err as Error).message);
        ids = [];
      }
      citations.set(caseId, ids);
    }
    return ids;
  };
  for (const id of Object.keys(input.exempt)) if (!known.has(id)) problems.push(`coverage-exempt.json exempts ${id}, which is no rule of ${input.api}`);

  const run = input.run;
  const cases = [...new Set(run?.cases ?? [])];
  const proofs = new Map<string, string[]>();
  for (const target of run?.targets ?? []) {
    const failed = [...(run?.failed.get(target.name) ?? [])];
    for (const id of target.rules) {
      if (!known.has(id)) {
        problems.push(`broken target "${target.name}" declares ${id}, which is no rule of ${input.api}`);
        continue;
      }
      if (failed.some((c) => cite(c).includes(id))) proofs.set(id, [...(proofs.get(id) ?? []), target.name]);
      else
        problems.push(
          `broken target "${target.name}" declares ${id}, but no case citing ${id} fails against it: cite ${id} in the case that catches it, or drop it`,
        );
    }
  }

  const rows = input.rules.map((rule): RuleCoverage => {
    const citing = cases.filter((c) => cite(c).includes(rule.id));
    const provenBy = proofs.get(rule.id) ?? [];
    const reason = input.exempt[rule.id] ?? null;
    if (reason !== null && provenBy.length > 0)
      problems.push(`${rule.id} is exempt in coverage-exempt.json but proven by "${provenBy[0]}": drop the exemption`);
    const status: CoverageStatus = provenBy.length > 0 ? 'covered' : reason !== null ? 'exempt' : 'uncovered';
    return { rule, cases: citing, provenBy, status, exemptBecause: reason };
  });
  // Citations of the cases no target made fail are checked too.
  for (const c of cases) cite(c);
  return { api: input.api, enforced: run !== undefined, rows, problems: [...new Set(problems)] };
}

/** `29 rules: 29 covered, 0 exempt, 0 uncovered`. */
export function coverageSummary(coverage: ApiCoverage): string {
  const count = (s: CoverageStatus): number => coverage.rows.filter((r) => r.status === s).length;
  return `${coverage.rows.length} rules: ${count('covered')} covered, ${count('exempt')} exempt, ${count('uncovered')} uncovered`;
}

const TITLES: Readonly<Record<string, string>> = { flashback: 'Flashback Organization API', tours: 'Tours & Events Organizations API' };

/** The Markdown of docs/conformance-coverage.md: one section per API, one row per rule. */
export function renderCoverage(apis: readonly ApiCoverage[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = [
    '# Conformance coverage of the decisions',
    '',
    '<!-- Generated by test/conformance/broken-targets.test.ts; do not edit. Rewrite it with `npm run coverage:update`. -->',
    '',
    'Every rule of [`docs/decisions/`](decisions/README.md), the cases of the conformance suite that cite it',
    '(in their names, `(U3)`), and the deliberately broken targets that prove those cases tell right from',
    'wrong: each one breaks the rule (it declares it) and makes a case citing it fail. A rule is **covered**',
    'when at least one target proves it; **exempt** when no target can, for the reason given',
    '(`test/conformance/coverage-exempt.json`); `npm test` fails on an **uncovered** rule of an API whose',
    'broken-target catalogue is registered (`test/conformance/helpers/catalogues.ts`), and when this page',
    'differs from what the run generates.',
  ];
  for (const api of apis) {
    lines.push('', `## ${TITLES[api.api] ?? api.api} (\`docs/decisions/${api.api}.md\`)`, '', `${coverageSummary(api)}.`);
    if (!api.enforced)
      lines.push(
        '',
        'Not enforced yet: no broken-target catalogue is registered for this API, so nothing is proven and every',
        'rule reads uncovered. Registering one (an entry in `test/conformance/helpers/catalogues.ts`) makes',
        '`npm test` prove each rule.',
      );
    lines.push('', '| rule | title | status | cases that cite it | broken targets that prove it |', '|---|---|---|---|---|');
    for (const row of api.rows) {
      const title = row.rule.from ? `${row.rule.title} (from ${row.rule.from})` : row.rule.title;
      const status = row.status === 'exempt' ? `exempt: ${row.exemptBecause ?? ''}` : row.status;
      const cases = row.cases.length === 0 ? '' : `${row.cases.length}: ${row.cases.map((c) => `\`${c}\``).join('<br>')}`;
      const targets = row.provenBy.map((t) => `\`${t}\``).join('<br>');
      lines.push(`| ${row.rule.id} | ${cell(title)} | ${cell(status)} | ${cell(cases)} | ${cell(targets)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
