/**
 * The query parameters of an operation, checked against their schemas in the spec (step 6 with the
 * body: a bad query parameter is a 400, put into words by the API). Integer parameters are read as
 * integers from their text; a parameter that is absent takes its schema's `default`; parameters the
 * operation does not document are ignored (Tours TE3).
 */
import type { ContractValidators, OperationSpec } from '../contract/index.js';

export type QueryValues = Readonly<Record<string, unknown>>;

/** The first problem of a query, for the API to put into words. */
export interface QueryProblem {
  readonly name: string;
  /** The JSON Schema keyword that failed (`type`, `minimum`, `enum`, ...), or `required`. */
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export type QueryCheck = { readonly ok: true; readonly values: QueryValues } | { readonly ok: false; readonly problem: QueryProblem };

const NO_VALUES: QueryValues = Object.freeze({});
const INTEGER_TEXT = /^-?\d{1,16}$/;

/** Checks one operation's query; `query` is absent for an in-process caller that has none. */
export function checkQuery(op: OperationSpec, query: URLSearchParams | undefined, validators: ContractValidators): QueryCheck {
  if (op.queryParams.length === 0) return { ok: true, values: NO_VALUES };
  const values: Record<string, unknown> = {};
  for (const param of op.queryParams) {
    const text = query?.get(param.name) ?? null;
    if (text === null) {
      if (param.required) return { ok: false, problem: { name: param.name, keyword: 'required', params: {} } };
      if (param.default !== undefined) values[param.name] = param.default;
      continue;
    }
    const validate = validators.schema(param.schemaPointer);
    // A query value is text: tried as an integer first, so `limit=10` meets `type: integer`.
    const candidates: unknown[] = INTEGER_TEXT.test(text) ? [Number(text), text] : [text];
    const accepted = candidates.find((candidate) => validate(candidate));
    if (accepted === undefined) {
      validate(candidates[0]);
      const error = validate.errors?.[0];
      return { ok: false, problem: { name: param.name, keyword: error?.keyword ?? 'type', params: (error?.params ?? {}) as Record<string, unknown> } };
    }
    values[param.name] = accepted;
  }
  return { ok: true, values };
}
