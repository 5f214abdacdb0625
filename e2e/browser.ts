import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { ROOT } from './server.js';

/** Debian's chromium (apt-get install chromium); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

export const PHONE = { width: 375, height: 812 } as const;
export const DESKTOP = { width: 1440, height: 900 } as const;

/** Launches headless chromium with the switches a container and a quiet test need. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface BrowserSession {
  /** The shared e2e server, e.g. http://127.0.0.1:40123. */
  readonly baseURL: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** A fresh page (desktop size) in a fresh context for each file. */
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far and not yet checked. */
  readonly errors: string[];
  /** Fails the test if the page logged an error; runs after every test on its own. */
  expectNoConsoleErrors(): void;
  /**
   * Lets errors matching this pattern pass, until the end of the current test: for a test
   * that provokes an error on purpose (a wrong password answers 401, and chromium logs
   * "Failed to load resource: … 401").
   */
  allowConsoleError(pattern: RegExp): void;
}

/**
 * Call once at the top of an e2e file (outside `it`): opens chromium and a fresh context on the
 * shared server before the tests, checks after each test that no console or page error
 * occurred, and closes everything after the file.
 *
 *   const b = useBrowser();
 *   it('…', async () => { await b.page.goto(b.baseURL + '/login'); … });
 */
export function useBrowser(): BrowserSession {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const errors: string[] = [];
  let allowed: RegExp[] = [];
  const baseURL = inject('shiyuURL');

  const record = (message: string) => {
    if (!allowed.some((pattern) => pattern.test(message))) errors.push(message);
  };

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ baseURL, viewport: { ...DESKTOP }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') record(`console: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => record(`page error: ${err.message}`));
    page.on('requestfailed', (request) => {
      // Navigations cancelled by the app itself are not failures.
      if (request.failure()?.errorText !== 'net::ERR_ABORTED') record(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
    });
  });

  const session: BrowserSession = {
    baseURL,
    get browser() { return browser ?? fail(); },
    get context() { return context ?? fail(); },
    get page() { return page ?? fail(); },
    errors,
    expectNoConsoleErrors() {
      const seen = errors.splice(0);
      expect(seen, 'console or page errors').toEqual([]);
    },
    allowConsoleError(pattern) {
      allowed.push(pattern);
    },
  };

  afterEach(() => {
    allowed = [];
    session.expectNoConsoleErrors();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });
  return session;
}

function fail(): never {
  throw new Error('useBrowser(): the browser opens in beforeAll; use it inside a test or hook');
}

/**
 * Screenshots the page at phone (375×812) and desktop (1440×900) widths, full page, into
 * test-results/screenshots/<name>-phone.png and -desktop.png, then restores the viewport.
 */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  for (const [label, size] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    await page.setViewportSize({ ...size });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true, animations: 'disabled' });
  }
  if (before) await page.setViewportSize(before);
}

/** Signs in through the login screen (mouse-free not required here) and waits to leave it. */
export async function signIn(page: Page, username: string, password = 'demo'): Promise<void> {
  await page.goto('/login');
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** What a step may take on a slow phone: twenty times slower on a loaded CI machine is more than the default ten seconds. */
export const SLOW_STEP = { timeout: 30_000 } as const;

/**
 * Runs `steps` with the page's CPU twenty times slower, as on a slow phone, where the router renders
 * a navigation late: the races between a user's quick choices and those late renders show up here.
 * The speed comes back whatever happens, so that one failure does not slow every later test.
 */
export async function onASlowPhone(page: Page, steps: () => Promise<void>): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
  try {
    await steps();
  } finally {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
  }
}
