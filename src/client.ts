/**
 * A typed client for the Organization API, on openapi-fetch with the types generated from the spec.
 * Every path, parameter, body and response is checked by the compiler against openapi/organization.yaml.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/organization.js';

export type OrganizationClient = Client<paths>;

export interface OrganizationClientOptions {
  /** Where the API lives, e.g. `http://127.0.0.1:4010`. */
  readonly baseUrl: string;
  /** An access token from `POST /user/login`; sent as `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  /** A fetch to use instead of the global one (tests inject their own). */
  readonly fetch?: typeof globalThis.fetch | undefined;
}

export function createOrganizationClient(options: OrganizationClientOptions): OrganizationClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export type { paths, components, operations } from './generated/organization.js';
