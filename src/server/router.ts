/**
 * Path routing, built once: each path template (the Organization API's and the control plane's) maps
 * to its targets by method, so one lookup tells a request's operation, or that the path is unknown
 * (404), or that the method is not served there (405 with `Allow`).
 */
import FindMyWay from 'find-my-way';
import { prepareJson, type PreparedResponse } from './json-response.js';

export interface PathEntry<T> {
  /** The OpenAPI path template, e.g. `/organization/users/{userId}`. */
  readonly template: string;
  /** Targets by upper-case method; a plain object without prototype. */
  readonly byMethod: Readonly<Record<string, T | undefined>>;
  /** The `Allow` value: the methods served, comma-separated. */
  readonly allow: string;
  /** The 405 of this path, with its `Allow`. */
  readonly methodNotAllowed: PreparedResponse;
}

export interface RouteMatch<T> {
  readonly entry: PathEntry<T>;
  /** Path parameters, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
}

export type Router<T> = (url: string) => RouteMatch<T> | null;

/** The longest path parameter accepted; Node's header limit (16 KiB) bounds the URL anyway. */
const MAX_PARAM_LENGTH = 16 * 1024;
const noop = (): void => undefined;

/**
 * Builds the path entries from `template → method → target`. `methodNotAllowedBody` is the body of
 * every 405 (components.responses.MethodNotAllowed).
 */
export function buildPathEntries<T>(routes: ReadonlyMap<string, ReadonlyMap<string, T>>, methodNotAllowedBody: unknown): PathEntry<T>[] {
  return [...routes].map(([template, targets]) => {
    const byMethod = Object.create(null) as Record<string, T>;
    for (const [method, target] of targets) byMethod[method] = target;
    const allow = [...targets.keys()].join(', ');
    return Object.freeze({ template, byMethod: Object.freeze(byMethod), allow, methodNotAllowed: prepareJson(405, methodNotAllowedBody, { allow }) });
  });
}

export function createRouter<T>(entries: readonly PathEntry<T>[]): Router<T> {
  // Paths only: every template is registered under one method; the method is looked up in the entry.
  const router = FindMyWay({ maxParamLength: MAX_PARAM_LENGTH });
  for (const entry of entries) {
    router.on('GET', entry.template.replace(/\{([^}]+)\}/g, ':$1'), noop, entry);
  }
  return (url) => {
    // A parameter that is not valid percent-encoding goes to the operation as written (its 404 is
    // then the operation's own, after authentication), not to the unknown-path 404.
    const found = router.find('GET', url) ?? (url.includes('%') ? router.find('GET', url.replace(/%/g, '%25')) : null);
    if (!found) return null;
    const params = found.params as Record<string, string>;
    // `/organization/users/` must not reach the user operations with an empty id.
    for (const key in params) if (params[key] === '') return null;
    return { entry: found.store as PathEntry<T>, params };
  };
}
