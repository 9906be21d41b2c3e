/** E3: the Flashback mock answers with the messages of its spec's examples, held once, in the spec. */
import { describe, expect, it } from 'vitest';
import { loadSpec, readSpec, type JsonObject } from '../../src/contract/index.js';
import { createMockApi } from '../../src/apis/flashback/index.js';
import { readMessages } from '../../src/apis/flashback/messages.js';
import { fixturePrincipal } from '../helpers/mock-harness.js';

const spec = loadSpec();

describe('E3: messages come from the spec', () => {
  it('reads every fixed message from a named example of the spec', () => {
    const messages = readMessages(spec);
    expect(messages.emailInUse).toBe('Email already in use');
    expect(messages.userCreated).toBe('User created successfully.');
    expect(messages.invalidEmail).toBe('Invalid email address');
    for (const [key, text] of Object.entries(messages)) expect(text, key).toMatch(/\S/);
  });

  it('answers with the text of the spec: an example reworded in the spec is reworded in the answer', async () => {
    const document = structuredClone<JsonObject>(spec.document);
    const conflict = (document.paths as any)['/organization/users'].post.responses['409'].content['application/json'].examples.duplicate.value;
    conflict.message = 'That email is taken';
    const reworded = readSpec(document, 'reworded.yaml');
    const api = createMockApi({ seed: 42, extraUsers: 0, tokenTtlSeconds: 3600 }, reworded);
    const owner = fixturePrincipal('owner');
    const { response: login }: any = await api.handle({
      operation: reworded.byId.get('login')!,
      params: {},
      authorization: undefined,
      body: { email: owner.email, password: owner.password },
    });
    const { response: duplicate } = await api.handle({
      operation: reworded.byId.get('createOrganizationUser')!,
      params: {},
      authorization: `Bearer ${login.body.accessToken}`,
      body: { email: owner.email, password: 'Passw0rd-long', firstName: 'A', lastName: 'B' },
    });
    expect(duplicate).toMatchObject({ status: 409, body: { success: false, data: null, message: 'That email is taken' } });
  });

  it('refuses to start on a spec that lacks a message, naming the example it looked for', () => {
    const document = structuredClone<JsonObject>(spec.document);
    delete (document.paths as any)['/organization/users'].post.responses['409'].content['application/json'].examples.duplicate;
    expect(() => readMessages(readSpec(document, 'broken.yaml'))).toThrow('broken.yaml: no message in the 409 example "duplicate" of createOrganizationUser');
  });
});
