/**
 * An API the engine serves, handed to it as a value: its spec, and how to build its stateful mock
 * behind the MockApi boundary. The engine (src/engine, src/server) imports no API folder; the CLI
 * picks a definition from src/apis and passes it in, so a third API is a new folder, not edits here.
 */
import type { LoadedSpec } from '../contract/index.js';
import type { MockApi, MockOptions, RateLimitSetting } from './api.js';

export interface ApiDefinition {
  /** The name `--api` takes, e.g. `flashback`. */
  readonly name: string;
  /** The human name, for logs and help. */
  readonly title: string;
  /** The spec, relative to the project root, e.g. `openapi/organization.yaml`. */
  readonly specFile: string;
  /** Browser apps send a session cookie (`credentials: 'include'`): CORS echoes the origin and allows credentials instead of `*`. */
  readonly corsCredentials: boolean;
  /** The rate limit the API documents, applied unless the options say otherwise; absent: the API has none. */
  readonly defaultRateLimit?: RateLimitSetting;
  /** Builds the mock for these options over the spec (loaded from `specFile` by the caller). */
  create(options: MockOptions, spec: LoadedSpec): MockApi;
}
