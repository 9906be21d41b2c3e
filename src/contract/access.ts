/**
 * The access vocabulary of one document, read whole: its `x-access-model` and the `x-access` of every
 * operation, by the one reader the lint gate, the mock and the conformance suite share.
 */
import { collectAccessModel, type AccessModel } from './access-model.js';
import { ProblemList, isObject, type AccessProblem } from './access-problems.js';
import { collectAccessRule, type AccessRule } from './access-rule.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

export interface AccessReading {
  readonly model: AccessModel;
  /** operationId → its rule. */
  readonly rules: ReadonlyMap<string, AccessRule>;
  /** Everything wrong, in document order; empty for a sound document. */
  readonly problems: readonly AccessProblem[];
}

/** Reads the whole vocabulary of a document, collecting every problem instead of stopping at the first. */
export function collectAccess(document: Record<string, unknown>): AccessReading {
  const problems: AccessProblem[] = [];
  const model = collectAccessModel(document, new ProblemList(problems, 'org-access-model'));
  const rules = new Map<string, AccessRule>();
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    if (!isObject(item)) continue;
    const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const operationId = typeof op.operationId === 'string' ? op.operationId : `${method.toUpperCase()} ${path}`;
      const context = { operationId, pathParams, security: op.security ?? document.security };
      const list = new ProblemList(problems, 'org-access-extension', operationId);
      rules.set(operationId, collectAccessRule(op['x-access'], context, model, list, ['paths', path, method, 'x-access']));
    }
  }
  return { model, rules, problems };
}

/** Reads the vocabulary of a document the server or the suite is about to use; a malformed one is refused, naming the operation and the key. */
export function readAccess(document: Record<string, unknown>, file: string): Omit<AccessReading, 'problems'> {
  const reading = collectAccess(document);
  const first = reading.problems[0];
  if (first) {
    const where = first.operationId ? `x-access of ${first.operationId}` : 'x-access-model';
    const more = reading.problems.length > 1 ? ` (and ${reading.problems.length - 1} more problem(s))` : '';
    throw new Error(`${file}: ${where}, at ${first.path.join('.')}: ${first.message}${more}. See openapi/README.md, "The access vocabulary".`);
  }
  return reading;
}
