/**
 * The request body, checked with the operation's compiled schema validator. Its first problem is
 * described (the field, the schema keyword, the field's length limits) and put into words by the
 * API's own `BodyMessages`, since each API words them its own way (Flashback: `Missing required
 * field: <name>`; Tours & Events: `Invalid request body: <what>`).
 */
import type { ErrorObject } from 'ajv';
import { resolvePointer, type ContractValidators, type JsonObject, type LoadedSpec, type OperationSpec } from '../contract/index.js';
import type { BodyProblem } from './api.js';
import type { BodyHooks } from './operation-handler.js';
import type { QueryProblem } from './query.js';

export type BodyCheck = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly status: 400 | 413 | 415; readonly message: string };

export interface LengthLimits {
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** The first problem of a body that does not match its schema, for the API to put into words. */
export interface FieldProblem {
  /** The top-level field at fault; undefined for the body itself (e.g. a missing required field). */
  readonly field: string | undefined;
  /** The JSON Schema keyword that failed (`type`, `required`, `minLength`, `pattern`, `format`, ...). */
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** minLength/maxLength of the field in its schema. */
  readonly limits: LengthLimits | undefined;
  /** The handler's own message for the field (`fieldMessages`), if any. */
  readonly replacement: string | undefined;
}

/** How an API words the problems of a request body. */
export interface BodyMessages {
  /** A body that could not be read: not JSON, too large, not `application/json`. */
  unreadable(problem: BodyProblem): { readonly status: 400 | 413 | 415; readonly message: string };
  /** A body that is missing although the operation requires one. */
  readonly missing: string;
  /**
   * The first schema problem of a body. An API without it checks its bodies itself: their shape in its
   * handlers' `bodyRule` (still step 6) and their values with its business rules (Tours & Events
   * answers a value that is not allowed with a 422 at step 8, after the target's 404).
   */
  readonly schemaProblem?: (problem: FieldProblem) => string;
  /**
   * For an API that answers value problems later (Tours & Events: a 422 at step 8), step 6 checks only
   * the body's shape against its schema (an object, each required field present, each field of its
   * type) and this words the first problem; the values are the API's own business rules.
   */
  readonly shapeProblem?: (problem: FieldProblem) => string;
  /**
   * With `shapeProblem`: the 400 of a PATCH body that names no field its schema knows (Tours &
   * Events: on every PATCH, at step 6, so before a missing target's 404 at step 7).
   */
  readonly noFields?: string;
  /** The first problem of a query parameter (an API without query parameters never gets one). */
  queryProblem(problem: QueryProblem): string;
}

export type BodyChecker = (op: OperationSpec, body: unknown, problem: BodyProblem | undefined, hooks: BodyHooks<unknown>, messages: BodyMessages) => BodyCheck;

/** Prepares, for every operation with a body, its validator and the length limits of its fields. */
export function createBodyChecker(spec: LoadedSpec, validators: ContractValidators): BodyChecker {
  const limits = new Map<string, ReadonlyMap<string, LengthLimits>>();
  const shapes = new Map<string, Shape>();
  for (const op of spec.operations) {
    if (!op.requestBody) continue;
    limits.set(op.operationId, fieldLimits(spec.document, op.requestBody.schemaPointer));
    shapes.set(op.operationId, shapeChecker(spec.document, op.requestBody.schemaPointer));
  }
  return (op, rawBody, problem, hooks, messages) => {
    // An operation without a request body ignores whatever was sent (nothing of it is read).
    if (!op.requestBody) return { ok: true, body: undefined };
    if (problem) return { ok: false, ...messages.unreadable(problem) };
    if (rawBody === undefined) return { ok: false, status: 400, message: messages.missing };
    const body = trimFields(rawBody, hooks.trimmedFields);
    const { schemaProblem, shapeProblem, noFields } = messages;
    const shape = shapeProblem ? shapes.get(op.operationId) : undefined;
    if (shape && shapeProblem) {
      const found = shape.problem(body);
      if (found) return { ok: false, status: 400, message: shapeProblem(found) };
      if (noFields && op.method === 'PATCH' && !shape.fields.some((name) => (body as JsonObject)[name] !== undefined)) {
        return { ok: false, status: 400, message: noFields };
      }
    }
    const validate = schemaProblem ? validators.request(op.operationId) : null;
    if (validate && schemaProblem && !validate(body)) {
      // In a union of object shapes (Flashback's RefreshRequest) each branch reports one problem: a field that was
      // sent but is wrong names the problem better than the other spelling being missing.
      const first = validate.errors?.find((error) => error.instancePath !== '') ?? validate.errors?.[0];
      const message = first ? schemaProblem(describe(first, limits.get(op.operationId), hooks.fieldMessages)) : messages.missing;
      return { ok: false, status: 400, message };
    }
    const extra = hooks.bodyRule?.(body);
    if (extra) return { ok: false, status: 400, message: extra };
    return { ok: true, body };
  };
}

function describe(
  error: ErrorObject,
  limits: ReadonlyMap<string, LengthLimits> | undefined,
  special: Readonly<Record<string, string>> | undefined,
): FieldProblem {
  const field = error.instancePath.split('/')[1];
  return {
    field,
    keyword: error.keyword,
    params: error.params as Record<string, unknown>,
    limits: field === undefined ? undefined : limits?.get(field),
    replacement: field === undefined ? undefined : special?.[field],
  };
}

/** The JSON types a value has (`integer` counts as `number` too). */
function typesOf(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  return [typeof value];
}

/** A body's shape check, and the fields its schema knows. */
interface Shape {
  problem(body: unknown): FieldProblem | null;
  readonly fields: readonly string[];
}

/**
 * A check of a body's shape only: an object, its required fields present, each field of its declared
 * type (and, for an array, its items of theirs). Values (lengths, patterns, formats, enums) are not checked.
 */
function shapeChecker(document: JsonObject, pointer: string): Shape {
  const schema = flatten(document, resolvePointer(document, pointer));
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const fields = Object.entries((schema.properties ?? {}) as JsonObject).map(([name, raw]) => {
    const field = flatten(document, raw);
    const items = field.items === undefined ? null : flatten(document, field.items);
    return { name, types: typeList(field.type), itemTypes: items ? typeList(items.type) : null };
  });
  const problem = (field: string | undefined, keyword: string, params: Record<string, unknown>): FieldProblem => ({
    field,
    keyword,
    params,
    limits: undefined,
    replacement: undefined,
  });
  const check = (body: unknown): FieldProblem | null => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return problem(undefined, 'type', { type: 'object' });
    const object = body as JsonObject;
    for (const name of required) if (object[name] === undefined) return problem(undefined, 'required', { missingProperty: name });
    for (const { name, types, itemTypes } of fields) {
      const value = object[name];
      if (value === undefined || types === null) continue;
      if (!typesOf(value).some((t) => types.includes(t))) return problem(name, 'type', { type: types.length === 1 ? types[0] : types });
      if (itemTypes && Array.isArray(value) && !value.every((item) => typesOf(item).some((t) => itemTypes.includes(t)))) {
        return problem(name, 'type', { type: 'array', items: itemTypes.length === 1 ? itemTypes[0] : itemTypes });
      }
    }
    return null;
  };
  return { problem: check, fields: fields.map((f) => f.name) };
}

/** A schema's `type` as a list, or null when it declares none. */
function typeList(type: unknown): string[] | null {
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? (type as string[]) : null;
}

function trimFields(body: unknown, fields: readonly string[] | undefined): unknown {
  if (!fields?.length || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const copy: JsonObject = { ...(body as JsonObject) };
  for (const field of fields) {
    const value = copy[field];
    if (typeof value === 'string') copy[field] = value.trim();
  }
  return copy;
}

/**
 * minLength/maxLength of each property of a request schema, following `$ref` and `allOf`, and the
 * properties of each branch of a union of object shapes (`anyOf`/`oneOf`, e.g. RefreshRequest).
 */
function fieldLimits(document: JsonObject, pointer: string): Map<string, LengthLimits> {
  const out = new Map<string, LengthLimits>();
  const collect = (node: unknown): void => {
    const schema = deref(document, node);
    for (const [name, raw] of Object.entries((schema.properties ?? {}) as JsonObject)) {
      if (out.has(name)) continue;
      const merged = flatten(document, raw);
      out.set(name, { min: numberOr(merged.minLength), max: numberOr(merged.maxLength) });
    }
    for (const branches of [schema.anyOf, schema.oneOf]) if (Array.isArray(branches)) branches.forEach(collect);
  };
  collect(resolvePointer(document, pointer));
  return out;
}

function deref(document: JsonObject, node: unknown): JsonObject {
  let current = node as JsonObject;
  while (typeof current?.$ref === 'string') current = resolvePointer(document, current.$ref) as JsonObject;
  return current ?? {};
}

function flatten(document: JsonObject, node: unknown): JsonObject {
  const schema = deref(document, node);
  const parts = Array.isArray(schema.allOf) ? schema.allOf.map((part) => flatten(document, part)) : [];
  return Object.assign({}, ...parts, schema) as JsonObject;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
