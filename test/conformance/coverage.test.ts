/**
 * The coverage helpers (helpers/coverage.ts) on their own: the rules read from the decisions pages,
 * the citations read from case names, and when a rule counts as covered. The real table is built
 * and checked by broken-targets.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { citedRules, decisionApis, readRules, renderCoverage, ruleCoverage, type Rule } from './helpers/coverage.js';

describe('the rules of each API', () => {
  it('are the `### ID. title` headings of docs/decisions/<api>.md, in order', () => {
    expect(decisionApis()).toEqual(['flashback', 'tours']);
    const flashback = readRules('flashback');
    expect(flashback.map((r) => r.id)).toEqual('R1 R2 R3 R4 R5 R6 R7 R8 A1 A2 A3 A4 A5 E1 E2 E3 O1 O2 U1 U2 U3 U4 U5 U6 U7 W1 W2 W3 W4'.split(' '));
    expect(flashback[0]).toEqual({ id: 'R1', title: 'Roles are ranked by value', from: null });
  });

  it('include those a page reuses from another by linking to them (Tours: W1 to W4 of flashback.md)', () => {
    const tours = readRules('tours');
    expect(tours.map((r) => r.id).slice(0, 3)).toEqual(['TA1', 'TA2', 'TA3']);
    expect(tours.filter((r) => r.from !== null)).toEqual([
      { id: 'W1', title: 'Bodies the server cannot take', from: 'flashback.md' },
      { id: 'W2', title: 'Unknown paths and methods', from: 'flashback.md' },
      { id: 'W3', title: 'No 5xx from bad input', from: 'flashback.md' },
      { id: 'W4', title: 'CORS', from: 'flashback.md' },
    ]);
  });
});

describe('the rules a case cites in its name', () => {
  const known = new Set(['U3', 'R5', 'R6', 'A3', 'E3']);

  it('are the rule ids of its parenthesised citations; sections and other words are not rules', () => {
    expect(citedRules('create answers 201 with the new user (U3)', known)).toEqual(['U3']);
    expect(citedRules('lifecycle: a mixed case (R5, R6)', known)).toEqual(['R5', 'R6']);
    expect(citedRules('a new user cannot log in (U3, A3 USER_INACTIVE)', known)).toEqual(['U3', 'A3']);
    expect(citedRules('unknown ids are 404s (section 3, E3)', known)).toEqual(['E3']);
    expect(citedRules('authentication comes first (section 3)', known)).toEqual([]);
    expect(citedRules('listApiKeys as acme-owner (key)', known)).toEqual([]);
    expect(citedRules('R5: a prefix is not a citation', known)).toEqual([]);
  });

  it('are an error when an id is unknown, or an item of a citation is no rule id', () => {
    expect(() => citedRules('a case (U9)', known)).toThrow('"a case (U9)" cites U9, which is no rule');
    expect(() => citedRules('a case (U3, and more)', known)).toThrow('cites "and more", which is neither a rule id nor a section');
  });
});

describe('a rule is covered', () => {
  const rules: Rule[] = [
    { id: 'U1', title: 'Listing', from: null },
    { id: 'U2', title: 'No organization', from: null },
    { id: 'U3', title: 'Creating', from: null },
  ];
  const cases = ['lifecycle: the list (U1)', 'matrix: list as orgless (U2)', 'lifecycle: create (U3)'];

  it('when a case citing it fails against a target that declares it; not when the failing case cites another rule', () => {
    const coverage = ruleCoverage({
      api: 'example',
      rules,
      exempt: { U2: 'the mock alone can show it' },
      run: {
        cases,
        targets: [
          { name: 'total wrong', rules: ['U1'] },
          { name: 'creates without validation', rules: [] },
        ],
        failed: new Map([
          ['total wrong', new Set(['lifecycle: the list (U1)'])],
          ['creates without validation', new Set(['lifecycle: create (U3)'])],
        ]),
      },
    });
    expect(coverage.problems).toEqual([]);
    expect(coverage.rows.map((r) => [r.rule.id, r.status, r.provenBy])).toEqual([
      ['U1', 'covered', ['total wrong']],
      ['U2', 'exempt', []],
      ['U3', 'uncovered', []],
    ]);
    const page = renderCoverage([coverage]);
    expect(page).toContain('3 rules: 1 covered, 1 exempt, 1 uncovered.');
    expect(page).toContain('| U2 | No organization | exempt: the mock alone can show it | 1: `matrix: list as orgless (U2)` |  |');
  });

  it('and a declaration no failing case proves, an unknown id, or an exemption a target proves is a problem', () => {
    const coverage = ruleCoverage({
      api: 'example',
      rules,
      exempt: { U1: 'no reason', U7: 'not a rule' },
      run: {
        cases: [...cases, 'business: a typo (U8)'],
        targets: [
          { name: 'total wrong', rules: ['U1', 'U3', 'X9'] },
          { name: 'wrong everything', rules: [] },
        ],
        failed: new Map([['total wrong', new Set(['lifecycle: the list (U1)'])]]),
      },
    });
    expect(coverage.problems).toEqual([
      'coverage-exempt.json exempts U7, which is no rule of example',
      'broken target "total wrong" declares U3, but no case citing U3 fails against it: cite U3 in the case that catches it, or drop it',
      'broken target "total wrong" declares X9, which is no rule of example',
      '"business: a typo (U8)" cites U8, which is no rule of this API\'s decisions',
      'U1 is exempt in coverage-exempt.json but proven by "total wrong": drop the exemption',
    ]);
  });

  it('never, while the API has no catalogue: its rules are listed, not enforced', () => {
    const coverage = ruleCoverage({ api: 'example', rules, exempt: {} });
    expect(coverage.enforced).toBe(false);
    expect(coverage.rows.every((r) => r.status === 'uncovered' && r.cases.length === 0)).toBe(true);
    expect(renderCoverage([coverage])).toContain('Not enforced yet: no broken-target catalogue is registered for this API');
  });
});
