/**
 * Breaks request bodies and query strings from an operation's own schemas: for each field, values of
 * the wrong type, null, boundary lengths and bounds one past the limit, bad formats and enum values,
 * the field missing when required, unknown fields, deep nesting, huge numbers and odd unicode; for the
 * whole body, other JSON types, text that is not JSON and the wrong content type. Every case starts
 * from a valid body (the spec's example, else one built from the schema), so a request fails on the
 * one thing that was broken and the checks behind it are reached by the rest.
 */
import { resolvePointer, type JsonObject, type LoadedSpec, type OperationSpec } from '../../src/contract/index.js';

export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** What goes on the wire: a JSON value (sent as application/json), or raw text with the content type given. */
export type FuzzBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown; readonly label: string }
  | { readonly kind: 'raw'; readonly text: string; readonly contentType: string | null; readonly label: string };

type Schema = JsonObject;

/** The schema with `$ref`s followed and `allOf` merged; the first branch of `anyOf`/`oneOf` stands for the union. */
function resolve(spec: LoadedSpec, schema: unknown, depth = 0): Schema {
  let node = (schema ?? {}) as Schema;
  while (typeof node.$ref === 'string') node = resolvePointer(spec.document, node.$ref) as Schema;
  if (depth > 8) return node;
  if (Array.isArray(node.allOf)) {
    const merged: Schema = { ...node };
    delete merged.allOf;
    for (const part of node.allOf) {
      const r = resolve(spec, part, depth + 1);
      Object.assign(merged, r, {
        properties: { ...(merged.properties as Schema | undefined), ...(r.properties as Schema | undefined) },
        required: [...((merged.required as string[] | undefined) ?? []), ...((r.required as string[] | undefined) ?? [])],
      });
    }
    return merged;
  }
  const union = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(union) && union.length > 0) return { ...resolve(spec, union[0], depth + 1), ...withoutUnion(node) };
  return node;
}

function withoutUnion(node: Schema): Schema {
  const { anyOf: _a, oneOf: _o, ...rest } = node;
  return rest;
}

function typesOf(schema: Schema): string[] {
  const t = schema.type;
  if (Array.isArray(t)) return t as string[];
  if (typeof t === 'string') return [t];
  if (schema.properties) return ['object'];
  return [];
}

const FORMAT_VALUES: Readonly<Record<string, string>> = {
  email: 'fuzz.valid@example.com',
  uuid: '123e4567-e89b-42d3-a456-426614174999',
  uri: 'https://example.com/a.png',
  'date-time': '2099-01-01T00:00:00.000Z',
  date: '2099-01-01',
};

const BAD_FORMATS: Readonly<Record<string, readonly string[]>> = {
  email: ['not-an-email', '@example.com', 'a@', 'a b@example.com', 'a@example..com', '"quoted"@x', 'ä@ü.de'],
  uuid: ['123', '123e4567-e89b-42d3-a456-42661417400', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '{123e4567-e89b-42d3-a456-426614174000}'],
  uri: ['not a uri', 'javascript:alert(1)', 'ftp://x', '//no-scheme', 'http://'],
  'date-time': ['yesterday', '2026-13-45T25:61:61Z', '1970-01-01T00:00:00Z', '2026-02-01', '+275760-09-13T00:00:00.001Z'],
  date: ['2026-02-30', 'tomorrow'],
};

/** A valid value of the schema, as plain as the schema allows. */
export function validValue(spec: LoadedSpec, raw: unknown, depth = 0): unknown {
  const schema = resolve(spec, raw);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('default' in schema) return schema.default;
  if ('example' in schema) return schema.example;
  const type = typesOf(schema).find((t) => t !== 'null') ?? 'string';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (schema.properties ?? {}) as Schema;
      for (const name of (schema.required as string[] | undefined) ?? []) out[name] = depth > 6 ? null : validValue(spec, props[name], depth + 1);
      return out;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    default: {
      const format = typeof schema.format === 'string' ? FORMAT_VALUES[schema.format] : undefined;
      if (format) return format;
      const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
      return 'fuzz-value'.padEnd(min, 'x');
    }
  }
}

/** The valid bodies to start from: the spec's examples of the request, else one built from its schema. */
export function validBodies(spec: LoadedSpec, op: OperationSpec): unknown[] {
  if (!op.requestBody) return [];
  const examples = [...op.requestBody.examples.values()].filter((v) => v !== undefined);
  return examples.length > 0 ? examples : [validValue(spec, resolvePointer(spec.document, op.requestBody.schemaPointer))];
}

/** Strings that stress text handling: astral characters, combining marks, direction marks, NUL, a lone surrogate. */
const UNICODE = ['😀'.repeat(3), 'e\u0301\u0301\u0301', '\u202Eevil', '\u200B', 'a\u0000b', '\uD800', 'Ǆ', 'ß', '\uFEFF', ' \t\n '];

function deepValue(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

/** The ways to break one field of this schema, each a label and the value to put there (undefined: remove it). */
function fieldBreaks(spec: LoadedSpec, raw: unknown): [string, unknown][] {
  const schema = resolve(spec, raw);
  const types = typesOf(schema);
  const out: [string, unknown][] = [
    ['number', 42],
    ['negative', -1],
    ['float', 2.5],
    ['huge number', 1e308],
    ['past safe integer', 2 ** 53 + 1],
    ['boolean', true],
    ['string', 'text'],
    ['empty string', ''],
    ['array', ['x']],
    ['empty array', []],
    ['object', { nested: 'x' }],
    ['null', null],
    ['deep nesting', deepValue(200)],
  ].filter(([, v]) => !matchesType(types, v)) as [string, unknown][];
  for (const u of UNICODE) out.push([`unicode ${JSON.stringify(u)}`, u]);
  if (types.includes('string')) {
    const min = typeof schema.minLength === 'number' ? schema.minLength : null;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : null;
    if (min !== null) {
      if (min > 0) out.push([`length ${min - 1} (min ${min})`, 'x'.repeat(min - 1)]);
      out.push([`length ${min} (min)`, 'Aa1'.padEnd(min, 'x').slice(0, Math.max(min, 0))]);
    }
    if (max !== null) {
      out.push([`length ${max} (max)`, 'x'.repeat(max)]);
      out.push([`length ${max + 1} (max ${max})`, 'x'.repeat(max + 1)]);
      out.push([`${max} astral characters (max ${max})`, '😀'.repeat(max)]);
      out.push([`${max} spaces (max ${max})`, ' '.repeat(max)]);
    }
    out.push(['whitespace only', '   ']);
    out.push(['100k characters', 'y'.repeat(100_000)]);
    const format = typeof schema.format === 'string' ? BAD_FORMATS[schema.format] : undefined;
    for (const bad of format ?? []) out.push([`bad ${String(schema.format)} ${JSON.stringify(bad)}`, bad]);
    if (typeof schema.pattern === 'string') out.push(['pattern-breaking', '!!! NOT/A/MATCH !!!']);
  }
  if (Array.isArray(schema.enum)) {
    const first = String(schema.enum[0]);
    out.push([`enum upper-cased`, first.toUpperCase()], ['enum with space', ` ${first}`], ['not in enum', 'not-a-member']);
  }
  if (types.includes('integer') || types.includes('number')) {
    if (typeof schema.minimum === 'number') out.push([`minimum - 1`, schema.minimum - 1]);
    if (typeof schema.maximum === 'number') out.push([`maximum + 1`, schema.maximum + 1]);
    out.push(['numeric string', '1'], ['-0', -0], ['largest double', Number.MAX_VALUE]);
  }
  if (types.includes('array')) {
    const items = schema.items;
    const item = items === undefined ? 'x' : validValue(spec, items);
    out.push(['array of wrong items', [1, null, {}, []]], ['duplicated items', [item, item]], ['10k items', Array.from({ length: 10_000 }, () => item)]);
    if (typeof schema.maxItems === 'number') out.push([`maxItems + 1`, Array.from({ length: schema.maxItems + 1 }, () => item)]);
  }
  if (types.includes('object') && schema.properties) {
    out.push(['empty object', {}], ['object with unknown field', { unknownFuzzField: 1 }]);
  }
  return out;
}

function matchesType(types: readonly string[], value: unknown): boolean {
  if (types.length === 0) return false;
  if (value === null) return types.includes('null');
  if (Array.isArray(value)) return types.includes('array');
  if (typeof value === 'number') return types.includes('number') || (types.includes('integer') && Number.isInteger(value));
  return types.includes(typeof value);
}

export interface BodyBreaker {
  /** A body for the next request: valid now and then, most often broken in one place. */
  next(random: Random): FuzzBody;
}

/** How often a request carries a valid body, so that the checks behind the body (target, rules, the handler) are reached too. */
const VALID_SHARE = 0.2;

export function bodyBreaker(spec: LoadedSpec, op: OperationSpec): BodyBreaker {
  if (!op.requestBody) return { next: () => ({ kind: 'none' }) };
  const schema = resolve(spec, resolvePointer(spec.document, op.requestBody.schemaPointer));
  const props = (schema.properties ?? {}) as Schema;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const valids = validBodies(spec, op);
  const breaks = new Map(Object.keys(props).map((name) => [name, fieldBreaks(spec, props[name])]));
  const whole: FuzzBody[] = [
    { kind: 'json', value: null, label: 'body null' },
    { kind: 'json', value: [], label: 'body []' },
    { kind: 'json', value: 'text', label: 'body a string' },
    { kind: 'json', value: 42, label: 'body a number' },
    { kind: 'json', value: {}, label: 'body {}' },
    { kind: 'json', value: deepValue(3000), label: 'body nested 3000 deep' },
    { kind: 'raw', text: '', contentType: 'application/json', label: 'empty body' },
    { kind: 'raw', text: '{', contentType: 'application/json', label: 'truncated JSON' },
    { kind: 'raw', text: '{"a":1,}', contentType: 'application/json', label: 'trailing comma' },
    { kind: 'raw', text: "{'a':1}", contentType: 'application/json', label: 'single quotes' },
    { kind: 'raw', text: '\uFEFF{}', contentType: 'application/json', label: 'byte order mark' },
    { kind: 'raw', text: '{"a":1e999999}', contentType: 'application/json', label: 'overflowing exponent' },
    { kind: 'raw', text: `{"a":${'9'.repeat(5000)}}`, contentType: 'application/json', label: '5000-digit number' },
    {
      kind: 'raw',
      text: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      contentType: 'application/json',
      label: 'prototype keys',
    },
    { kind: 'raw', text: '{"a":"\\ud800"}', contentType: 'application/json', label: 'lone surrogate escape' },
    { kind: 'raw', text: '['.repeat(100_000), contentType: 'application/json', label: '100k open brackets' },
  ];
  return {
    next(random) {
      const base: unknown = structuredClone(pick(random, valids));
      const roll = random();
      if (roll < VALID_SHARE) return { kind: 'json', value: base, label: 'valid body' };
      if (roll < 0.3) {
        const text = JSON.stringify(base);
        const contentType = pick(random, [
          null,
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
          'application/jsonx',
          'multipart/form-data',
        ]);
        return { kind: 'raw', text, contentType, label: `valid JSON sent as ${String(contentType)}` };
      }
      if (roll < 0.38 || typeof base !== 'object' || base === null || Array.isArray(base)) return pick(random, whole);
      const record = base as Record<string, unknown>;
      const names = Object.keys(props);
      if (roll < 0.44) {
        const missing = [...required].filter((n) => n in record);
        if (missing.length > 0) {
          const name = pick(random, missing);
          delete record[name];
          return { kind: 'json', value: record, label: `missing required ${name}` };
        }
        record[`extra${Math.floor(random() * 1000)}`] = pick(random, [1, 'x', null, { deep: deepValue(50) }]);
        return { kind: 'json', value: record, label: 'extra field' };
      }
      if (names.length === 0) return pick(random, whole);
      const name = pick(random, names);
      const [label, value] = pick(random, breaks.get(name) ?? [['null', null]]);
      record[name] = value;
      // A second broken field now and then: the order of a validator's checks must not matter either.
      if (random() < 0.15) {
        const other = pick(random, names);
        const [label2, value2] = pick(random, breaks.get(other) ?? [['null', null]]);
        record[other] = value2;
        return { kind: 'json', value: record, label: `${name}: ${label}; ${other}: ${label2}` };
      }
      return { kind: 'json', value: record, label: `${name}: ${label}` };
    },
  };
}

/** A query string for the operation: its documented parameters valid, broken or repeated, and unknown ones. */
export function queryFor(spec: LoadedSpec, op: OperationSpec, random: Random): string {
  const parts: string[] = [];
  for (const param of op.queryParams) {
    const roll = random();
    if (roll < 0.3) continue;
    const schema = resolve(spec, resolvePointer(spec.document, param.schemaPointer));
    const valid = String(validValue(spec, schema));
    const value =
      roll < 0.8
        ? valid
        : pick(random, ['', 'abc', '-1', '0', '1.5', '1e3', '9007199254740993', '99999999999999999999999', 'null', '%00', '😀', 'asc,desc', 'x'.repeat(5000)]);
    parts.push(`${encodeURIComponent(param.name)}=${encodeURIComponent(value)}`);
    if (random() < 0.1) parts.push(`${encodeURIComponent(param.name)}=${encodeURIComponent(valid)}`);
  }
  if (random() < 0.1) parts.push(pick(random, ['unknown=1', 'page[]=1', '__proto__=x', '=', '&&', 'a=%ZZ']));
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
