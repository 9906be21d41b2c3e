/**
 * HTTP-level harness for the Tours & Events mock (`--api tours`): starts it in-process on port 0,
 * sends requests over a real socket, and checks every answer to an API path against
 * openapi/tours-organizations.yaml (a documented status, its schema, its required headers) and every
 * answer for an `X-Request-Id` (TE3).
 */
import { Agent } from 'node:http';
import { compileValidators, describeSchemaErrors, loadSpec, projectPath, type LoadedSpec } from '../../src/contract/index.js';
import { toursApi } from '../../src/apis/index.js';
import type { ToursPrincipal } from '../../src/apis/tours/index.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { sendRequest, type Answer, type RequestOptions } from './server-harness.js';

export const toursSpec: LoadedSpec = loadSpec(projectPath(toursApi.specFile));
const validators = compileValidators(toursSpec);

/** A seeded principal as `GET /__mock/principals` lists it. */
export type ToursPrincipalInfo = ToursPrincipal;

export interface ToursListing {
  readonly principals: readonly ToursPrincipalInfo[];
  readonly expiredApiKey: string;
  readonly revokedApiKey: string;
  readonly invitation: { readonly id: string; readonly email: string; readonly role: string; readonly token: string };
}

export interface ToursRequest extends RequestOptions {
  /** An API key, sent as `Authorization: Bearer`. */
  readonly key?: string;
  /** A session token, sent as the `better-auth.session_token` cookie. */
  readonly session?: string;
}

export interface ToursServer {
  readonly url: string;
  readonly server: RunningServer;
  /** Sends a request and throws when the answer breaks the Tours contract. */
  send(method: string, path: string, options?: ToursRequest): Promise<Answer>;
  listing(): Promise<ToursListing>;
  /** A seeded principal by name (`acme-owner`, ...), with its live session and key. */
  principal(name: string): Promise<ToursPrincipalInfo>;
  close(): Promise<void>;
}

function templateRegex(template: string): RegExp {
  return new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
}
/** Static paths before templated ones: `/api/organizations/members` is not an `{id}`. */
const routes = [...toursSpec.methodsByPath.keys()]
  .map((template) => ({ template, regex: templateRegex(template) }))
  .sort((a, b) => a.template.split('{').length - b.template.split('{').length);

/** What breaks the contract in one answer; empty when it conforms. */
export function toursProblems(method: string, path: string, answer: Answer): string[] {
  const problems: string[] = [];
  const where = `${method} ${path} → ${answer.status}`;
  if (typeof answer.headers['x-request-id'] !== 'string') problems.push(`${where}: no X-Request-Id`);
  const bare = path.split('?')[0] as string;
  const route = routes.find((r) => r.regex.test(bare));
  const operation = route && toursSpec.operations.find((op) => op.path === route.template && op.method === method);
  if (!operation || bare.startsWith('/__mock')) return problems;
  const documented = operation.responses.get(answer.status);
  if (!documented) return [...problems, `${where}: ${operation.operationId} does not document ${answer.status}`];
  const validate = validators.response(operation.operationId, answer.status);
  if (validate && !validate(answer.body)) problems.push(`${where}: ${describeSchemaErrors(validate.errors)} in ${answer.text.slice(0, 300)}`);
  for (const [name, header] of documented.headers) {
    if (header.required && answer.headers[name] === undefined) problems.push(`${where}: documented header ${name} is missing`);
  }
  return problems;
}

export async function startToursServer(options: Partial<ServerOptions> = {}): Promise<ToursServer> {
  const server = await startServer({ definition: toursApi, reportError: () => undefined, ...options });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const listing = async (): Promise<ToursListing> => (await sendRequest(server.url, agent, 'GET', '/__mock/principals')).body as ToursListing;
  return {
    url: server.url,
    server,
    async send(method, path, options = {}) {
      const headers: Record<string, string | number> = { ...options.headers };
      if (options.key) headers.authorization = `Bearer ${options.key}`;
      if (options.session) headers.cookie = `better-auth.session_token=${options.session}`;
      const answer = await sendRequest(server.url, agent, method, path, { ...options, headers });
      const problems = toursProblems(method, path, answer);
      if (problems.length > 0) throw new Error(`The answer breaks the Tours contract:\n${problems.join('\n')}`);
      return answer;
    },
    listing,
    async principal(name) {
      const found = (await listing()).principals.find((p) => p.name === name);
      if (!found) throw new Error(`No seeded Tours principal ${name}`);
      return found;
    },
    async close() {
      agent.destroy();
      await server.close();
    },
  };
}
