/**
 * The control plane's pages in headless Chromium, for each API: the dashboard at `/__mock/` (copy a
 * principal's credential and use it, move the clock so that it expires, reset, see the requests come
 * in) and the docs at `/__mock/docs` (pick a principal, "Try it out" on a GET, see the 200).
 *
 * The screenshots in the README are taken here: written to docs/screenshots/ when one is missing or
 * with UPDATE_SCREENSHOTS=1 (then commit them), else to .tmp/screenshots/, so that a test run leaves
 * the tracked files as they were.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { projectPath } from '../../src/contract/index.js';
import { startMock, type RunningMock } from '../../src/mock.js';
import { BROWSER_TIMEOUT_MS, eventually, launchChromium } from '../helpers/browser.js';

vi.setConfig({ testTimeout: BROWSER_TIMEOUT_MS, hookTimeout: BROWSER_TIMEOUT_MS });

type Browser = Awaited<ReturnType<typeof launchChromium>>;
/** What a page script here uses of the browser (the project's types have no DOM). */
interface BrowserGlobals {
  readonly navigator: { readonly clipboard: { readText(): Promise<string> } };
}

/** Where a screenshot goes: docs/screenshots/ when it is missing there or asked for, else .tmp/screenshots/. */
function screenshotPath(name: string): string {
  const committed = projectPath('docs', 'screenshots', name);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(committed)) return committed;
  const scratch = projectPath('.tmp', 'screenshots');
  mkdirSync(scratch, { recursive: true });
  return join(scratch, name);
}

const text = (locator: Locator): Promise<string> => locator.innerText();

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** A fresh context on the mock's origin, allowed to use the clipboard (the Copy buttons). */
async function openControlPlane(mock: RunningMock<unknown>, path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mock.url });
  const page = await context.newPage();
  await page.goto(`${mock.url}${path}`);
  await page.locator('body[data-ready="true"]').waitFor();
  return { context, page };
}

/** Clicks a Copy button; returns the value it holds once that value is on the clipboard. */
async function copy(page: Page, testId: string): Promise<string> {
  const button = page.getByTestId(testId);
  const value = await button.getAttribute('data-value');
  expect(value).toBeTruthy();
  await button.click();
  const clipboard = () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText());
  await eventually(clipboard).toBe(value);
  return value as string;
}

/** The dashboard's request rows as `METHOD path status principal`, after a click on Refresh. */
async function requestRows(page: Page): Promise<string[]> {
  await page.getByTestId('refresh-button').click();
  return page.getByTestId('request-row').evaluateAll((rows) =>
    rows.map((row) =>
      [...row.querySelectorAll('td')]
        .slice(1, 6)
        .map((cell) => cell.textContent)
        .join(' '),
    ),
  );
}

async function clickAndSeeOffset(page: Page, testId: string, offset: string): Promise<void> {
  await page.getByTestId(testId).click();
  await eventually(() => text(page.getByTestId('clock-offset'))).toBe(offset);
}

/** Expands an operation in Swagger UI, runs "Try it out" (Execute) and returns the status shown. */
async function tryItOut(page: Page, method: string, path: string): Promise<string> {
  const operation = page.locator(`.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
  await operation.locator('.opblock-summary').first().click();
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor();
  await operation.scrollIntoViewIfNeeded();
  return (await text(status)).trim();
}

const get = async (url: string, authorization: string): Promise<number> => (await fetch(url, { headers: { authorization } })).status;

describe('the Flashback control plane in Chromium', () => {
  let mock: RunningMock<unknown>;
  beforeAll(async () => {
    mock = await startMock({ api: 'flashback' });
  });
  afterAll(() => mock?.close());

  it('dashboard: copies a token that works, expires it with the clock, resets, and shows the requests', async () => {
    const { context, page } = await openControlPlane(mock, '/__mock/');
    expect(await text(page.getByTestId('api-title'))).toBe('Flashback Organization API');
    const clipboard = await copy(page, 'copy-owner-accessToken');
    const users = `${mock.url}/organization/users`;
    expect(await get(users, `Bearer ${clipboard}`)).toBe(200);

    await clickAndSeeOffset(page, 'clock-advance-hour', '1 h');
    expect(await get(users, `Bearer ${clipboard}`)).toBe(401); // an hour on, the token has expired (A5)
    await page.getByTestId('reset-button').click();
    await eventually(() => text(page.getByTestId('clock-offset'))).toBe('nothing (the real time)');
    expect(await get(users, `Bearer ${clipboard}`)).toBe(200); // the real time again: the token lives

    await eventually(() => requestRows(page)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/organization\/users 200 \S+ owner@acme\.test$/),
        expect.stringMatching(/^GET \/organization\/users 401 /),
        expect.stringMatching(/^POST \/__mock\/reset 200 /),
        expect.stringMatching(/^POST \/__mock\/clock 200 /),
      ]) as string[],
    );
    await page.screenshot({ path: screenshotPath('dashboard-flashback.png'), fullPage: true });
    await context.close();
  });

  it('docs: picks a principal and runs "Try it out" on a GET: 200', async () => {
    const { context, page } = await openControlPlane(mock, '/__mock/docs');
    expect(await text(page.getByTestId('api-title'))).toBe('Flashback Organization API');
    await page.getByTestId('principal-select').selectOption('owner');
    await eventually(() => page.getByTestId('credential-status').getAttribute('data-principal')).toBe('owner');
    expect(await tryItOut(page, 'get', '/organization/users')).toBe('200');
    // From the principal picker at the top down to the status of the answer.
    const answer = await page.locator('.live-responses-table tr.response').first().boundingBox();
    const scrollY = await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY);
    const height = Math.ceil((answer?.y ?? 0) + scrollY + 140);
    await page.screenshot({ path: screenshotPath('docs.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
    await context.close();
  });
});

describe('the Tours & Events control plane in Chromium', () => {
  let mock: RunningMock<unknown>;
  beforeAll(async () => {
    mock = await startMock({ api: 'tours' });
  });
  afterAll(() => mock?.close());

  it('dashboard: copies a session cookie that works, expires it with the clock, resets, and shows the requests', async () => {
    const { context, page } = await openControlPlane(mock, '/__mock/');
    expect(await text(page.getByTestId('api-title'))).toBe('Tours & Events Organizations API');
    const clipboard = await copy(page, 'copy-acme-owner-sessionToken');
    const session = async (): Promise<number> =>
      (await fetch(`${mock.url}/api/organizations/members`, { headers: { cookie: `better-auth.session_token=${clipboard}` } })).status;
    expect(await session()).toBe(200);

    await clickAndSeeOffset(page, 'clock-advance-8days', '8 d');
    expect(await session()).toBe(401); // a session lasts 7 days (TA2)
    await page.getByTestId('reset-button').click();
    await eventually(() => text(page.getByTestId('clock-offset'))).toBe('nothing (the real time)');
    expect(await session()).toBe(200);

    await eventually(() => requestRows(page)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/api\/organizations\/members 200 \S+ olivia@acme-tours\.example$/),
        expect.stringMatching(/^GET \/api\/organizations\/members 401 /),
        expect.stringMatching(/^POST \/__mock\/reset 200 /),
      ]) as string[],
    );
    await page.screenshot({ path: screenshotPath('dashboard-tours.png'), fullPage: true });
    await context.close();
  });

  it('docs: picks a principal with its session cookie and runs "Try it out" on a GET: 200', async () => {
    const { context, page } = await openControlPlane(mock, '/__mock/docs');
    expect(await text(page.getByTestId('api-title'))).toBe('Tours & Events Organizations API');
    await page.getByTestId('principal-select').selectOption('acme-admin');
    await page.getByTestId('credential-select').selectOption('sessionCookie');
    await eventually(() => page.getByTestId('credential-status').getAttribute('data-scheme')).toBe('sessionCookie');
    expect(await tryItOut(page, 'get', '/api/organizations/members')).toBe('200');
    await context.close();
  });
});
