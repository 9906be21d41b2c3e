/**
 * The operations the suite calls, looked up in the spec by operationId, and the documented messages
 * it expects, read from the spec's examples. A renamed operation or example fails loudly here, at
 * start-up, instead of turning into a wrong expectation.
 */
import type { LoadedSpec, OperationSpec, ResponseSpec } from '../../../src/contract/index.js';

export const OP = {
  getOrganization: 'getOrganization',
  updateOrganization: 'updateOrganization',
  listUsers: 'listOrganizationUsers',
  createUser: 'createOrganizationUser',
  getUser: 'getOrganizationUser',
  updateUser: 'updateOrganizationUser',
  deleteUser: 'deleteOrganizationUser',
  activateUser: 'activateOrganizationUser',
  login: 'login',
  refresh: 'refreshToken',
  logout: 'logout',
} as const;

export function operation(spec: LoadedSpec, operationId: string): OperationSpec {
  const op = spec.byId.get(operationId);
  if (!op) throw new Error(`The spec has no operation "${operationId}"; the conformance suite needs it.`);
  return op;
}

/** The path of an operation with its parameters filled in (URL-encoded). */
export function operationPath(op: OperationSpec, params: Readonly<Record<string, string>> = {}): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${op.operationId} needs the path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/** The one 2xx status an operation documents (200, or 201 for create). */
export function successStatus(op: OperationSpec): number {
  const status = [...op.responses.keys()].find((s) => s >= 200 && s < 300);
  if (status === undefined) throw new Error(`${op.operationId} documents no 2xx response`);
  return status;
}

function exampleValue(response: ResponseSpec | undefined, example: string, where: string): Record<string, unknown> {
  const value = response?.examples.get(example);
  if (typeof value !== 'object' || value === null)
    throw new Error(`The spec has no example "${example}" at ${where}; the conformance suite reads its message from there.`);
  return value as Record<string, unknown>;
}

/** `message` of a named example of an operation's response: the documented wording of a rule. */
export function exampleMessage(spec: LoadedSpec, operationId: string, status: number, example: string): string {
  const value = exampleValue(operation(spec, operationId).responses.get(status), example, `${operationId} ${status}`);
  if (typeof value.message !== 'string') throw new Error(`Example "${example}" of ${operationId} ${status} has no message`);
  return value.message;
}

/** A field of a named example of an operation's response (e.g. a login failure's `error_code`). */
export function exampleField(spec: LoadedSpec, operationId: string, status: number, example: string, field: string): unknown {
  return exampleValue(operation(spec, operationId).responses.get(status), example, `${operationId} ${status}`)[field];
}

/** `message` of the first example of a shared response under `components.responses`. */
export function componentMessage(spec: LoadedSpec, name: string): string {
  const [first] = spec.componentResponse(name).examples.values();
  const message = (first as Record<string, unknown> | undefined)?.message;
  if (typeof message !== 'string') throw new Error(`components.responses.${name} has no example with a message`);
  return message;
}

/** Whether the documented examples of this response carry a `message` (the user list's 403 does not). */
export function documentsMessage(op: OperationSpec, status: number): boolean {
  const response = op.responses.get(status);
  if (!response) return false;
  return [...response.examples.values()].some((v) => typeof v === 'object' && v !== null && 'message' in v);
}

/** The operation's summary as a verb phrase for reasons: `list organization users`. */
export function actionPhrase(op: OperationSpec): string {
  const s = op.summary.replace(/\s*\(.*\)\s*$/, '');
  return s.charAt(0).toLowerCase() + s.slice(1);
}
