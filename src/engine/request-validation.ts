/**
 * Section 3, step 3: the request body, checked with the operation's compiled schema validator and
 * its first problem turned into a message in the project's words (see the spec's 400 examples):
 * `Missing required field: <name>`, `Invalid role combination` (R4), `Invalid email address`,
 * `Invalid field: <name> must be a <type>`, `Invalid field: <name> must be 1 to 100 characters`,
 * `Invalid field: <name> must not be blank` (the `\S` pattern: O2's non-empty organization name),
 * and `Invalid JSON body` for a body that is not a JSON object.
 */
import type { ErrorObject } from 'ajv';
import { resolvePointer, type ContractValidators, type JsonObject, type LoadedSpec, type OperationSpec } from '../contract/index.js';
import type { BodyProblem } from './api.js';
import { invalidField, invalidFieldBlank, invalidFieldLength, invalidFieldType, MESSAGES, missingField } from '../apis/flashback/messages.js';
import type { BodyHooks } from './operation-handler.js';

/** The pattern of a string that must not be blank (only whitespace). */
const NOT_BLANK = '\\S';

export type BodyCheck = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly status: 400 | 413 | 415; readonly message: string };

interface LengthLimits {
  readonly min: number | undefined;
  readonly max: number | undefined;
}

const BODY_PROBLEMS: Record<BodyProblem, { status: 400 | 413 | 415; message: string }> = {
  'invalid-json': { status: 400, message: MESSAGES.invalidJson },
  'too-large': { status: 413, message: MESSAGES.bodyTooLarge },
  'unsupported-media-type': { status: 415, message: MESSAGES.unsupportedMediaType },
};

export type BodyChecker = (op: OperationSpec, body: unknown, problem: BodyProblem | undefined, hooks: BodyHooks<unknown>) => BodyCheck;

/** Prepares, for every operation with a body, its validator and the length limits of its fields. */
export function createBodyChecker(spec: LoadedSpec, validators: ContractValidators): BodyChecker {
  const limits = new Map<string, ReadonlyMap<string, LengthLimits>>();
  for (const op of spec.operations) {
    if (op.requestBody) limits.set(op.operationId, fieldLimits(spec.document, op.requestBody.schemaPointer));
  }
  return (op, rawBody, problem, hooks) => {
    // An operation without a request body ignores whatever was sent (nothing of it is read).
    if (!op.requestBody) return { ok: true, body: undefined };
    if (problem) return { ok: false, ...BODY_PROBLEMS[problem] };
    if (rawBody === undefined) return { ok: false, status: 400, message: MESSAGES.invalidJson };
    const body = trimFields(rawBody, hooks.trimmedFields);
    const validate = validators.request(op.operationId);
    if (validate && !validate(body)) {
      // In a union of object shapes (RefreshRequest, A4) each branch reports one problem: a field that was
      // sent but is wrong names the problem better than the other spelling being missing.
      const first = validate.errors?.find((error) => error.instancePath !== '') ?? validate.errors?.[0];
      const message = first ? messageFor(first, limits.get(op.operationId), hooks.fieldMessages) : MESSAGES.invalidJson;
      return { ok: false, status: 400, message };
    }
    const extra = hooks.bodyRule?.(body);
    if (extra) return { ok: false, status: 400, message: extra };
    return { ok: true, body };
  };
}

function messageFor(error: ErrorObject, limits: ReadonlyMap<string, LengthLimits> | undefined, special: Readonly<Record<string, string>> | undefined): string {
  const field = error.instancePath.split('/')[1];
  if (field === undefined) {
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    return error.keyword === 'required' && missing ? missingField(missing) : MESSAGES.invalidJson;
  }
  if (field === 'orgRole') return MESSAGES.invalidRole; // R4: any value but the five, of any type
  if (error.keyword === 'type') return invalidFieldType(field, typeWords((error.params as { type: string | string[] }).type));
  const replacement = special?.[field];
  if (replacement) return replacement;
  if (field === 'email' || (error.keyword === 'format' && (error.params as { format?: string }).format === 'email')) return MESSAGES.invalidEmail;
  if (error.keyword === 'pattern' && (error.params as { pattern?: string }).pattern === NOT_BLANK) return invalidFieldBlank(field);
  if (error.keyword === 'minLength' || error.keyword === 'maxLength' || error.keyword === 'pattern') {
    const limit = limits?.get(field);
    return invalidFieldLength(field, limit?.min, limit?.max);
  }
  return invalidField(field);
}

/** `boolean` → `boolean`; `['string', 'null']` → `string or null`. */
function typeWords(type: string | readonly string[]): string {
  return (Array.isArray(type) ? type : [type]).join(' or ');
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
