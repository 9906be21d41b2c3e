/**
 * Latency and error-rate injection (section 8): seeded, API operations only, the documented 500.
 * No wall clock: latency goes through an injected delay that records what it was asked to wait.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { documented500, startTestServer, type TestServer } from '../helpers/server-harness.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const start = async (options: Parameters<typeof startTestServer>[0]): Promise<TestServer> => {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
};

const ORG_ID = '123e4567-e89b-12d3-a456-426614174000';
const NEW_USER = { email: 'faulty@acme.test', password: 'Faulty-Passw0rd', firstName: 'F', lastName: 'Aulty' };
describe('section 8: error-rate injection (--error-rate)', () => {
  it('at 1 answers every API request with its documented 500 and changes nothing', async () => {
    const server = await start({ errorRate: 1 });
    const tokens = await server.tokens();
    const before = (await server.send('GET', '/__mock/state')).text;
    const cases = [
      ['GET', '/organization/users', 'listOrganizationUsers', undefined],
      ['POST', '/organization/users', 'createOrganizationUser', NEW_USER],
      ['GET', `/organization/${ORG_ID}`, 'getOrganization', undefined],
      ['DELETE', '/organization/users/55555555-5555-4555-8555-555555555555', 'deleteOrganizationUser', undefined],
      ['POST', '/user/login', 'login', { email: 'owner@acme.test', password: 'Owner-Passw0rd' }],
    ] as const;
    for (const [method, path, operationId, body] of cases) {
      const answer = await server.send(method, path, { token: tokens.owner, body });
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual(documented500(operationId));
    }
    expect((await server.send('GET', '/__mock/state')).text).toBe(before);
  });

  it('leaves the control plane and unknown paths alone', async () => {
    const server = await start({ errorRate: 1 });
    expect((await server.send('GET', '/__mock/health')).status).toBe(200);
    expect((await server.send('GET', '/nope')).status).toBe(404);
    expect((await server.send('DELETE', '/user/login')).status).toBe(405);
  });

  it('draws from the seed: the same seed fails the same requests', async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const server = await start({ errorRate: 0.5, seed });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await server.send('GET', '/organization/users')).status);
      return out;
    };
    const first = await statuses(7);
    expect(await statuses(7)).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(401);
    expect(await statuses(8)).not.toEqual(first);
  });
});

describe('section 8: latency injection (--latency)', () => {
  it('delays every API answer by MIN..MAX ms drawn from the seed, and never the control plane', async () => {
    const waits = async (seed: number): Promise<number[]> => {
      const asked: number[] = [];
      const server = await start({ latency: { min: 10, max: 20 }, seed, delay: async (ms) => void asked.push(ms) });
      for (let i = 0; i < 30; i++) await server.send('GET', '/organization/users');
      await server.send('GET', '/__mock/health');
      await server.send('GET', '/nope');
      return asked;
    };
    const first = await waits(3);
    expect(first).toHaveLength(30);
    for (const ms of first) {
      expect(Number.isInteger(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(10);
      expect(ms).toBeLessThanOrEqual(20);
    }
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await waits(3)).toEqual(first);
  });

  it('with one value delays by exactly that', async () => {
    const asked: number[] = [];
    const server = await start({ latency: { min: 25, max: 25 }, delay: async (ms) => void asked.push(ms) });
    await server.send('POST', '/user/login', { body: { email: 'owner@acme.test', password: 'Owner-Passw0rd' } });
    expect(asked).toEqual([25]);
  });
});
