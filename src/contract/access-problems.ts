/**
 * What the access reader found wrong, each at the JSON path of the value at fault. The lint gate
 * prints them with their line; the mock and the suite refuse a spec that has any, naming the first.
 */
export type JsonPath = ReadonlyArray<string | number>;

export interface AccessProblem {
  /** The lint rule it belongs to: the document's model, or an operation's rule. */
  readonly rule: 'org-access-model' | 'org-access-extension';
  readonly path: JsonPath;
  readonly message: string;
  /** The operation whose `x-access` is at fault, if any. */
  readonly operationId: string | null;
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects problems for one rule (and one operation); small checks that report and return a usable value. */
export class ProblemList {
  constructor(
    private readonly into: AccessProblem[],
    private readonly rule: AccessProblem['rule'],
    private readonly operationId: string | null = null,
  ) {}

  add(path: JsonPath, message: string): void {
    this.into.push({ rule: this.rule, path, message, operationId: this.operationId });
  }

  /** Reports every key of `value` that is not one of `allowed`. */
  onlyKeys(value: Record<string, unknown>, path: JsonPath, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.add([...path, key], `unknown key "${key}"; allowed: ${allowed.join(', ')}`);
    }
  }

  nonEmptyString(value: unknown, path: JsonPath): string {
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.add(path, 'must be a non-empty string');
    return '';
  }

  stringList(value: unknown, path: JsonPath, { allowEmpty = false } = {}): string[] {
    if (Array.isArray(value) && (allowEmpty || value.length > 0) && value.every((v) => typeof v === 'string' && v !== '')) {
      if (new Set(value).size !== value.length) this.add(path, 'must not list a value twice');
      return value as string[];
    }
    this.add(path, `must be a ${allowEmpty ? '' : 'non-empty '}list of strings`);
    return [];
  }
}
