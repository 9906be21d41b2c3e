/**
 * E1 and section 4: a response is documented for its operation and status, is JSON with a JSON
 * content type, matches the spec's schema for that status and carries the required headers
 * (`WWW-Authenticate` on a 401, `Allow` on a 405). Pure: exchange and spec in, failures out.
 */
import type { ErrorObject } from 'ajv';
import { describeSchemaErrors, type ContractValidators, type LoadedSpec, type ResponseSpec } from '../../../src/contract/index.js';
import type { ExchangeFailure } from '../recorder.js';
import type { Exchange } from '../http/exchange.js';

export interface EnvelopeContext {
  readonly spec: LoadedSpec;
  readonly validators: ContractValidators;
  /**
   * `--lenient-messages`: a message the schema pins (`const`, `enum`) may read otherwise. Without
   * it, a body whose only departure is that message is a message failure, not a schema one.
   */
  readonly lenientMessages: boolean;
}

const ROUTE_STATUS = { RouteNotFound: 404, MethodNotAllowed: 405 } as const;

export function checkEnvelope(exchange: Exchange, ctx: EnvelopeContext): ExchangeFailure[] {
  const response = exchange.response;
  const subject = exchange.meta.subject;
  if (!response || subject.kind === 'internal') return [];
  let documented: ResponseSpec;
  let pointer: string | null;
  if (subject.kind === 'operation') {
    const op = ctx.spec.byId.get(subject.operationId);
    const found = op?.responses.get(response.status);
    if (!op || !found) {
      const statuses = op ? [...op.responses.keys()] : [];
      return [
        {
          type: 'undocumented-status',
          kind: 'envelope',
          reason: `${subject.operationId} documents only these statuses`,
          expected: statuses,
          received: response.status,
        },
      ];
    }
    documented = found;
    pointer = ctx.validators.response(op.operationId, response.status) ? found.schemaPointer : null;
  } else {
    // A stray route's status is the robustness check's business; its body is checked when the status is the documented one.
    if (response.status !== ROUTE_STATUS[subject.component]) return [];
    documented = ctx.spec.componentResponse(subject.component);
    pointer = documented.schemaPointer;
  }
  const where = `${subject.kind === 'operation' ? subject.operationId : subject.component} ${response.status}`;
  return [...checkContentType(exchange, where), ...checkBody(exchange, documented, pointer, where, ctx), ...checkHeaders(exchange, documented, where)];
}

function checkContentType(exchange: Exchange, where: string): ExchangeFailure[] {
  const value = exchange.response?.contentType ?? null;
  const [media = '', ...params] = (value ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (media === 'application/json' && (charset === undefined || charset === 'utf-8')) return [];
  return [{ type: 'content-type', kind: 'envelope', reason: `E1: ${where} is JSON in UTF-8`, expected: 'application/json; charset=utf-8', received: value }];
}

function checkBody(exchange: Exchange, documented: ResponseSpec, pointer: string | null, where: string, ctx: EnvelopeContext): ExchangeFailure[] {
  const response = exchange.response;
  // A body released to bound the run's memory (kept-bodies.ts) is not judged on its excerpt; the run's notes say so.
  if (!response || !pointer || response.released) return [];
  const schemaName = schemaLabel(documented, pointer);
  if (response.jsonError !== null) {
    return [
      {
        type: 'schema',
        kind: 'envelope',
        reason: `section 4: the envelope of ${where}`,
        expected: schemaName,
        received: `a body that is not JSON (${response.jsonError})`,
      },
    ];
  }
  const validate = ctx.validators.schema(pointer);
  if (validate(response.json)) return [];
  const errors = validate.errors;
  const reason = `section 4: the envelope of ${where}`;
  // Where only the message the schema pins differs, the failure is a message difference, not a schema one.
  let body: unknown = response.json;
  for (let attempt = 0; attempt < 4; attempt++) {
    const pinned = pinnedMessage(validate.errors, body);
    if (pinned === undefined) break;
    body = { ...(body as object), message: pinned };
    const valid: boolean = validate(body);
    if (!valid) continue;
    if (ctx.lenientMessages) return [];
    const received = (response.json as { message: string }).message;
    return [{ type: 'message', kind: 'envelope', reason: `${reason} pins its message`, expected: pinned, received }];
  }
  return [{ type: 'schema', kind: 'envelope', reason, expected: schemaName, received: describeSchemaErrors(errors) }];
}

/** A non-empty top-level message the schema pins: the pinned value, to swap in and check the rest of the body. */
function pinnedMessage(errors: readonly ErrorObject[] | null | undefined, body: unknown): string | undefined {
  const error = errors?.[0];
  const current = (body as { message?: unknown } | null)?.message;
  if (!error || error.instancePath !== '/message' || typeof current !== 'string' || current.trim() === '') return undefined;
  const params = error.params as { allowedValue?: unknown; allowedValues?: unknown[] };
  const allowed = error.keyword === 'const' ? params.allowedValue : error.keyword === 'enum' ? params.allowedValues?.[0] : undefined;
  return typeof allowed === 'string' ? allowed : undefined;
}

function checkHeaders(exchange: Exchange, documented: ResponseSpec, where: string): ExchangeFailure[] {
  const headers = exchange.response?.headers ?? {};
  const failures: ExchangeFailure[] = [];
  for (const [name, header] of documented.headers) {
    const value = headers[name] ?? null;
    const pinned = header.schema?.const;
    const expected = typeof pinned === 'string' ? pinned : 'present';
    if (value === null ? header.required : typeof pinned === 'string' && value.trim().toLowerCase() !== pinned.toLowerCase()) {
      failures.push({
        type: 'header',
        kind: 'envelope',
        reason: `${where} documents the ${displayName(name)} header`,
        header: displayName(name),
        expected,
        received: value,
      });
    }
  }
  return failures;
}

function schemaLabel(documented: ResponseSpec, pointer: string): string {
  const ref = documented.schema?.$ref;
  return typeof ref === 'string' ? ref.slice(ref.lastIndexOf('/') + 1) : pointer;
}

function displayName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()).replace('Www', 'WWW');
}
