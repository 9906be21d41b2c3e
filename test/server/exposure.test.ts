/**
 * What is safe where (src/server/exposure.ts): beyond the loopback the control plane needs a token and
 * tokens are signed with a secret; on it, without flags, both stay as they were (open, the seed's key).
 * A server on 0.0.0.0 is asked only over 127.0.0.1.
 */
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { flashbackApi, toursApi } from '../../src/apis/index.js';
import type { ApiDefinition } from '../../src/engine/api-definition.js';
import { createBodyBudget, readJsonBody } from '../../src/server/body.js';
import { isLoopback } from '../../src/server/exposure.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { startMock } from '../../src/mock.js';

const running: RunningServer[] = [];
afterAll(() => Promise.all(running.map((s) => s.close())));

async function start(definition: ApiDefinition, options: Partial<ServerOptions> = {}): Promise<{ server: RunningServer; base: string }> {
  const server = await startServer({ definition, port: 0, ...options });
  running.push(server);
  return { server, base: `http://127.0.0.1:${server.port}` };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const principalsOf = async (base: string, token: string | null): Promise<Array<Record<string, string | null>>> => {
  const answer = await fetch(`${base}/__mock/principals`, { headers: token ? bearer(token) : {} });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { principals: Array<Record<string, string | null>> }).principals;
};

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.20', false],
  ])('%s → %s', (host, expected) => expect(isLoopback(host)).toBe(expected));
});

describe('the control plane beyond the loopback', () => {
  it('needs the random token it made: 401 with a JSON message without it, the state with it; health and pages stay open', async () => {
    const { server, base } = await start(flashbackApi, { host: '0.0.0.0' });
    const token = server.controlToken as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    for (const [method, path] of [
      ['GET', '/__mock/state'],
      ['GET', '/__mock/principals'],
      ['PUT', '/__mock/state'],
      ['POST', '/__mock/reset'],
    ] as const) {
      const refused = await fetch(`${base}${path}`, {
        method,
        headers: { ...bearer('not-the-token'), 'content-type': 'application/json' },
        ...(method === 'PUT' ? { body: '{}' } : {}),
      });
      expect(refused.status, `${method} ${path}`).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="__mock"');
      expect(await refused.json()).toEqual({ success: false, message: expect.stringContaining('Control token required') as unknown });
    }
    expect((await fetch(`${base}/__mock/state`)).status).toBe(401);

    const state = await fetch(`${base}/__mock/state`, { headers: bearer(token) });
    expect(state.status).toBe(200);
    expect((await fetch(`${base}/__mock/health`)).status).toBe(200);
    expect((await fetch(`${base}/__mock/`)).status).toBe(200);
  });

  it('takes a given token on the loopback too, and none is needed there without one', async () => {
    const given = 'a-control-token-of-our-own';
    const { server, base } = await start(flashbackApi, { controlToken: given });
    expect(server.controlToken).toBe(given);
    expect((await fetch(`${base}/__mock/settings`)).status).toBe(401);
    expect((await fetch(`${base}/__mock/settings`, { headers: bearer(given) })).status).toBe(200);

    const open = await start(flashbackApi);
    expect(open.server.controlToken).toBeNull();
    expect((await fetch(`${open.base}/__mock/state`)).status).toBe(200);
  });

  it('--no-control-plane still switches it off (404), token or not', async () => {
    const { server, base } = await start(flashbackApi, { host: '0.0.0.0', controlPlane: false });
    expect(server.controlToken).toBeNull();
    expect((await fetch(`${base}/__mock/state`)).status).toBe(404);
  });
});

describe('the signing key', () => {
  it('Flashback: a token signed with the seed-derived key is refused beyond the loopback and with --signing-key; accepted on the loopback without one', async () => {
    const loopback = await start(flashbackApi, { seed: 42 });
    const minted = (await principalsOf(loopback.base, null)).find((p) => p.name === 'owner')?.accessToken as string;
    const again = await start(flashbackApi, { seed: 42 });
    expect((await fetch(`${again.base}/organization/users`, { headers: bearer(minted) })).status).toBe(200);

    const exposed = await start(flashbackApi, { seed: 42, host: '0.0.0.0' });
    const keyed = await start(flashbackApi, { seed: 42, signingKey: 'a-secret-signing-key-0123456789' });
    for (const { base } of [exposed, keyed]) expect((await fetch(`${base}/organization/users`, { headers: bearer(minted) })).status).toBe(401);
    // Their own principals' tokens work.
    const own = (await principalsOf(exposed.base, exposed.server.controlToken)).find((p) => p.name === 'owner')?.accessToken as string;
    expect((await fetch(`${exposed.base}/organization/users`, { headers: bearer(own) })).status).toBe(200);
  });

  it("Tours: the seed's session tokens and API keys are not those of a mock with a signing key, nor of one beyond the loopback", async () => {
    const seeded = (await principalsOf((await start(toursApi, { seed: 42 })).base, null)).find((p) => p.name === 'acme-owner');
    const keyed = await start(toursApi, { seed: 42, signingKey: 'a-secret-signing-key-0123456789' });
    const exposed = await start(toursApi, { seed: 42, host: '0.0.0.0' });
    for (const { base } of [keyed, exposed]) {
      const answer = await fetch(`${base}/api/organizations/me`, { headers: bearer(seeded?.apiKey as string) });
      expect(answer.status).toBe(401);
    }
    const own = (await principalsOf(keyed.base, null)).find((p) => p.name === 'acme-owner');
    expect(own?.apiKey).not.toBe(seeded?.apiKey);
    expect((await fetch(`${keyed.base}/api/organizations/me`, { headers: bearer(own?.apiKey as string) })).status).toBe(200);
  });

  it('startMock takes both and tells the control token', async () => {
    const mock = await startMock({ signingKey: 'a-secret-signing-key-0123456789', controlToken: 'a-control-token-of-our-own' });
    try {
      expect(mock.controlToken).toBe('a-control-token-of-our-own');
      expect((await fetch(`${mock.url}/__mock/state`)).status).toBe(401);
      const owner = mock.principals.find((p) => p.name === 'owner');
      expect((await fetch(`${mock.url}/organization/users`, { headers: bearer(owner?.accessToken as string) })).status).toBe(200);
    } finally {
      await mock.close();
    }
  });
});

describe('state imports share one budget', () => {
  const request = (size: number): IncomingMessage => {
    // A JSON string of `size` bytes.
    const body = Readable.from([Buffer.from(`"${'a'.repeat(size - 2)}"`)]);
    return Object.assign(body, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }) as unknown as IncomingMessage;
  };

  it('a body that would take more than the others leave is too large; once they are read, the budget is back', async () => {
    const budget = createBodyBudget(1000);
    const [first, second] = await Promise.all([readJsonBody(request(700), 1000, budget), readJsonBody(request(700), 1000, budget)]);
    expect([first.problem, second.problem].map(String).sort()).toEqual(['too-large', 'undefined']);
    expect((await readJsonBody(request(1000), 1000, budget)).problem).toBeUndefined();
  });
});
