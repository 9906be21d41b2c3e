/**
 * JSON Schema validators for every request body and every documented response of a spec, each
 * compiled once (Ajv, draft 2020-12, the dialect of OpenAPI 3.1).
 *
 * The whole document is registered with Ajv under one `$id`, and each validator is a `$ref` into
 * it, so a shared schema such as OrgUser is compiled once and reused by every response that names it.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import type { LoadedSpec } from './spec.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the function sits one level down.
type AddFormats = (ajv: Ajv2020, formats: string[]) => Ajv2020;
const addFormats =
  (ajvFormats as unknown as { default: { default?: AddFormats } & AddFormats }).default.default ?? (ajvFormats as unknown as { default: AddFormats }).default;

export interface ContractValidators {
  /** The request body validator of an operation, or null when it takes no body. */
  request(operationId: string): ValidateFunction | null;
  /** The validator of a documented response, or null when the status is not documented or has no JSON body. */
  response(operationId: string, status: number): ValidateFunction | null;
  /** A validator for any schema of the document, by JSON pointer (`#/components/schemas/OrgUser`). */
  schema(pointer: string): ValidateFunction;
}

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
  addFormats(ajv, ['email', 'date-time', 'uri']);
  // OpenAPI's own integer formats: the schemas also carry enum/min/max, so these only bound the size.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  return ajv;
}

let counter = 0;

/**
 * Compiles every request validator up front, so no request pays for a compile. Response validators
 * (used by tests and the conformance suite, never by the server's hot path) compile on first use and
 * are kept: the server starts without paying for the ~50 response schemas it never checks.
 */
export function compileValidators(spec: LoadedSpec): ContractValidators {
  const ajv = createAjv();
  const id = `urn:org-contract:spec:${++counter}`;
  ajv.addSchema(spec.document, id);
  const byPointer = new Map<string, ValidateFunction>();
  const schema = (pointer: string): ValidateFunction => {
    let fn = byPointer.get(pointer);
    if (!fn) {
      fn = ajv.compile({ $ref: `${id}${pointer}` });
      byPointer.set(pointer, fn);
    }
    return fn;
  };
  const requests = new Map<string, ValidateFunction>();
  for (const op of spec.operations) {
    if (op.requestBody) requests.set(op.operationId, schema(op.requestBody.schemaPointer));
  }
  return {
    request: (operationId) => requests.get(operationId) ?? null,
    response: (operationId, status) => {
      const pointer = spec.byId.get(operationId)?.responses.get(status)?.schemaPointer;
      return pointer ? schema(pointer) : null;
    },
    schema,
  };
}

/** One line per schema error, e.g. `/data/0 must NOT have additional properties (password)`. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string {
  if (!errors?.length) return '';
  return errors
    .map((e) => {
      const where = e.instancePath || '(body)';
      const extra =
        e.keyword === 'additionalProperties'
          ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
          : e.keyword === 'const'
            ? ` (${JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue)})`
            : '';
      return `${where} ${e.message ?? e.keyword}${extra}`;
    })
    .join('; ');
}
