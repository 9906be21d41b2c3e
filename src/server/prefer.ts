/**
 * `Prefer: code=N` and `Prefer: example=NAME` (section 8), as Prism reads them: the answer is the
 * documented response itself (status, a named example as the body, documented headers), computed
 * once per operation, and state is never touched. README.md, "Prefer", says how it meets auth.
 */
import type { JsonObject, OperationSpec, ResponseSpec } from '../contract/index.js';
import { prepareJson, type PreparedResponse } from './json-response.js';

export interface Preference {
  /** As written (`404`); matched against the documented statuses. */
  readonly code: string | undefined;
  readonly example: string | undefined;
}

/**
 * Reads the `code` and `example` preferences of a `Prefer` header (RFC 7240: comma-separated
 * `token[=value]`, optional `;` parameters, quoted values). Null when it has neither.
 */
export function parsePrefer(header: string | string[] | undefined): Preference | null {
  if (!header) return null;
  if (Array.isArray(header)) header = header.join(',');
  let code: string | undefined;
  let example: string | undefined;
  for (const item of header.split(',')) {
    const pair = item.split(';', 1)[0] as string;
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim().toLowerCase();
    const value = unquote(pair.slice(eq + 1).trim());
    if (name === 'code') code = value;
    else if (name === 'example') example = value;
  }
  return code === undefined && example === undefined ? null : { code, example };
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

export type PreferChoice =
  { readonly ok: true; readonly response: PreparedResponse; readonly status: number } | { readonly ok: false; readonly reason: string };

/** The documented answers of one operation, by status, by example name, and by both. */
export interface PreferTable {
  choose(preference: Preference): PreferChoice;
}

/** A value for a documented response header, from its schema (`const`, `enum`, `default`, `examples`). */
export function headerValue(schema: JsonObject | null): string | undefined {
  if (!schema) return undefined;
  const value = schema.const ?? (schema.enum as unknown[] | undefined)?.[0] ?? schema.default ?? (schema.examples as unknown[] | undefined)?.[0];
  // Header values in the spec are scalars (a string like `Bearer`, a number or a boolean).
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function prepare(response: ResponseSpec, body: unknown, preference: string): PreparedResponse {
  const headers: Record<string, string> = { 'preference-applied': preference };
  for (const [name, header] of response.headers) {
    const value = headerValue(header.schema);
    if (value !== undefined) headers[name] = value;
  }
  return prepareJson(response.status, body, headers);
}

export function buildPreferTable(operation: OperationSpec): PreferTable {
  const byCode = new Map<string, PreparedResponse>();
  const byExample = new Map<string, PreparedResponse>();
  const byBoth = new Map<string, PreparedResponse>();
  // Ascending status: `example=NAME` alone picks the lowest status that has an example of that name.
  const responses = [...operation.responses.values()].sort((a, b) => a.status - b.status);
  for (const response of responses) {
    const code = String(response.status);
    for (const [name, body] of response.examples) {
      if (!byCode.has(code)) byCode.set(code, prepare(response, body, `code=${code}`));
      if (!byExample.has(name)) byExample.set(name, prepare(response, body, `example=${name}`));
      byBoth.set(`${code} ${name}`, prepare(response, body, `code=${code}, example=${name}`));
    }
  }
  const documented = [...byCode.keys()].join(', ');
  const id = operation.operationId;
  const examplesOf = (code: string): string =>
    [...byBoth.keys()]
      .filter((k) => k.startsWith(`${code} `))
      .map((k) => k.slice(code.length + 1))
      .join(', ');

  return {
    choose({ code, example }) {
      const hit =
        code !== undefined && example !== undefined
          ? byBoth.get(`${code} ${example}`)
          : code !== undefined
            ? byCode.get(code)
            : byExample.get(example as string);
      if (hit) return { ok: true, response: hit, status: hit.status };
      if (code !== undefined && !byCode.has(code)) {
        return { ok: false, reason: `Prefer code=${code} is not documented for ${id}; documented: ${documented}` };
      }
      const where = code !== undefined ? `response ${code} of ${id}` : id;
      const names = code !== undefined ? examplesOf(code) : [...byExample.keys()].join(', ');
      return { ok: false, reason: `Prefer example=${String(example)} is not documented for ${where}; documented: ${names}` };
    },
  };
}
