import { describe, expect, it } from 'vitest';
import { signIn, useBrowser } from './browser.js';

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
});
