/**
 * The pages of the control plane (openapi/mock-control.yaml, tag Dashboard): the dashboard at
 * `/__mock/`, the served API's docs in Swagger UI at `/__mock/docs`, the API's OpenAPI document for
 * them, and their files. Plain files under src/server/dashboard/ (no build step) and Swagger UI's
 * own from the `swagger-ui-dist` package, resolved like an import so that an installed package finds
 * it wherever npm put it. Only the files of a fixed list are served: a name is a key, never a path.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { projectPath, type LoadedSpec } from '../contract/index.js';
import type { HeaderMap } from './json-response.js';
import { JSON_CONTENT_TYPE } from './json-response.js';

/** What a page answers: written as it is by the adapter (app.ts). */
export interface PageAnswer {
  readonly status: number;
  readonly headers: HeaderMap;
  readonly body: Buffer | string;
}

export interface PageRequest {
  readonly params: Readonly<Record<string, string>>;
  /** The request's `Host`, to point the API's document at this mock as the browser reaches it. */
  readonly host: string | undefined;
}

export interface PageRoute {
  readonly kind: 'page';
  readonly operationId: string;
  serve(request: PageRequest): PageAnswer | Promise<PageAnswer>;
}

/** One page operation of openapi/mock-control.yaml and how it is served. */
export interface PageOperation {
  readonly operationId: string;
  readonly method: 'GET';
  readonly path: string;
  readonly serve: PageRoute['serve'];
}

export interface PagesContext {
  /** The served API's spec, for the docs. */
  readonly spec: LoadedSpec;
  /** `http://host:port` where the server listens (known once listening). */
  readonly url: () => string;
}

export const DASHBOARD_PATH = '/__mock/';
const DASHBOARD_DIR = projectPath('src', 'server', 'dashboard');

/**
 * Scripts, styles, images and requests from the mock itself only; inline styles are allowed because
 * Swagger UI sets some. Nothing is loaded from another host.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const HTML = 'text/html; charset=utf-8';
const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

type Source = 'dashboard' | 'swagger-ui';

/** Every file served under `/__mock/assets/`, by name: where it comes from and its content type. */
const ASSETS: ReadonlyMap<string, { readonly source: Source; readonly type: string }> = new Map([
  ['dashboard.js', { source: 'dashboard', type: JAVASCRIPT }],
  ['docs.js', { source: 'dashboard', type: JAVASCRIPT }],
  ['mock.css', { source: 'dashboard', type: CSS }],
  ['swagger-ui-bundle.js', { source: 'swagger-ui', type: JAVASCRIPT }],
  ['swagger-ui-bundle.js.map', { source: 'swagger-ui', type: JSON_CONTENT_TYPE }],
  ['swagger-ui.css', { source: 'swagger-ui', type: CSS }],
  ['swagger-ui.css.map', { source: 'swagger-ui', type: JSON_CONTENT_TYPE }],
]);

/** The folder of the installed swagger-ui-dist, found on first use. */
let swaggerUiDir: string | undefined;
function folderOf(source: Source): string {
  if (source === 'dashboard') return DASHBOARD_DIR;
  swaggerUiDir ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return swaggerUiDir;
}

/** Each file is read once, on first request, and kept. */
const cache = new Map<string, Promise<Buffer>>();
function fileBytes(source: Source, name: string): Promise<Buffer> {
  const key = `${source}/${name}`;
  let bytes = cache.get(key);
  if (!bytes) {
    bytes = readFile(join(folderOf(source), name));
    // A failed read is not kept: the next request tries again.
    bytes.catch(() => cache.delete(key));
    cache.set(key, bytes);
  }
  return bytes;
}

const NOT_FOUND_BODY = JSON.stringify({ success: false, message: 'Not found' });

function file(type: string, body: Buffer | string, cacheControl: string, extra: HeaderMap = {}): PageAnswer {
  return {
    status: 200,
    headers: { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': cacheControl, 'x-content-type-options': 'nosniff', ...extra },
    body,
  };
}

async function page(name: string): Promise<PageAnswer> {
  return file(HTML, await fileBytes('dashboard', name), 'no-store', { 'content-security-policy': CONTENT_SECURITY_POLICY, 'referrer-policy': 'no-referrer' });
}

/** A `Host` a browser sends (a name or an address, and a port); anything else is not echoed into a document. */
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The API's document with `servers` pointing at this mock; serialised once per host (a browser uses one or two). */
function apiDocument({ spec, url }: PagesContext): (host: string | undefined) => string {
  const byHost = new Map<string, string>();
  return (host) => {
    const origin = host !== undefined && HOST.test(host) ? `http://${host}` : url();
    let text = byHost.get(origin);
    if (text === undefined) {
      text = JSON.stringify({ ...spec.document, servers: [{ url: origin, description: 'This mock server' }] });
      if (byHost.size < 16) byHost.set(origin, text);
    }
    return text;
  };
}

/** The page operations of openapi/mock-control.yaml, with their handlers. */
export function pageOperations(context: PagesContext): PageOperation[] {
  const documentFor = apiDocument(context);
  return [
    {
      operationId: 'redirectToDashboard',
      method: 'GET',
      path: '/__mock',
      // 302, not 301: a browser must not remember it for a later server on the same port without the control plane.
      serve: () => ({ status: 302, headers: { location: DASHBOARD_PATH, 'content-length': 0, 'cache-control': 'no-store' }, body: '' }),
    },
    { operationId: 'getDashboard', method: 'GET', path: DASHBOARD_PATH, serve: () => page('index.html') },
    { operationId: 'getDocs', method: 'GET', path: '/__mock/docs', serve: () => page('docs.html') },
    {
      operationId: 'getApiDocument',
      method: 'GET',
      path: '/__mock/docs/openapi.json',
      serve: ({ host }) => file(JSON_CONTENT_TYPE, documentFor(host), 'no-store'),
    },
    {
      operationId: 'getAsset',
      method: 'GET',
      path: '/__mock/assets/{file}',
      async serve({ params }) {
        const name = params.file ?? '';
        const asset = ASSETS.get(name);
        if (!asset)
          return { status: 404, headers: { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(NOT_FOUND_BODY) }, body: NOT_FOUND_BODY };
        return file(asset.type, await fileBytes(asset.source, name), 'no-cache');
      },
    },
  ];
}

/** `template → method → route` for every page. */
export function pageRoutes(context: PagesContext): Map<string, Map<string, PageRoute>> {
  const routes = new Map<string, Map<string, PageRoute>>();
  for (const { operationId, method, path, serve } of pageOperations(context)) {
    routes.set(path, new Map([[method, Object.freeze({ kind: 'page' as const, operationId, serve })]]));
  }
  return routes;
}
