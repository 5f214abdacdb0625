import type { Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { shot, signIn, useBrowser } from './browser.js';
import { Api } from './cases-fixtures.js';

describe('the geography', () => {
  const b = useBrowser();
  const map = () => b.page.locator('.map-view.geo-map');
  const outlines = async () => Number(await map().getAttribute('data-outlines'));

  it('shows the admin tree, a district on the map and its grids', async () => {
    const { page } = b;
    await signIn(page, 'admin');
    await page.goto('/map');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('网格地图');
    const tree = page.getByRole('navigation', { name: '行政区划' });
    await expect.poll(() => tree.getByRole('button', { name: /^南通市/ }).getAttribute('aria-current')).toBe('true');
    await expect.poll(() => map().getAttribute('data-ready')).toBe('true');
    // The city shows its districts.
    await expect.poll(outlines).toBeGreaterThanOrEqual(7);
    await tree.getByRole('button', { name: /^崇川区/ }).click();
    await page.waitForURL(/unit=\d+/);
    await expect.poll(() => tree.getByRole('button', { name: /^崇川区/ }).getAttribute('aria-current')).toBe('true');
    await expect.poll(() => page.locator('main table caption').textContent()).toBe('崇川区的网格');
    await expect.poll(outlines).toBeGreaterThan(10);
    // Opening a branch by keyboard.
    const toggle = tree.getByRole('button', { name: '展开崇川区' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await tree.getByRole('button', { name: '收起崇川区' }).getAttribute('aria-expanded')).toBe('true');
  });

  it("outlines a grid and lists its workers and liaisons", async () => {
    const { page } = b;
    const first = page.getByRole('button', { name: /^查看网格 .+ 的人员$/ }).first();
    const name = (await first.getAttribute('aria-label'))!.replace(/^查看网格 (.+) 的人员$/, '$1');
    await first.click();
    await page.waitForURL(/grid=\d+/);
    const gridId = new URL(page.url()).searchParams.get('grid');
    const detail = page.getByRole('region', { name: `网格：${name}` });
    await expect.poll(() => detail.isVisible()).toBe(true);
    for (const role of ['网格员', '网格长', '民警', '法官', '检察官', '律师']) expect(await detail.textContent()).toContain(role);
    // The admin may see phone numbers unmasked.
    expect(await detail.locator('.member-phone').first().textContent()).toMatch(/1\d{10}/);
    await expect.poll(() => map().getAttribute('data-selected-grid')).toBe(gridId);
    await shot(page, 'map');
  });

  it("changes a grid's team: a new grid worker by her account beside the others, and a lawyer by name", async () => {
    const { page } = b;
    const gridId = Number(new URL(page.url()).searchParams.get('grid'));
    const admin = await Api.as(b.baseURL, 'admin');
    const grid = await admin.get<{ properties: { name: string; adminUnits: { id: number }[] } }>(`/api/v1/grids/${gridId}`);
    const username = `e2e_gw_${Date.now().toString(36)}`;
    const worker = await admin.post<{ id: number }>('/api/v1/users', {
      username, displayName: '新来的网格员', password: 'worker-pass-1', role: 'grid_worker', jurisdictionId: grid.properties.adminUnits.at(-1)!.id,
    });
    const detail = page.getByRole('region', { name: `网格：${grid.properties.name}` });
    await detail.getByRole('button', { name: '编辑网格人员' }).click();
    const form = detail.getByRole('form', { name: `编辑 ${grid.properties.name} 的人员` });
    // The demo grid_worker works this grid, and later files need her there: the new worker joins her.
    const before = await form.getByRole('button', { name: /^移除 / }).count();
    expect(before).toBeGreaterThan(0);
    const pick = form.getByLabel('添加网格员');
    await expect.poll(() => pick.locator('option').allTextContents()).toContain(`新来的网格员（${username}）`);
    await pick.selectOption({ label: `新来的网格员（${username}）` });
    await form.getByRole('button', { name: '添加', exact: true }).click();
    const lawyer = form.getByRole('group', { name: '律师' });
    await lawyer.getByLabel('姓名').fill('王律师');
    await lawyer.getByLabel('单位').fill('江海律师事务所');
    await shot(page, 'grid-team');
    await form.getByRole('button', { name: '保存人员' }).click();
    await page.getByRole('status').filter({ hasText: `已保存网格 ${grid.properties.name} 的人员` }).waitFor();
    await expect.poll(() => detail.textContent()).toContain('新来的网格员');
    expect(await detail.textContent()).toContain('王律师 · 江海律师事务所');
    const saved = await admin.get<{ properties: { workers: { userId: number }[] } }>(`/api/v1/grids/${gridId}`);
    expect(saved.properties.workers).toHaveLength(before + 1);
    expect(saved.properties.workers.at(-1)!.userId).toBe(worker.id);
  });

  it('lists every rejected row of a bad import, and imports nothing', async () => {
    const { page } = b;
    b.allowConsoleError(/status of 422/);
    await page.getByLabel('数据类型').selectOption('grid-members');
    const csv = 'grid_code,role,name,phone,organization\nNO-SUCH-GRID,worker,张三,13800000000,\nNO-SUCH-GRID-2,astronaut,李四,13800000001,\n';
    await page.getByLabel('文件').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: '上传并导入' }).click();
    await expect.poll(() => page.locator('.import-panel [role="alert"]').textContent()).toContain('导入被拒绝');
    const report = page.getByRole('list', { name: '被拒绝的行和要素' });
    await expect.poll(() => report.locator('> li').count()).toBe(2);
    expect(await report.locator('> li').first().textContent()).toMatch(/^第 1 行 · NO-SUCH-GRID.*not a known grid/);
    expect(await report.locator('> li').nth(1).textContent()).toMatch(/^第 2 行 · NO-SUCH-GRID-2.*role must be one of/);
    expect(await page.locator('.import-panel progress').getAttribute('value')).toBe('100');
    await shot(page, 'map-import-rejected');
  });

  it('shows the upload going up on a slow line', async () => {
    const { page } = b;
    b.allowConsoleError(/status of 422/);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 400 * 1024 });
    try {
      // One feature with no geometry and a long note: about 1.2 MB, rejected once read.
      const big = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: 'X1', name: '大文件', community_code: 'none', note: 'x'.repeat(1_200_000) }, geometry: null }] });
      await page.getByLabel('数据类型').selectOption('grids');
      await page.getByLabel('文件').setInputFiles({ name: 'big.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(big) });
      const seen = new Set<string>();
      const watch = setInterval(() => { void page.locator('.import-panel progress').getAttribute('value').then((v) => { if (v) seen.add(v); }, () => {}); }, 50);
      await page.getByRole('button', { name: '上传并导入' }).click();
      await expect.poll(() => page.locator('.import-panel progress').getAttribute('value')).not.toBe('100');
      await expect.poll(() => page.locator('.import-panel [aria-live="polite"]').textContent()).toMatch(/正在上传，已完成 \d+%/);
      await expect.poll(() => page.locator('.import-panel [role="alert"]').textContent(), { timeout: 20_000 }).toContain('导入被拒绝');
      clearInterval(watch);
      expect([...seen].some((v) => Number(v) > 0 && Number(v) < 100)).toBe(true);
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
    }
  });

  it('imports a good file and says what changed', async () => {
    const { page } = b;
    // The district as it stands: re-importing it changes nothing but proves the path.
    await page.getByLabel('数据类型').selectOption('admin-units');
    const csv = 'code,name,level,parent_code\n320613,崇川区,district,320600\n';
    await page.getByLabel('文件').setInputFiles({ name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    // A successful import reloads the map's data: wait for all of it, so that signing out next does not
    // cut those requests off (they would answer 401).
    const pending = new Set<Request>();
    const track = (r: Request) => { if (r.resourceType() === 'fetch') pending.add(r); };
    const done = (r: Request) => pending.delete(r);
    page.on('request', track);
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    // The reload starts a render after the success shows, so an empty `pending` alone can come too early:
    // wait for the tree's and the open grid's answers first, which the same render asks for with the rest.
    const gridId = new URL(page.url()).searchParams.get('grid');
    const reloaded = Promise.all(['/api/v1/admin-units', ...(gridId ? [`/api/v1/grids/${gridId}`] : [])]
      .map((path) => page.waitForResponse((r) => new URL(r.url()).pathname === path)));
    await page.getByRole('button', { name: '上传并导入' }).click();
    await expect.poll(() => page.locator('.import-panel [role="status"]').first().textContent()).toContain('导入成功：共 1 行');
    await reloaded;
    await expect.poll(() => pending.size).toBe(0);
    page.off('request', track);
    page.off('requestfinished', done);
    page.off('requestfailed', done);
  });

  it('keeps the import to admins', async () => {
    const { page } = b;
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await signIn(page, 'dispatcher_d1');
    await page.goto('/map');
    const tree = page.getByRole('navigation', { name: '行政区划' });
    await expect.poll(() => tree.getByRole('button', { name: /^崇川区/ }).getAttribute('aria-current')).toBe('true');
    expect(await tree.getByRole('button', { name: /^通州区/ }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: '导入地理数据' }).count()).toBe(0);
    await shot(page, 'map-district');
  });
});
