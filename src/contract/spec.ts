/**
 * Loads an OpenAPI document and reads its operations into plain typed records.
 *
 * The document is kept with its `$ref`s (not dereferenced) so that the validators can compile each
 * shared schema once (see validators.ts); the objects here follow local references by hand.
 * Full validation of the document is the lint gate's job (`npm run lint:spec`), not the server's.
 */
import { readAccess } from './access.js';
import type { AccessModel } from './access-model.js';
import type { AccessRule } from './access-rule.js';
import { projectPath } from './project-root.js';
import { parseSpecFile } from './spec-snapshot.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];

export type JsonObject = Record<string, unknown>;

export interface ResponseSpec {
  readonly status: number;
  readonly description: string;
  /** The media types of its content (`application/json`, `text/html`, ...); empty for a response without a body (a redirect). */
  readonly mediaTypes: readonly string[];
  /** JSON pointer (with `#`) of the response's application/json schema, for the validators. */
  readonly schemaPointer: string | null;
  /** The schema itself, references not followed. */
  readonly schema: JsonObject | null;
  /** The named examples, values as written in the spec. */
  readonly examples: ReadonlyMap<string, unknown>;
  /** Header name (lower case) → required. */
  readonly headers: ReadonlyMap<string, { required: boolean; schema: JsonObject | null }>;
}

/** A query parameter of an operation (`in: query`), its schema unresolved (validators follow the pointer). */
export interface QueryParam {
  readonly name: string;
  readonly required: boolean;
  /** JSON pointer (with `#`) of the parameter's schema. */
  readonly schemaPointer: string;
  /** The schema's `default`, applied when the parameter is absent; undefined when it has none. */
  readonly default: unknown;
}

export interface OperationSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The path template, e.g. `/organization/users/{userId}`. */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly QueryParam[];
  readonly summary: string;
  readonly tags: readonly string[];
  readonly access: AccessRule;
  readonly requestBody: { readonly required: boolean; readonly schemaPointer: string; readonly examples: ReadonlyMap<string, unknown> } | null;
  readonly responses: ReadonlyMap<number, ResponseSpec>;
}

export interface LoadedSpec {
  /** Where it was read from. */
  readonly file: string;
  readonly document: JsonObject;
  /** The document's `x-access-model`: credential kinds, roles, permissions. */
  readonly accessModel: AccessModel;
  readonly operations: readonly OperationSpec[];
  readonly byId: ReadonlyMap<string, OperationSpec>;
  /** Path template → the methods it serves (for 405 and `Allow`). */
  readonly methodsByPath: ReadonlyMap<string, readonly HttpMethod[]>;
  /** A response defined under `components.responses` (e.g. RouteNotFound, MethodNotAllowed). */
  componentResponse(name: string): ResponseSpec;
}

export const ORGANIZATION_SPEC = 'openapi/organization.yaml';

/** Loads the Organization API spec of this project (or another file, for tests). */
export function loadSpec(file: string = projectPath(ORGANIZATION_SPEC)): LoadedSpec {
  return readSpec(parseSpecFile(file), file);
}

/** Follows a local `$ref` (`#/a/b`) to the object it names. */
export function resolvePointer(document: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#')) throw new Error(`Only local references are supported, got ${ref}`);
  let node: unknown = document;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !(key in node)) throw new Error(`Unresolvable reference ${ref}`);
    node = (node as JsonObject)[key];
  }
  return node;
}

/** Escapes one key for a JSON pointer. */
export function pointerKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function follow(document: JsonObject, value: unknown, pointer: string): { node: JsonObject; pointer: string } {
  let node = value as JsonObject;
  let at = pointer;
  while (node && typeof node.$ref === 'string') {
    at = node.$ref;
    node = resolvePointer(document, at) as JsonObject;
  }
  return { node, pointer: at };
}

function readExamples(document: JsonObject, media: JsonObject | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const examples = (media?.examples ?? {}) as JsonObject;
  for (const [name, raw] of Object.entries(examples)) {
    const { node } = follow(document, raw, '');
    out.set(name, node.value);
  }
  if (out.size === 0 && media && 'example' in media) out.set('default', media.example);
  return out;
}

function readResponse(document: JsonObject, status: number, raw: unknown, pointer: string): ResponseSpec {
  const { node, pointer: at } = follow(document, raw, pointer);
  const media = (node.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined;
  const schema = (media?.schema as JsonObject | undefined) ?? null;
  const headers = new Map<string, { required: boolean; schema: JsonObject | null }>();
  for (const [name, rawHeader] of Object.entries((node.headers ?? {}) as JsonObject)) {
    const header = follow(document, rawHeader, '').node;
    headers.set(name.toLowerCase(), { required: header.required === true, schema: (header.schema as JsonObject) ?? null });
  }
  return Object.freeze({
    status,
    description: typeof node.description === 'string' ? node.description : '',
    mediaTypes: Object.keys((node.content ?? {}) as JsonObject),
    schemaPointer: schema ? `${at}/content/application~1json/schema` : null,
    schema,
    examples: readExamples(document, media),
    headers,
  });
}

/** Reads the operations of an already parsed document. */
export function readSpec(document: JsonObject, file = '<memory>'): LoadedSpec {
  const access = readAccess(document, file);
  const operations: OperationSpec[] = [];
  const methodsByPath = new Map<string, HttpMethod[]>();
  for (const [path, rawItem] of Object.entries((document.paths ?? {}) as JsonObject)) {
    const item = rawItem as JsonObject;
    const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    const methods: HttpMethod[] = [];
    for (const method of METHODS) {
      const op = item[method.toLowerCase()] as JsonObject | undefined;
      if (!op) continue;
      methods.push(method);
      const opPointer = `#/paths/${pointerKey(path)}/${method.toLowerCase()}`;
      const operationId = String(op.operationId);
      const responses = new Map<number, ResponseSpec>();
      for (const [code, raw] of Object.entries((op.responses ?? {}) as JsonObject)) {
        const status = Number(code);
        if (Number.isInteger(status)) responses.set(status, readResponse(document, status, raw, `${opPointer}/responses/${code}`));
      }
      let requestBody: OperationSpec['requestBody'] = null;
      if (op.requestBody) {
        const { node, pointer } = follow(document, op.requestBody, `${opPointer}/requestBody`);
        const media = (node.content as JsonObject)['application/json'] as JsonObject;
        requestBody = {
          required: node.required === true,
          schemaPointer: `${pointer}/content/application~1json/schema`,
          examples: readExamples(document, media),
        };
      }
      operations.push(
        Object.freeze({
          operationId,
          method,
          path,
          pathParams,
          queryParams: readQueryParams(document, [
            ...asArray(item.parameters).map((entry, i) => [entry, `#/paths/${pointerKey(path)}/parameters/${i}`] as const),
            ...asArray(op.parameters).map((entry, i) => [entry, `${opPointer}/parameters/${i}`] as const),
          ]),
          summary: typeof op.summary === 'string' ? op.summary : '',
          tags: (op.tags ?? []) as string[],
          access: access.rules.get(operationId) as AccessRule,
          requestBody,
          responses,
        }),
      );
    }
    methodsByPath.set(path, methods);
  }
  const componentResponses = ((document.components as JsonObject | undefined)?.responses ?? {}) as JsonObject;
  return Object.freeze({
    file,
    document,
    accessModel: access.model,
    operations,
    byId: new Map(operations.map((op) => [op.operationId, op])),
    methodsByPath,
    componentResponse(name: string): ResponseSpec {
      if (!(name in componentResponses)) throw new Error(`The spec has no components.responses.${name}`);
      return readResponse(document, 0, componentResponses[name], `#/components/responses/${pointerKey(name)}`);
    },
  });
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The query parameters among a path item's and an operation's parameters (`$ref`s followed). */
function readQueryParams(document: JsonObject, raw: ReadonlyArray<readonly [unknown, string]>): QueryParam[] {
  return raw.flatMap(([entry, at]): QueryParam[] => {
    const { node, pointer } = follow(document, entry, at);
    if (node.in !== 'query' || typeof node.name !== 'string') return [];
    const schema = follow(document, node.schema, `${pointer}/schema`);
    return [{ name: node.name, required: node.required === true, schemaPointer: schema.pointer, default: schema.node.default }];
  });
}
