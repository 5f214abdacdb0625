import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESKTOP, onASlowPhone, PHONE, shot, signIn, SLOW_STEP, useBrowser } from './browser.js';

describe('the figures', () => {
  const b = useBrowser();
  const caption = () => b.page.locator('main table caption').textContent();

  it("shows this month's figures by department, as a chart and a table", async () => {
    const { page } = b;
    await signIn(page, 'leader');
    await page.goto('/stats');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('绩效统计');
    expect(await page.getByLabel('统计周期').inputValue()).toBe('thisMonth');
    await expect.poll(caption).toMatch(/^按部门绩效统计/);
    // ECharts draws SVG: bars are paths inside the chart's region.
    await expect.poll(() => page.getByRole('img', { name: /受理与结案柱状图/ }).locator('svg').count()).toBe(1);
    expect(await page.locator('main table tbody tr').last().textContent()).toContain('合计');
    await shot(page, 'stats');
  });

  it('changes the period with the picker and keeps it in the address', async () => {
    const { page } = b;
    const before = await caption();
    await page.getByLabel('统计周期').selectOption('lastMonth');
    await page.waitForURL(/period=lastMonth/);
    await expect.poll(caption).not.toBe(before);
    // A slow phone: the address's new periods render late, after the user has picked another and
    // turned to custom days; those late renders must not take the custom days away.
    await onASlowPhone(page, async () => {
      await page.getByLabel('统计周期').selectOption('thisMonth', SLOW_STEP);
      await page.getByLabel('统计周期').selectOption('thisYear', SLOW_STEP);
      await page.getByLabel('统计周期').selectOption('custom', SLOW_STEP);
      await page.waitForURL(/period=thisYear/, SLOW_STEP);
      await expect.poll(() => page.locator('.muted[aria-live]').textContent(), SLOW_STEP).toMatch(/年1月1日 至/);
    });
    expect(await page.getByLabel('统计周期').inputValue()).toBe('custom');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.locator('.period-picker .field-error').first().textContent()).toBe('请填写开始和结束日期。');
    await page.getByLabel('开始日期').fill('2025-01-01');
    await page.getByLabel('结束日期（含当天）').fill('2025-12-31');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/period=custom&first=2025-01-01&last=2025-12-31/);
    await expect.poll(caption).toContain('2025');
    // The picker follows the address when it changes under it: the menu's link, then back.
    await page.getByRole('navigation').getByRole('link', { name: '绩效统计' }).click();
    await page.waitForURL((url) => url.pathname === '/stats' && url.search === '');
    await expect.poll(() => page.getByLabel('统计周期').inputValue()).toBe('thisMonth');
    await page.goBack();
    await page.waitForURL(/period=custom/);
    await expect.poll(() => page.getByLabel('开始日期').inputValue()).toBe('2025-01-01');
  });

  it("links each area's row to its cases", async () => {
    const { page } = b;
    await page.getByLabel('统计维度').selectOption('adminUnit');
    await expect.poll(caption).toMatch(/^按区域绩效统计/);
    const link = page.getByRole('link', { name: /^查看崇川区在本周期受理的案件$/ });
    const href = await link.getAttribute('href');
    const drill = new URL(href!, b.baseURL);
    expect(drill.pathname).toBe('/cases');
    expect(drill.searchParams.get('adminUnitId')).toMatch(/^\d+$/);
    expect(new Date(drill.searchParams.get('from')!).toISOString()).toBe('2024-12-31T16:00:00.000Z');
    expect(new Date(drill.searchParams.get('to')!).toISOString()).toBe('2025-12-31T16:00:00.000Z');
    await shot(page, 'stats-by-area');
    await link.click();
    await page.waitForURL((url) => url.pathname === '/cases' && url.searchParams.has('adminUnitId'));
    await page.goBack();
    await page.waitForURL(/\/stats/);
    // The closed count opens the cases it counts, closed in the period whenever received.
    const closed = page.getByRole('link', { name: /^崇川区在本周期结案的.+件案件$/ });
    const count = (await closed.textContent())!;
    expect(Number(count.replace(/,/g, ''))).toBeGreaterThan(0);
    await closed.click();
    await page.waitForURL((url) => url.pathname === '/cases' && url.searchParams.get('status') === 'closed' && url.searchParams.has('closedFrom'));
    expect(await page.getByLabel('日期类型').inputValue()).toBe('closed');
    expect(await page.getByLabel('结案日期起').inputValue()).toBe('2025-01-01');
    await expect.poll(() => page.locator('.pager-position').textContent()).toContain(`共 ${count} 条`);
    await page.goBack();
    await page.waitForURL(/\/stats/);
    // So does the due count (应结案), by the figures' own rule.
    const due = page.getByRole('link', { name: /^崇川区在本周期应结案的.+件案件$/ });
    const dueCount = (await due.textContent())!;
    await due.click();
    await page.waitForURL((url) => url.pathname === '/cases' && url.searchParams.has('dueFrom') && url.searchParams.has('dueTo'));
    expect(await page.getByLabel('日期类型').inputValue()).toBe('due');
    expect(await page.getByLabel('应结案日期止').inputValue()).toBe('2025-12-31');
    await expect.poll(() => page.locator('.pager-position').textContent()).toContain(`共 ${dueCount} 条`);
    await page.goBack();
    await page.waitForURL(/\/stats/);
  });

  it('downloads the figures as XLSX and CSV', async () => {
    const { page } = b;
    await expect.poll(caption).toMatch(/^按区域绩效统计/);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
    expect(xlsx.suggestedFilename()).toBe('case-figures-adminUnit-2025-01-01-2025-12-31.xlsx');
    const bytes = fs.readFileSync((await xlsx.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    expect(text.startsWith('\uFEFF标识 (key)')).toBe(true);
    expect(text).toContain('崇川区');
    await expect.poll(() => page.getByRole('status').filter({ hasText: '已下载' }).count()).toBeGreaterThan(0);
  });

  it('reads in English too', async () => {
    const { page } = b;
    await page.getByLabel('语言 Language').selectOption('en');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Figures');
    await expect.poll(caption).toMatch(/^By area, /);
    await shot(page, 'stats-en');
    try {
      // Categories and channels have English names; so do the cases with none.
      await page.getByLabel('Period', { exact: true }).selectOption('thisYear');
      const names = () => page.locator('main table tbody tr td:first-child').allTextContents();
      for (const [grouping, heading] of [['category', /^By category, /], ['channel', /^By channel, /]] as const) {
        await page.getByLabel('Group by', { exact: true }).selectOption(grouping);
        await expect.poll(caption).toMatch(heading);
        await expect.poll(async () => (await names()).length).toBeGreaterThan(2);
        expect((await names()).filter((name) => /\p{Script=Han}/u.test(name)), grouping).toEqual([]);
      }
      expect((await names()).filter((name) => name.startsWith('12345 hotline'))).toHaveLength(1);
    } finally {
      await page.getByLabel('语言 Language').selectOption('zh-CN');
    }
  });

  it('keeps both of two choices made quickly, one after the other, on a slow phone', async () => {
    const { page } = b;
    await page.goto('/stats');
    await expect.poll(caption).toMatch(/^按部门绩效统计/);
    // The period's new address renders late; the dimension chosen meanwhile must not take it back.
    await onASlowPhone(page, async () => {
      await page.getByLabel('统计周期').selectOption('thisYear', SLOW_STEP);
      await page.getByLabel('统计维度').selectOption('channel', SLOW_STEP);
    });
    await expect.poll(caption).toMatch(/^按渠道绩效统计/);
    const address = new URL(page.url());
    expect([address.searchParams.get('period'), address.searchParams.get('groupBy')]).toEqual(['thisYear', 'channel']);
    expect(await page.getByLabel('统计周期').inputValue()).toBe('thisYear');
  });

  it('fits a phone: the wide table scrolls sideways in its own region, the page does not', async () => {
    const { page } = b;
    await page.setViewportSize({ ...PHONE });
    try {
      // By category over the year: the longest names, and every row there is.
      await page.goto('/stats?period=thisYear&groupBy=category');
      await expect.poll(caption).toMatch(/^按类别绩效统计/);
      await expect.poll(() => page.locator('main table tbody tr').count()).toBeGreaterThan(2);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
      expect(widths.page, 'the page scrolls sideways').toBeLessThanOrEqual(widths.window);
      const region = page.getByRole('region', { name: /^按类别绩效统计/ });
      expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth), 'the table is wider than the phone').toBe(true);
      await shot(page, 'stats-phone');
    } finally {
      await page.setViewportSize({ ...DESKTOP });
    }
  });
});
