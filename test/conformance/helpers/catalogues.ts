/**
 * The broken-target catalogues, one per API: what broken-targets.test.ts runs, and what the coverage
 * table (docs/conformance-coverage.md) is proven from. A catalogue names its API (the profile
 * `runConformance({api})` runs, and docs/decisions/<api>.md), its targets, and how to start one:
 * a proxy in front of a fresh mock of that API, with a target's breakage or with none.
 *
 * An API's rules are enforced (each one covered, or exempt with a reason) once its catalogue is
 * listed in CATALOGUES, as both APIs' are.
 */
import type { FailureKind } from '../../../conformance/index.js';
import { BROKEN_TARGETS } from './broken-targets.js';
import { startBrokenTarget } from './proxy.js';
import { TOURS_BROKEN_TARGETS } from './tours-broken-targets.js';
import { startToursBrokenTarget } from './tours-proxy.js';

/** One deliberately broken target: a bug, where the suite must report it, and the rules it breaks. */
export interface CatalogueTarget {
  readonly name: string;
  /** The kind and check (group) the suite must report it under. */
  readonly kind: FailureKind;
  readonly check: string;
  /** The case that must catch it, matched against the case id (`group: case name`). */
  readonly caught: RegExp;
  /** What the failure must say, where two bugs meet in one case. */
  readonly says?: RegExp;
  /** The groups to run: the check's own by default. */
  readonly only?: readonly string[];
  /**
   * The rule ids of docs/decisions/<api>.md it breaks; each must make a case that cites it fail.
   * Empty for a bug against a rule with no id (the order of checks, the envelopes of section 4).
   */
  readonly rules: readonly string[];
}

export interface RunningTarget {
  readonly url: string;
  close(): Promise<void>;
}

export interface Catalogue {
  readonly api: string;
  readonly targets: readonly CatalogueTarget[];
  /** The proxy of a target of this catalogue in front of a fresh mock; null: the mock as it is. */
  start(target: CatalogueTarget | null): Promise<RunningTarget>;
}

/** A catalogue of targets carrying breakages of type B, and the function that starts one (null: no breakage). */
export function catalogue<B>(
  api: string,
  targets: readonly (CatalogueTarget & { readonly breakage: B })[],
  start: (breakage: B | null) => Promise<RunningTarget>,
): Catalogue {
  const byName = new Map(targets.map((t) => [t.name, t]));
  return {
    api,
    targets,
    start: (target) => {
      if (target === null) return start(null);
      const own = byName.get(target.name);
      if (!own) throw new Error(`"${target.name}" is no target of the ${api} catalogue`);
      return start(own.breakage);
    },
  };
}

export const CATALOGUES: readonly Catalogue[] = [
  catalogue('flashback', BROKEN_TARGETS, (breakage) => startBrokenTarget(breakage ?? {})),
  catalogue('tours', TOURS_BROKEN_TARGETS, (breakage) => startToursBrokenTarget(breakage ?? {})),
];
