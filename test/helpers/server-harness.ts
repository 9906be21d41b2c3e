/**
 * HTTP-level test harness for the mock server: starts it in-process on port 0 (startServer), sends
 * requests over a real socket with node:http, and checks every answer against the specs. An answer
 * to an Organization API path must carry a documented status, match that status's schema and carry
 * the documented headers; an answer under /__mock is checked against openapi/mock-control.yaml; an
 * unknown path or method against components.responses.RouteNotFound / MethodNotAllowed.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { compileValidators, describeSchemaErrors, loadSpec, type LoadedSpec, type OperationSpec } from '../../src/contract/index.js';
import { loadControlSpec } from '../../src/server/control-plane.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { flashbackApi } from '../../src/apis/index.js';

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  readonly body: unknown;
  /** The request went over a connection that had served an earlier one. */
  readonly reusedSocket: boolean;
}

export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string | number>>;
  /** A string or bytes as is; anything else is sent as JSON with `content-type: application/json`. */
  readonly body?: unknown;
  /** A bearer token for `Authorization`. */
  readonly token?: string | null | undefined;
}

const spec = loadSpec();
const controlSpec = loadControlSpec();

interface Checked {
  readonly spec: LoadedSpec;
  readonly validators: ReturnType<typeof compileValidators>;
}
const checked: readonly Checked[] = [spec, controlSpec].map((s) => ({ spec: s, validators: compileValidators(s) }));
const organizationValidators = (checked[0] as Checked).validators;

function templateRegex(template: string): RegExp {
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${source}$`);
}
/** Static paths first: `/organization/users` is not an `{orgId}`. */
const templates = checked
  .flatMap(({ spec: s, validators }) => [...s.methodsByPath.keys()].map((template) => ({ template, regex: templateRegex(template), spec: s, validators })))
  .sort((a, b) => a.template.split('{').length - b.template.split('{').length);

/** What the specs say about `method path`: its operation, or that the path or method is unknown. */
export function resolveRoute(
  method: string,
  path: string,
):
  | { kind: 'operation'; operation: OperationSpec; validators: Checked['validators'] }
  | { kind: 'method-not-allowed'; allow: readonly string[] }
  | { kind: 'not-found' } {
  const bare = path.split('?')[0] as string;
  const hit = templates.find((t) => t.regex.test(bare));
  if (!hit) return { kind: 'not-found' };
  const operation = hit.spec.operations.find((op) => op.path === hit.template && op.method === method);
  if (!operation) return { kind: 'method-not-allowed', allow: hit.spec.methodsByPath.get(hit.template) ?? [] };
  return { kind: 'operation', operation, validators: hit.validators };
}

/**
 * The contract problems of one answer, empty when it conforms. `undocumentedStatusAllowed` is for
 * the one answer the mock gives outside the spec on purpose (a `Prefer` it cannot honour).
 */
export function contractProblems(method: string, path: string, answer: Answer, undocumentedStatusAllowed = false): string[] {
  const problems: string[] = [];
  const where = `${method} ${path} → ${answer.status}`;
  if (answer.status === 204) return problems;
  const route = resolveRoute(method, path);
  if (method === 'HEAD') {
    // No body comes back for HEAD: only the status can be checked. No operation serves HEAD.
    const expected = route.kind === 'not-found' ? 404 : 405;
    if (answer.status !== expected) problems.push(`${where}: expected ${expected}`);
    return problems;
  }
  // The media types the answer may have: those its documented response lists (the control plane's
  // pages and files are HTML, scripts and styles; a redirect has none), JSON everywhere else.
  const documentedTypes = route.kind === 'operation' ? route.operation.responses.get(answer.status)?.mediaTypes : undefined;
  const mediaTypes = documentedTypes ?? ['application/json'];
  const contentType = answer.headers['content-type'];
  const mediaType = contentType?.split(';')[0];
  if (mediaTypes.length === 0) {
    if (answer.text !== '') problems.push(`${where}: the response documents no body, got ${answer.text.slice(0, 100)}`);
  } else if (mediaType === undefined || !mediaTypes.includes(mediaType) || contentType !== `${mediaType}; charset=utf-8`) {
    problems.push(`${where}: content-type is ${String(contentType)}, documented: ${mediaTypes.join(', ')} (charset=utf-8)`);
  }
  if (Number(answer.headers['content-length']) !== Buffer.byteLength(answer.text)) problems.push(`${where}: content-length does not match the body`);
  const check = (validate: ((body: unknown) => boolean) & { errors?: unknown }, what: string): void => {
    if (!validate(answer.body))
      problems.push(`${where}: body does not match ${what}: ${describeSchemaErrors(validate.errors as never)} in ${answer.text.slice(0, 300)}`);
  };
  if (route.kind === 'not-found' || (route.kind === 'method-not-allowed' && answer.status === 404)) {
    if (answer.status !== 404) problems.push(`${where}: an unknown path must be a 404`);
    check(organizationValidators.schema('#/components/responses/RouteNotFound/content/application~1json/schema'), 'RouteNotFound');
  } else if (route.kind === 'method-not-allowed') {
    if (answer.status !== 405) problems.push(`${where}: a method the path does not serve must be a 405`);
    if (answer.headers.allow !== route.allow.join(', '))
      problems.push(`${where}: Allow is ${String(answer.headers.allow)}, expected ${route.allow.join(', ')}`);
    check(organizationValidators.schema('#/components/responses/MethodNotAllowed/content/application~1json/schema'), 'MethodNotAllowed');
  } else {
    const { operation, validators } = route;
    const documented = operation.responses.get(answer.status);
    if (!documented) {
      if (!undocumentedStatusAllowed) problems.push(`${where}: ${operation.operationId} does not document ${answer.status}`);
      return problems;
    }
    const validate = mediaType === 'application/json' ? validators.response(operation.operationId, answer.status) : undefined;
    if (validate) check(validate, `${operation.operationId} ${answer.status}`);
    for (const [name, header] of documented.headers) {
      if (header.required && answer.headers[name] === undefined) problems.push(`${where}: documented header ${name} is missing`);
    }
    if (answer.status === 401 && operation.access.authenticated && answer.headers['www-authenticate'] !== 'Bearer') {
      problems.push(`${where}: a 401 must carry WWW-Authenticate: Bearer`);
    }
  }
  return problems;
}

export interface TestServer {
  readonly url: string;
  readonly server: RunningServer;
  /** Sends a request and fails the test when the answer breaks the contract. */
  send(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  /** Sends a request without checking the answer. */
  sendRaw(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  /** The seeded principals' ready tokens by name (`owner`, `workspaces`, ...). */
  tokens(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export function sendRequest(url: string, agent: Agent, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string | number> = { ...options.headers };
  let payload: string | Buffer | undefined;
  if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) payload = options.body;
  else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (payload !== undefined && headers['transfer-encoding'] === undefined) headers['content-length'] ??= Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, reusedSocket: req.reusedSocket });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Starts the server in-process on a free port, quiet unless `log` is given. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const server = await startServer({ definition: flashbackApi, spec, reportError: () => undefined, ...options });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const sendRaw = (method: string, path: string, opts?: RequestOptions): Promise<Answer> => sendRequest(server.url, agent, method, path, opts);
  return {
    url: server.url,
    server,
    sendRaw,
    async send(method, path, opts) {
      const answer = await sendRaw(method, path, opts);
      const problems = contractProblems(method, path, answer);
      if (problems.length > 0) throw new Error(`The answer breaks the contract:\n${problems.join('\n')}`);
      return answer;
    },
    async tokens() {
      const principals = await server.api.principals();
      return Object.fromEntries(principals.filter((p) => p.accessToken).map((p) => [p.name, p.accessToken as string]));
    },
    async close() {
      agent.destroy();
      await server.close();
    },
  };
}

/**
 * One server for a whole test file: started before its tests, closed after them, optionally reset to
 * the seeded state before each test. `tokens` holds an access token per principal who can log in.
 */
export function useTestServer(options: { resetBeforeEach?: boolean } & Partial<ServerOptions> = {}): {
  readonly server: TestServer;
  readonly tokens: Record<string, string>;
} {
  const { resetBeforeEach = false, ...serverOptions } = options;
  // Filled in beforeAll; the objects are handed out now, so test files can destructure them at load.
  const server = {} as TestServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    Object.assign(server, await startTestServer(serverOptions));
    Object.assign(tokens, await server.tokens());
  });
  afterAll(() => server.close());
  if (resetBeforeEach) {
    beforeEach(async () => {
      await server.send('POST', '/__mock/reset');
    });
  }
  return { server, tokens };
}

/** The body of an operation's documented 500 (its first example): what --error-rate and faults answer. */
export function documented500(operationId: string): unknown {
  return spec.byId.get(operationId)?.responses.get(500)?.examples.values().next().value;
}

export { spec as organizationSpec, controlSpec };
