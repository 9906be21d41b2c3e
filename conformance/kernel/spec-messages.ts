/**
 * The documented messages a profile expects, read from the spec's examples (never a second copy in
 * code). An error body carries its text in `message` (Flashback) or `error` (Tours & Events); both
 * are read. A renamed or missing example fails loudly at start, naming where it was looked for.
 */
import type { LoadedSpec, ResponseSpec } from '../../src/contract/index.js';

const TEXT_FIELDS = ['message', 'error'] as const;

function textOf(value: unknown, where: string): string {
  if (typeof value === 'object' && value !== null) {
    for (const field of TEXT_FIELDS) {
      const text = (value as Record<string, unknown>)[field];
      if (typeof text === 'string') return text;
    }
  }
  throw new Error(`${where} has no example with a message; the conformance suite reads the documented wording from there.`);
}

function pick(response: ResponseSpec | undefined, example: string | undefined, where: string): unknown {
  if (!response) throw new Error(`The spec has no ${where}; the conformance suite needs it.`);
  const value = example === undefined ? response.examples.values().next().value : response.examples.get(example);
  if (value === undefined) throw new Error(`The spec has no example "${String(example)}" at ${where}.`);
  return value;
}

export interface SpecMessages {
  /** The text of a named example of an operation's response. */
  example(operationId: string, status: number, example: string): string;
  /** The text of a response under `components.responses`: its named example, or its first. */
  component(name: string, example?: string): string;
  /** The text of an example under `components.examples`. */
  shared(name: string): string;
  /** A field of a named example (a `reason`, a `retryAfter`). */
  field(operationId: string, status: number, example: string, field: string): unknown;
}

export function specMessages(spec: LoadedSpec): SpecMessages {
  const examples = ((spec.document.components as Record<string, unknown> | undefined)?.examples ?? {}) as Record<string, { value?: unknown }>;
  const opResponse = (operationId: string, status: number): ResponseSpec | undefined => spec.byId.get(operationId)?.responses.get(status);
  return {
    example: (operationId, status, name) =>
      textOf(pick(opResponse(operationId, status), name, `${operationId} ${status}`), `${operationId} ${status} "${name}"`),
    component: (name, example) => textOf(pick(spec.componentResponse(name), example, `components.responses.${name}`), `components.responses.${name}`),
    shared(name) {
      const entry = examples[name];
      if (!entry) throw new Error(`The spec has no components.examples.${name}.`);
      return textOf(entry.value, `components.examples.${name}`);
    },
    field: (operationId, status, name, field) =>
      (pick(opResponse(operationId, status), name, `${operationId} ${status}`) as Record<string, unknown> | null)?.[field],
  };
}
