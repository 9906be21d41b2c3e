/**
 * `import { startMock } from 'org-contract/mock'`: the mock of either API, started in-process from a
 * test (vitest, Playwright's global setup, a Jest `beforeAll`) on a free port, with its seeded
 * principals at hand. The same server `npm start` runs, without the CLI.
 *
 *   const mock = await startMock({ api: 'tours' });
 *   const owner = mock.principals.find((p) => p.name === 'acme-owner');
 *   beforeEach(() => mock.reset());
 *   afterAll(() => mock.close());
 */
import { API_DEFINITIONS } from './apis/index.js';
import type { ApiName } from './apis/names.js';
import type { PrincipalInfo, RateLimitSetting } from './engine/api.js';
import type { components as MockControl } from './generated/mock-control.js';
import { startServer } from './server/index.js';

/** A seeded Flashback principal (`accessToken`) as `GET /__mock/principals` lists it. */
export type FlashbackPrincipal = MockControl['schemas']['Principal'];
/** A seeded Tours & Events principal (`sessionToken`, `apiKey`) as `GET /__mock/principals` lists it. */
export type ToursPrincipal = MockControl['schemas']['ToursPrincipal'];

export interface StartMockOptions<Api extends ApiName = ApiName> {
  /** The API to serve. Default: `flashback`. */
  readonly api?: Api;
  /** Default: 0, a free port. */
  readonly port?: number;
  /** Default: 127.0.0.1. */
  readonly host?: string;
  /** Seed of the generated data (the principals are the same for every seed). Default: 42. */
  readonly seed?: number;
  /** Extra generated members of the first organization. Default: 0. */
  readonly users?: number;
  /** Tours & Events: requests per window of one credential, or null for none. Default: the documented 100/60. */
  readonly rateLimit?: RateLimitSetting | null;
  /** One line per request, e.g. `(line) => process.stdout.write(line)`. Default: none. */
  readonly log?: ((chunk: string) => void) | null;
  /**
   * Origins allowed by CORS, as `--cors-origin`: `'*'`, or a list (`['http://localhost:5173']`), which
   * echoes a listed origin with credentials allowed for either API (axios `withCredentials`). Default: `'*'`.
   */
  readonly corsOrigins?: '*' | readonly string[];
  /**
   * The token `/__mock` requires (`Authorization: Bearer <token>`), as `--control-token`. Default: none
   * on the loopback, a random one (`RunningMock.controlToken`) on any other host.
   */
  readonly controlToken?: string;
  /**
   * The secret that signs access tokens and derives the seeded credentials, as `--signing-key`.
   * Default: derived from the seed on the loopback (the same tokens every run), random on any other host.
   */
  readonly signingKey?: string;
}

export interface RunningMock<Principal> {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The seeded principals with ready credentials, as at start (a reset keeps them valid). */
  readonly principals: readonly Principal[];
  /** The token `/__mock` requires, or null when it is open (the loopback without `controlToken`). */
  readonly controlToken: string | null;
  /** Back to the seeded state and the real clock, as `POST /__mock/reset` does. */
  reset(): Promise<void>;
  /** Stops the server; requests in flight finish first. */
  close(): Promise<void>;
}

type PrincipalOf<Api extends ApiName> = Api extends 'tours' ? ToursPrincipal : FlashbackPrincipal;

export async function startMock<Api extends ApiName = 'flashback'>(options: StartMockOptions<Api> = {}): Promise<RunningMock<PrincipalOf<Api>>> {
  const definition = API_DEFINITIONS[options.api ?? 'flashback'];
  if (!definition) throw new Error(`startMock: api must be one of ${Object.keys(API_DEFINITIONS).join(', ')}, got "${String(options.api)}"`);
  const server = await startServer({
    definition,
    port: options.port ?? 0,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.users === undefined ? {} : { users: options.users }),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.corsOrigins === undefined ? {} : { corsOrigins: options.corsOrigins }),
    ...(options.controlToken === undefined ? {} : { controlToken: options.controlToken }),
    ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey }),
    log: options.log ?? null,
  });
  const principals = (await server.api.principals()) as readonly PrincipalInfo[] as readonly PrincipalOf<Api>[];
  return {
    url: server.url,
    port: server.port,
    principals,
    controlToken: server.controlToken,
    reset: async () => server.api.reset(),
    close: () => server.close(),
  };
}
