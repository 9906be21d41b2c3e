/**
 * The messages an API answers with, read from its spec's named examples (an operation's response,
 * or a shared component response), so that no message is written twice: once in the spec, once in
 * code. A message the spec does not hold stops the mock at start, naming where it was looked for.
 */
import type { LoadedSpec, ResponseSpec } from '../contract/index.js';

/** The message field of an error or success body: `message` (Flashback's envelopes) or `error` (Tours & Events). */
function messageIn(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const body = value as Record<string, unknown>;
  const text = body.message ?? body.error;
  return typeof text === 'string' ? text : undefined;
}

export interface SpecMessages {
  /** The message of the named example of an operation's documented response. */
  example(this: void, operationId: string, status: number, exampleName: string): string;
  /** The message of the named example (or the first) of a `components.responses` entry. */
  component(this: void, responseName: string, exampleName?: string): string;
  /** The message of a shared example, `components.examples.<name>`. */
  shared(this: void, exampleName: string): string;
}

export function specMessages(spec: LoadedSpec): SpecMessages {
  const read = (response: ResponseSpec | undefined, exampleName: string | undefined, where: string): string => {
    const value: unknown = exampleName === undefined ? response?.examples.values().next().value : response?.examples.get(exampleName);
    const text = messageIn(value);
    if (text === undefined) throw new Error(`${spec.file}: no message in ${where}; the mock reads its messages from the spec's examples`);
    return text;
  };
  return {
    example: (operationId, status, exampleName) =>
      read(spec.byId.get(operationId)?.responses.get(status), exampleName, `the ${status} example "${exampleName}" of ${operationId}`),
    component: (responseName, exampleName) => read(spec.componentResponse(responseName), exampleName, `components.responses.${responseName}`),
    shared: (exampleName) => {
      const examples = (spec.document.components as { examples?: Record<string, { value?: unknown }> } | undefined)?.examples;
      const text = messageIn(examples?.[exampleName]?.value);
      if (text === undefined)
        throw new Error(`${spec.file}: no message in components.examples.${exampleName}; the mock reads its messages from the spec's examples`);
      return text;
    },
  };
}
