import { describe, expect, it } from 'vitest';
import { shot, signIn, useBrowser } from './browser.js';

/** Signs a demo account in over the API and answers a fetch for it. */
async function apiAs(baseURL: string, username: string) {
  const login = await fetch(`${baseURL}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
  const { token } = await login.json() as { token: string };
  return (path: string, init: RequestInit = {}) => fetch(`${baseURL}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
}

/** A point inside one of the city's grids: the middle of a grid's corners, checked with the server's own lookup. */
async function pointInCity(call: Awaited<ReturnType<typeof apiAs>>): Promise<{ lon: number; lat: number }> {
  const grids = await (await call('/api/v1/grids?pageSize=20')).json() as { items: { id: number }[] };
  for (const g of grids.items) {
    const feature = await (await call(`/api/v1/grids/${g.id}`)).json() as { geometry: { type: string; coordinates: number[][][] | number[][][][] } };
    const ring = (feature.geometry.type === 'Polygon' ? feature.geometry.coordinates[0] : feature.geometry.coordinates[0][0]) as number[][];
    const lon = ring.slice(1).reduce((s, p) => s + p[0], 0) / (ring.length - 1);
    const lat = ring.slice(1).reduce((s, p) => s + p[1], 0) / (ring.length - 1);
    if ((await call(`/api/v1/grids/locate?lon=${lon}&lat=${lat}`)).status === 200) return { lon, lat };
  }
  throw new Error('no grid centre found inside its grid');
}

describe('the command centre', () => {
  const b = useBrowser();
  const map = () => b.page.locator('.map-view.command-map');
  const number = async (selector: string, attribute: string) => Number(await b.page.locator(selector).getAttribute(attribute));
  const tile = async (id: string) => (await b.page.getByTestId(`kpi-${id}`).textContent())?.trim() ?? '';

  it("draws the city's areas, grids and open cases, with the headline figures", async () => {
    const { page } = b;
    const streams: { url: string; authorization?: string }[] = [];
    page.on('request', (r) => { if (r.url().includes('/api/v1/cases/stream')) streams.push({ url: r.url(), authorization: r.headers().authorization }); });
    await signIn(page, 'leader');
    await page.waitForURL('**/command');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('指挥中心');
    await expect.poll(() => map().getAttribute('data-ready')).toBe('true');
    await expect.poll(() => number('.command-map', 'data-grids'), { timeout: 15_000 }).toBeGreaterThan(100);
    await expect.poll(() => number('.command-map', 'data-points'), { timeout: 15_000 }).toBeGreaterThan(0);
    // What MapLibre actually drew, not only what it was given.
    await expect.poll(() => number('.command-map', 'data-rendered-grids'), { timeout: 15_000 }).toBeGreaterThan(100);
    await expect.poll(() => number('.command-map', 'data-rendered-cases'), { timeout: 15_000 }).toBeGreaterThan(0);
    // Counts are plain numbers; rates are percentages, or a dash over no case.
    for (const id of ['received-today', 'closed-today', 'overdue-now']) await expect.poll(() => tile(id)).toMatch(/^\d+\+?$/);
    for (const id of ['on-time-rate', 'satisfaction']) await expect.poll(() => tile(id)).toMatch(/^(\d+(\.\d)?%|—)$/);
    await expect.poll(() => page.locator('.trend svg').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.live-state').getAttribute('data-state'), { timeout: 5000 }).toBe('open');
    // The session token goes in a header, never in a URL that proxies would log.
    expect(streams.length).toBeGreaterThan(0);
    for (const stream of streams) expect([new URL(stream.url).search, stream.authorization]).toEqual(['', expect.stringMatching(/^Bearer .+/)]);
    page.removeAllListeners('request');
    await expect.poll(() => page.locator('.map-summary').textContent()).toMatch(/地图上共 \d+ 件案件/);
    await shot(page, 'command');
  });

  it('shows a case taken in meanwhile, without reloading', async () => {
    const { page } = b;
    await page.evaluate(() => { (window as Window & { stayedOpen?: boolean }).stayedOpen = true; });
    const received = Number(await tile('received-today'));
    const points = await number('.command-map', 'data-points');
    const dispatcher = await apiAs(b.baseURL, 'dispatcher');
    const created = await dispatcher('/api/v1/cases', {
      method: 'POST',
      body: JSON.stringify({ channel: 'hotline', requestType: 'complaint', description: '指挥中心实时测试：路灯不亮', location: await pointInCity(dispatcher) }),
    });
    expect(created.status).toBe(201);
    const { id, ticketNo } = await created.json() as { id: number; ticketNo: string };
    // The stream tells at once; the figures and points are read again shortly after (REFRESH_MS).
    const live = { timeout: 10_000 };
    await expect.poll(() => page.getByRole('log').textContent(), live).toContain(ticketNo);
    await expect.poll(() => tile('received-today'), live).toBe(String(received + 1));
    await expect.poll(() => number('.command-map', 'data-points'), live).toBe(points + 1);
    expect(await page.evaluate(() => (window as Window & { stayedOpen?: boolean }).stayedOpen)).toBe(true);
    // The feed links to the case.
    expect(await page.getByRole('log').getByRole('link', { name: ticketNo }).getAttribute('href')).toBe(`/cases/${id}`);
  });

  it('switches to the heat map and to the cases ended lately', async () => {
    const { page } = b;
    const heat = page.getByRole('button', { name: '热力图' });
    await heat.click();
    expect(await heat.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => number('.command-map', 'data-rendered-cases'), { timeout: 5000 }).toBe(0);
    await page.getByLabel('显示的案件').selectOption('all');
    await expect.poll(() => number('.command-map', 'data-points'), { timeout: 5000 }).toBeGreaterThan(0);
    await shot(page, 'command-heat');
    await heat.click();
    await expect.poll(() => number('.command-map', 'data-rendered-cases'), { timeout: 5000 }).toBeGreaterThan(0);
  });

  it('fits a 1920-pixel wall screen without scrolling, and stacks on a phone', async () => {
    const { page } = b;
    try {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1)).toBe(true);
      const [mapBox, sideBox] = [await page.locator('.command-map').boundingBox(), await page.locator('.command-side').boundingBox()];
      expect(sideBox!.x).toBeGreaterThan(mapBox!.x + mapBox!.width - 1);
      await page.screenshot({ path: 'test-results/screenshots/command-wall.png' });
      // At once, before the map and the chart hear of the resize: their old drawings must be clipped.
      await page.setViewportSize({ width: 375, height: 812 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('is not for a dispatcher', async () => {
    const { page } = b;
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await signIn(page, 'dispatcher');
    await page.goto('/command');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('无权访问');
  });
});
