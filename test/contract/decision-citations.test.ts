/**
 * Every decision a spec or a project document cites resolves inside the repository: each rule id
 * (R5, U3, TA3, ...) is a rule of the API's page under docs/decisions/, and each "section N" one of
 * its sections. A user reading a description can always look the rule up.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/contract/index.js';

const read = (file: string): string => readFileSync(projectPath(file), 'utf8');

/** The anchors a decisions page defines (`<a id="r5">`, `<a id="section-3">`). */
const anchorsOf = (page: string): Set<string> => new Set([...read(page).matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1] as string));

const FLASHBACK = anchorsOf('docs/decisions/flashback.md');
const TOURS = anchorsOf('docs/decisions/tours.md');

/** Each cited document, the rule-id pattern its API uses, and where its ids and sections resolve. */
const CITING: ReadonlyArray<{ file: string; ids: RegExp; resolveIn: ReadonlyArray<Set<string>>; sections: Set<string> }> = [
  { file: 'openapi/organization.yaml', ids: /\b([RAEOUW]\d)\b/g, resolveIn: [FLASHBACK], sections: FLASHBACK },
  { file: 'openapi/mock-control.yaml', ids: /\b([RAEOUW]\d)\b/g, resolveIn: [FLASHBACK], sections: FLASHBACK },
  // The Tours spec cites its own rules, and Flashback's whole-server rules W1 to W4 (section 9 applies them).
  { file: 'openapi/tours-organizations.yaml', ids: /\b(T[A-Z]\d|W\d)\b/g, resolveIn: [TOURS, FLASHBACK], sections: TOURS },
  { file: 'docs/decisions/tours.md', ids: /\b(T[A-Z]\d)\b/g, resolveIn: [TOURS], sections: TOURS },
];

describe('every decision a spec cites resolves inside the repository', () => {
  it('the decisions pages define their rules and sections', () => {
    for (const id of ['r1', 'r8', 'a5', 'u7', 'w4', 'section-3', 'section-8']) expect(FLASHBACK).toContain(id);
    for (const id of ['ta1', 'tr8', 'te4', 'tm3', 'ti4', 'tl1', 'section-4', 'section-9']) expect(TOURS).toContain(id);
  });

  for (const { file, ids, resolveIn, sections } of CITING) {
    it(`${file}: each rule id and section it cites is defined in the decisions`, () => {
      const text = read(file);
      const cited = new Set([...text.matchAll(ids)].map((m) => (m[1] as string).toLowerCase()));
      expect(cited.size).toBeGreaterThan(0);
      const unresolved = [...cited].filter((id) => !resolveIn.some((anchors) => anchors.has(id)));
      expect(unresolved).toEqual([]);
      const sectionNumbers = new Set([...text.matchAll(/\bsections? (\d+)\b/g)].map((m) => `section-${m[1] as string}`));
      expect([...sectionNumbers].filter((s) => !sections.has(s))).toEqual([]);
    });
  }

  it('nothing in the project points at a decisions file outside it', () => {
    for (const file of [
      'README.md',
      'openapi/README.md',
      'openapi/organization.yaml',
      'openapi/tours-organizations.yaml',
      'openapi/mock-control.yaml',
      'openapi/.spectral.yaml',
    ]) {
      // The outside file's name is spelled in two parts, so that a search for citations of it finds none here.
      expect(read(file), file).not.toMatch(new RegExp(['contract', 'decisions'].join('-')));
    }
  });
});
