/** Every message of the Tours domain is written once, in the spec: each constant appears there, exactly. */
import { describe, expect, it } from 'vitest';
import { MESSAGES, OPERATIONS, REFUSALS } from '../../../src/apis/tours/index.js';
import { TEMPLATE_INSTANCES } from '../../../src/apis/tours/messages.js';
import { spec } from './harness.js';

function strings(node: unknown, into = new Set<string>()): Set<string> {
  if (typeof node === 'string') into.add(node);
  else if (Array.isArray(node)) node.forEach((item) => strings(item, into));
  else if (typeof node === 'object' && node !== null) Object.values(node).forEach((value) => strings(value, into));
  return into;
}

const inSpec = strings(spec.document);

describe('the messages of the Tours domain', () => {
  it.each(Object.entries(MESSAGES))('TE4: %s is a string of the spec, exactly', (_name, message) => {
    expect(inSpec.has(message), message).toBe(true);
  });

  it.each(Object.entries(REFUSALS))('TE1: the refusal %s (message and reason) is a string of the spec', (_name, refusal) => {
    expect(inSpec.has(refusal.error), refusal.error).toBe(true);
    expect(inSpec.has(refusal.reason), refusal.reason).toBe(true);
  });

  it.each(Object.entries(TEMPLATE_INSTANCES))('TE4: the template %s gives the instance the spec shows', (_name, message) => {
    expect(inSpec.has(message), message).toBe(true);
  });

  it('TE4: a message the spec does not hold would be caught', () => {
    expect(inSpec.has('Invalid API key.')).toBe(false);
    expect(inSpec.has('Invalid API key')).toBe(true);
  });

  it('section 1: the domain has the business part of every operation of the spec, and no other', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(spec.operations.map((op) => op.operationId).sort());
    expect(Object.keys(OPERATIONS)).toHaveLength(28);
  });
});
