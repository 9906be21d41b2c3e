/**
 * Typed clients for the two Organization APIs, on openapi-fetch with the types generated from their specs:
 * Flashback's (openapi/organization.yaml) and Tours & Events' (openapi/tours-organizations.yaml).
 * Every path, parameter, body and response is checked by the compiler against the spec it comes from.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/organization.js';
import type { paths as ToursPaths } from './generated/tours-organizations.js';

export type OrganizationClient = Client<paths>;

export interface OrganizationClientOptions {
  /** Where the API lives, e.g. `http://127.0.0.1:4010`. */
  readonly baseUrl: string;
  /** An access token from `POST /user/login`; sent as `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  /** A fetch to use instead of the global one (tests inject their own). */
  readonly fetch?: typeof globalThis.fetch | undefined;
}

/** Flashback's API authenticates with a bearer access token only, so the token is the one credential option. */
export function createOrganizationClient(options: OrganizationClientOptions): OrganizationClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export type ToursClient = Client<ToursPaths>;

/** The name of the better-auth session cookie (securitySchemes.sessionCookie of the Tours spec). */
const TOURS_SESSION_COOKIE = 'better-auth.session_token';

export interface ToursClientOptions {
  /** Where the API lives, e.g. `http://127.0.0.1:4010` (the paths start with `/api/`). */
  readonly baseUrl: string;
  /** An API key, `tke_<live|test>_<random>`; sent as `Authorization: Bearer <key>`. */
  readonly apiKey?: string | undefined;
  /**
   * A better-auth session token, sent as `Cookie: better-auth.session_token=<token>`. For Node and other
   * server-side callers: a browser forbids setting `Cookie` by hand (use `credentials` there instead).
   * Given with `apiKey`, both are sent and the server judges the key (TA3).
   */
  readonly sessionToken?: string | undefined;
  /**
   * The fetch `credentials` mode, for browsers: `'include'` sends the session cookie the browser holds
   * (cross-origin too, given CORS). `RequestInit['credentials']` is the DOM's `RequestCredentials`.
   */
  readonly credentials?: RequestInit['credentials'] | undefined;
  /** A fetch to use instead of the global one (tests inject their own). */
  readonly fetch?: typeof globalThis.fetch | undefined;
}

/** Tours & Events accepts an API key or a session cookie, and browsers hold that cookie themselves, so all three ways are options. */
export function createToursClient(options: ToursClientOptions): ToursClient {
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
  if (options.sessionToken) headers.Cookie = `${TOURS_SESSION_COOKIE}=${options.sessionToken}`;
  return createClient<ToursPaths>({
    baseUrl: options.baseUrl,
    headers,
    // openapi-fetch's ClientOptions extend RequestInit: `credentials` goes into every Request it builds.
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** Flashback's types, under their original names (kept for compatibility) and under explicit ones. */
export type { paths, components, operations } from './generated/organization.js';
export type { paths as OrganizationPaths, components as OrganizationComponents } from './generated/organization.js';
export type { paths as ToursPaths, components as ToursComponents, operations as ToursOperations } from './generated/tours-organizations.js';
