/**
 * A small, independent view of a spec for tests: its operations (with a ready request built from the
 * spec's own examples) and JSON Schema validators for their responses, compiled here with Ajv 2020-12
 * and ajv-formats from the dereferenced document (swagger-parser). Deliberately separate from
 * src/contract, so that a test using it checks the spec itself rather than the project's own loader.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = Record<string, unknown>;

export interface SpecOperation {
  operationId: string;
  method: Uppercase<(typeof METHODS)[number]>;
  /** The path template, e.g. `/organization/users/{userId}`. */
  template: string;
  /**
   * The template with each path parameter filled in (URI-encoded): the parameter's example (`example`, the
   * first of `examples`, else its schema's `example` or first `examples`) when the spec gives one, else
   * `test-<name>`.
   */
  path: string;
  /** True when the operation has a non-empty security requirement (its own, or the document's). */
  secured: boolean;
  /**
   * The names of the security schemes its first security requirement names (its own `security`, or the
   * document's), e.g. `['sessionCookie']`; empty when it has none or the first one is `{}`. The schemes'
   * definitions are `LoadedSpecForTests.securitySchemes`.
   */
  securitySchemes: string[];
  /** True when one of its security requirements is `{}`: the operation is served without a credential too. */
  securityOptional: boolean;
  /** The first example of the JSON request body, or undefined when the operation takes none. */
  body: unknown;
  /** The lowest documented 2xx status. */
  successStatus: number;
  /** The dereferenced responses, by status key. */
  responses: Record<string, Json>;
}

export interface LoadedSpecForTests {
  operations: SpecOperation[];
  /** `components.securitySchemes`, dereferenced, by name. */
  securitySchemes: Record<string, Json>;
  /** Validates a JSON body against the schema of an operation's documented response. */
  validateResponse(operationId: string, status: number, body: unknown): { valid: boolean; errors: string };
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, whose `.default` is the plugin.
  ajvFormats.default(ajv);
  // OpenAPI's integer formats, and the OpenAPI keywords a Schema Object may carry.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addVocabulary(['discriminator', 'xml', 'externalDocs', 'example']);
  return ajv;
}

/**
 * Declares every specification extension (`x-...`, e.g. `x-lint-exceptions` on a property) found in a schema
 * as an annotation keyword, so that strict Ajv accepts the extensions OpenAPI allows in any Schema Object.
 */
function allowExtensions(ajv: Ajv2020, schema: unknown, seen = new Set<unknown>()): void {
  if (typeof schema !== 'object' || schema === null || seen.has(schema)) return;
  seen.add(schema);
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') && !ajv.getKeyword(key)) ajv.addKeyword({ keyword: key });
    allowExtensions(ajv, value, seen);
  }
}

function firstExample(media: Json | undefined): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  if (isObject(media.examples)) {
    const first = Object.values(media.examples)[0];
    if (isObject(first)) return first.value;
  }
  return undefined;
}

/** The example a Parameter Object (or else its schema) gives, if any. */
function parameterExample(param: Json): unknown {
  for (const holder of [param, isObject(param.schema) ? param.schema : {}]) {
    if (holder.example !== undefined) return holder.example;
    const examples = holder.examples;
    if (Array.isArray(examples) && examples.length > 0) return examples[0];
    if (isObject(examples)) {
      const first = Object.values(examples)[0];
      if (isObject(first) && first.value !== undefined) return first.value;
    }
  }
  return undefined;
}

/** The path with each `{name}` replaced by its parameter's example, or `test-<name>`. */
function fillPath(template: string, params: readonly unknown[]): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = params.find((p): p is Json => isObject(p) && p.in === 'path' && p.name === name);
    const example = param ? parameterExample(param) : undefined;
    if (example === undefined) return `test-${name}`;
    if (typeof example !== 'string' && typeof example !== 'number' && typeof example !== 'boolean') {
      throw new Error(`${template}: the example of path parameter ${name} is not a string, number or boolean`);
    }
    return encodeURIComponent(String(example));
  });
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`).join('; ');
}

export async function loadSpecForTests(file: string): Promise<LoadedSpecForTests> {
  const api = (await SwaggerParser.dereference(file)) as Json;
  const rootSecurity = Array.isArray(api.security) ? api.security : [];
  const components = isObject(api.components) ? api.components : {};
  const securitySchemes = (isObject(components.securitySchemes) ? components.securitySchemes : {}) as Record<string, Json>;
  const ajv = createAjv();
  const validators = new Map<string, ValidateFunction>();
  const operations: SpecOperation[] = [];

  for (const [template, item] of Object.entries(isObject(api.paths) ? api.paths : {})) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op) || typeof op.operationId !== 'string') continue;
      const security: unknown[] = Array.isArray(op.security) ? op.security : rootSecurity;
      const firstRequirement = security[0];
      // Path-item parameters apply unless the operation overrides one of the same name and place.
      const ownParams = Array.isArray(op.parameters) ? op.parameters.filter(isObject) : [];
      const itemParams = (Array.isArray(item.parameters) ? item.parameters.filter(isObject) : []).filter(
        (p) => !ownParams.some((o) => o.name === p.name && o.in === p.in),
      );
      const responses = (isObject(op.responses) ? op.responses : {}) as Record<string, Json>;
      const success = Object.keys(responses)
        .filter((s) => /^2\d\d$/.test(s))
        .map(Number)
        .sort((a, b) => a - b)[0];
      if (success === undefined) throw new Error(`${op.operationId} documents no 2xx response`);
      const requestBody = isObject(op.requestBody) ? op.requestBody : undefined;
      const content = requestBody && isObject(requestBody.content) ? requestBody.content : undefined;
      const media = content && isObject(content['application/json']) ? content['application/json'] : undefined;
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase() as SpecOperation['method'],
        template,
        path: fillPath(template, [...ownParams, ...itemParams]),
        secured: security.some((req) => isObject(req) && Object.keys(req).length > 0),
        securitySchemes: isObject(firstRequirement) ? Object.keys(firstRequirement) : [],
        securityOptional: security.some((req) => isObject(req) && Object.keys(req).length === 0),
        body: firstExample(media),
        successStatus: success,
        responses,
      });
    }
  }

  const validator = (operationId: string, status: number): ValidateFunction => {
    const key = `${operationId} ${status}`;
    let fn = validators.get(key);
    if (!fn) {
      const op = operations.find((o) => o.operationId === operationId);
      if (!op) throw new Error(`no operation ${operationId}`);
      const response = op.responses[String(status)];
      const content = response && isObject(response.content) ? response.content : undefined;
      const media = content && isObject(content['application/json']) ? content['application/json'] : undefined;
      if (!media || !isObject(media.schema)) throw new Error(`${operationId} documents no JSON body for ${status}`);
      allowExtensions(ajv, media.schema);
      fn = ajv.compile(media.schema);
      validators.set(key, fn);
    }
    return fn;
  };

  return {
    operations,
    securitySchemes,
    validateResponse(operationId, status, body) {
      const fn = validator(operationId, status);
      const valid = fn(body);
      return { valid, errors: describeErrors(fn.errors) };
    },
  };
}
