/**
 * Paged lists (Tours TE2): `{data, total, page, limit, totalPages}` from the whole list and the
 * request's `page` and `limit`. The cap on `limit` is read from the spec, as the `maximum` of the
 * `limit` field of a paged operation's success body (a larger value asked for is capped, not refused).
 */
import { resolvePointer, type JsonObject, type LoadedSpec, type OperationSpec } from '../contract/index.js';

export interface Page<T> {
  readonly data: T[];
  readonly total: number;
  readonly page: number;
  readonly limit: number;
  readonly totalPages: number;
}

/** Follows `$ref`s and `allOf` to the schema of one property of an object schema. */
function propertySchema(document: JsonObject, schema: unknown, name: string): JsonObject | null {
  let node = schema as JsonObject | undefined;
  while (node && typeof node.$ref === 'string') node = resolvePointer(document, node.$ref) as JsonObject;
  if (!node) return null;
  const direct = (node.properties as JsonObject | undefined)?.[name];
  if (direct !== undefined) {
    let found = direct as JsonObject;
    while (typeof found.$ref === 'string') found = resolvePointer(document, found.$ref) as JsonObject;
    return found;
  }
  for (const part of (node.allOf as unknown[] | undefined) ?? []) {
    const inPart = propertySchema(document, part, name);
    if (inPart) return inPart;
  }
  return null;
}

/** The largest `limit` a paged operation answers with, from its success body's schema; throws for an operation that is not paged. */
export function pageCap(spec: LoadedSpec, op: OperationSpec): number {
  const success = [...op.responses.values()].find((r) => r.status >= 200 && r.status < 300);
  const cap = success?.schema ? propertySchema(spec.document, success.schema, 'limit')?.maximum : undefined;
  if (typeof cap !== 'number') throw new Error(`${op.operationId} is not a paged list: its success body has no \`limit\` with a maximum`);
  return cap;
}

export interface PageRequest {
  readonly page: number;
  readonly limit: number;
}

/** One page of `items` (already sorted, `limit` already capped); a page past the end has an empty `data` (Tours TE2). */
export function pageOf<T>(items: readonly T[], { page, limit }: PageRequest): Page<T> {
  const start = (page - 1) * limit;
  // `start` may lie far past any index: such a page is empty, not an error.
  return { data: start < items.length ? items.slice(start, start + limit) : [], total: items.length, page, limit, totalPages: Math.ceil(items.length / limit) };
}
