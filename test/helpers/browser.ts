/**
 * Headless Chromium for the browser tests (test/browser): Debian's `chromium` (or `CHROMIUM_PATH`)
 * driven by playwright-core, which downloads no browser of its own. `.ci/run` installs Chromium
 * when it is missing; on a machine without it the tests fail with one line saying how to get it,
 * never pass unseen.
 *
 * A page of "another origin" is a tiny static page served by a second HTTP server on its own port:
 * `http://localhost:<page port>` calling the mock at `http://localhost:<mock port>` is cross-origin
 * (another port) but same-site (the same host), as a frontend on a dev server calling a local API is,
 * so the mock's `SameSite=Lax` session cookie is sent with `credentials: 'include'`.
 */
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:http';
import { delimiter, join } from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** How long a browser test or hook may take: a launch, or Swagger UI over a large spec, on a loaded machine. */
export const BROWSER_TIMEOUT_MS = 60_000;

/** `expect.poll` with room for a loaded machine (its default gives up after one second). */
export const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });

/** The names looked for on `PATH` when `CHROMIUM_PATH` is not set (Debian's first). */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

const INSTALL_HINT = 'install it (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium binary to drive; throws one line saying how to install it when there is none. */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!executable(configured)) throw new Error(`Browser tests: CHROMIUM_PATH=${configured} is not an executable file; ${INSTALL_HINT}`);
    return configured;
  }
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of NAMES) {
    const found = dirs.map((dir) => join(dir, name)).find(executable);
    if (found) return found;
  }
  throw new Error(`Browser tests need Chromium (none of ${NAMES.join(', ')} on PATH): ${INSTALL_HINT}`);
}

/** One headless Chromium per test file. */
export function launchChromium(): Promise<Browser> {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: root ? ['--no-sandbox'] : [] });
}

export interface PageServer {
  /** `http://localhost:<port>`: the origin the page's requests carry. */
  readonly origin: string;
  close(): Promise<void>;
}

/** A second HTTP server, on another port, serving one small page at every path: a frontend's origin. */
export async function servePage(title = 'A frontend'): Promise<PageServer> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Frontend {
  readonly browser: Browser;
  /** One context for the file: a case starts with `context.clearCookies()` for a fresh session. */
  readonly context: BrowserContext;
  /** Open at `origin`, the page whose scripts call the mock. */
  readonly page: Page;
  /** The page's origin, `http://localhost:<port>`. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Chromium with one page open on a frontend's origin (a new page costs a renderer: one per file). */
export async function openFrontend(title: string): Promise<Frontend> {
  const browser = await launchChromium();
  const server = await servePage(title);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.origin}/`);
  return {
    browser,
    context,
    page,
    origin: server.origin,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** The mock's log lines, as `startServer`'s `log` writes them (several lines per chunk). */
export function logCollector(): { readonly lines: string[]; readonly log: (chunk: string) => void } {
  const lines: string[] = [];
  return { lines, log: (chunk) => lines.push(...chunk.split('\n').filter(Boolean)) };
}
