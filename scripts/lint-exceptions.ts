/**
 * The lint exceptions a spec states about itself: `x-lint-exceptions: [{rule, reason}]` on any node.
 * An exception covers a finding of its rule at that node or below it. A finding's path is read in the
 * resolved document, so the walk follows local `$ref`s: an exception on a shared component covers its
 * findings wherever the component is used. Keeping exceptions in the spec (not in the ruleset, keyed
 * by file name) makes a copy of a spec lint the same under any name or folder.
 */
type JsonPath = ReadonlyArray<string | number>;

const KEY = 'x-lint-exceptions';

/** One exception: where it is written and which entry of the list. */
export interface ExceptionUse {
  readonly at: string;
  readonly index: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function resolveRef(root: unknown, ref: string): { node: unknown; path: string[] } | null {
  if (!ref.startsWith('#/')) return null;
  const path = ref
    .slice(2)
    .split('/')
    .map((k) => decodeURIComponent(k).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (const key of path) {
    if (!isObject(node) || !(key in node)) return null;
    node = node[key];
  }
  return { node, path };
}

function entries(node: unknown): unknown[] {
  return isObject(node) && Array.isArray(node[KEY]) ? (node[KEY] as unknown[]) : [];
}

const isEntry = (e: unknown): e is { rule: string; reason: string } =>
  isObject(e) && typeof e.rule === 'string' && typeof e.reason === 'string' && e.reason.trim() !== '';

/** The exception that covers a finding of `rule` at `path`, or null. */
export function findException(root: unknown, path: JsonPath, rule: string): ExceptionUse | null {
  let node: unknown = root;
  let at: Array<string | number> = [];
  const check = (): ExceptionUse | null => {
    const index = entries(node).findIndex((e) => isEntry(e) && e.rule === rule);
    return index >= 0 ? { at: JSON.stringify(at), index } : null;
  };
  for (let i = 0; ; i++) {
    const hit = check();
    if (hit) return hit;
    // A $ref stands for its target: look there (and carry on from there) when the path goes on.
    const seen = new Set<string>();
    while (isObject(node) && typeof node.$ref === 'string' && !seen.has(node.$ref)) {
      seen.add(node.$ref);
      const target = resolveRef(root, node.$ref);
      if (!target) break;
      node = target.node;
      at = target.path;
      const viaRef = check();
      if (viaRef) return viaRef;
    }
    if (i >= path.length) return null;
    const key = path[i] as string | number;
    if (!isObject(node) || !(key in node)) return null;
    // Spectral spells array indices as strings; the walk below names them as numbers.
    at = [...at, Array.isArray(node) ? Number(key) : key];
    node = (node as Record<string | number, unknown>)[key];
  }
}

/** Every exception that is malformed or covered no finding, with what to do about it. */
export function unusedExceptions(root: unknown, used: readonly ExceptionUse[]): Array<{ path: JsonPath; message: string }> {
  const usedKeys = new Set(used.map((u) => `${u.at}#${u.index}`));
  const problems: Array<{ path: JsonPath; message: string }> = [];
  const walk = (node: unknown, at: Array<string | number>): void => {
    if (!isObject(node)) return;
    if (KEY in node) {
      const list = node[KEY];
      if (!Array.isArray(list)) problems.push({ path: [...at, KEY], message: `\`${KEY}\` must be a list of {rule, reason}.` });
      else
        list.forEach((entry, index) => {
          const where = [...at, KEY, index];
          if (!isEntry(entry)) problems.push({ path: where, message: `A lint exception must be {rule, reason} with a non-empty reason.` });
          else if (!usedKeys.has(`${JSON.stringify(at)}#${index}`)) {
            problems.push({ path: where, message: `The exception for ${entry.rule} covers no finding here: remove it.` });
          }
        });
    }
    for (const [key, value] of Object.entries(node)) if (key !== KEY) walk(value, [...at, Array.isArray(node) ? Number(key) : key]);
  };
  walk(root, []);
  return problems;
}
