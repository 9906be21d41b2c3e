import { describe, expect, it } from 'vitest';
import { createHarness } from '../helpers/mock-harness.js';

describe('createMockApi: login, list, get', () => {
  it('logs the owner in, lists organization A and reads one user', async () => {
    const h = createHarness();
    const token = await h.login('owner');
    const list = await h.call('listOrganizationUsers', { token });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(list.body.data.length);
    const one = await h.call('getOrganizationUser', { token, params: { userId: h.userId('user') } });
    expect(one.status).toBe(200);
    expect(one.body.email).toBe('user@acme.test');
  });
});
