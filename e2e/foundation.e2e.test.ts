import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn, useBrowser } from './browser.js';
import { ROOT } from './server.js';

const CLASS = /\.(-?[_a-zA-Z][\w-]*)/g;

/** Every class some stylesheet of the web app gives a rule to. */
function classesWithRules(): Set<string> {
  const dir = path.join(ROOT, 'web', 'src');
  const sheets = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.css'));
  return new Set(sheets.flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(CLASS)].map((m) => m[1])));
}

/** The screen drawn and done loading (its live stream stays open, so the network never goes idle). */
async function settled(page: Page): Promise<void> {
  await page.locator('main h1').waitFor();
  await expect.poll(() => page.locator('.spinner-wrap').count()).toBe(0);
}

/** Leaves the app for a page of the same origin that runs nothing (its icon), and forgets the tab's session there. */
async function leaveSignedOut(page: Page): Promise<void> {
  await page.goto('/favicon.svg');
  await page.evaluate(() => sessionStorage.clear());
}

/** Classes on the page's elements that no stylesheet loaded so far gives a rule to. */
function unstyledClasses(page: Page): Promise<string[]> {
  return page.evaluate((pattern) => {
    const loaded = new Set<string>();
    const walk = (rules: CSSRuleList) => {
      for (const rule of Array.from(rules)) {
        if (rule instanceof CSSStyleRule) for (const m of rule.selectorText.matchAll(new RegExp(pattern, 'g'))) loaded.add(m[1]);
        if ('cssRules' in rule) walk((rule as CSSGroupingRule).cssRules);
      }
    };
    for (const sheet of Array.from(document.styleSheets)) walk(sheet.cssRules);
    const used = new Set(Array.from(document.querySelectorAll('[class]')).flatMap((el) => Array.from(el.classList)));
    return [...used].filter((c) => !loaded.has(c));
  }, CLASS.source);
}

describe('the app frame', () => {
  const b = useBrowser();

  it('opens the citizen portal without an account and without the map or chart code', async () => {
    const { page } = b;
    const scripts: string[] = [];
    page.on('request', (request) => { if (request.resourceType() === 'script') scripts.push(request.url()); });
    await page.goto('/report');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('我要反映');
    expect(scripts.some((url) => /MapScreen|StatsScreen|CommandScreen/.test(url))).toBe(false);
    page.removeAllListeners('request');
  });

  it('shows a page that does not exist as such', async () => {
    const { page } = b;
    await page.goto('/no/such/page');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('页面不存在');
  });

  it('tells a grid worker the figures are not for them', async () => {
    const { page } = b;
    await signIn(page, 'grid_worker');
    expect(new URL(page.url()).pathname).toBe('/queue/grid');
    await page.goto('/stats');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('无权访问');
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
  });

  it('draws the map with MapLibre under the Content-Security-Policy', async () => {
    const { page } = b;
    await signIn(page, 'dispatcher');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '地图' }).click();
    await page.waitForURL('**/map');
    await page.locator('.map-view canvas').waitFor();
    // The style loads in a web worker started from a blob: URL; the background layer then paints.
    await expect.poll(() => page.evaluate(() => document.querySelector('.map-view')?.classList.contains('maplibregl-map'))).toBe(true);
  });

  it('brings the styles of whatever screen is opened first, shared components included', async () => {
    const { page } = b;
    const defined = classesWithRules();
    // Each screen is loaded afresh, so that only its own chunks' styles (and the frame's) are there.
    const screens: [string, string[], ((page: Page) => Promise<void>)?][] = [
      ['admin', ['/command', '/queue/dispatch', '/messages', '/cases', '/map', '/stats', '/templates', '/catalogue', '/audit']],
      ['admin', ['/users'], (p) => p.getByRole('button', { name: '新建账号' }).click()],
      ['admin', ['/cases'], (p) => p.locator('main table a').first().click()],
      ['grid_worker', ['/queue/grid', '/messages']],
      ['department_handler', ['/queue/department']],
    ];
    for (const [user, paths, then] of screens) {
      // Whoever was signed in before (an earlier test, the last round) leaves with the tab's session:
      // away from the app first, so that no late request of the last screen goes out without a token.
      await leaveSignedOut(page);
      await signIn(page, user);
      for (const route of paths) {
        await page.goto(route);
        await settled(page);
        await then?.(page);
        await settled(page);
        expect((await unstyledClasses(page)).filter((c) => defined.has(c)), `${user} ${route}`).toEqual([]);
      }
    }
    await leaveSignedOut(page);
    for (const route of ['/report', '/track']) {
      await page.goto(route);
      await settled(page);
      expect((await unstyledClasses(page)).filter((c) => defined.has(c)), route).toEqual([]);
    }
  });
});
