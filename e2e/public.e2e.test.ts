import { beforeAll, describe, expect, it } from 'vitest';
import { shot, useBrowser } from './browser.js';
import { Api, caseIdOf, gridWorkerPoint, handlerDepartment, png, solve, typePoint, type Point } from './cases-fixtures.js';

describe('the citizen portal', () => {
  const b = useBrowser();
  let point: Point;
  let ticketNo = '';
  let secretLink = '';

  beforeAll(async () => {
    ({ point } = await gridWorkerPoint(b.baseURL));
  });

  const answerChallenge = async () => {
    const label = b.page.locator('.challenge label');
    await expect.poll(() => label.textContent()).toMatch(/等于几|what is/);
    await b.page.locator('input[name="challenge"]').fill(String(solve((await label.textContent())!)));
  };

  it('reports a problem from a phone with a photo and a typed point, without loading the map', async () => {
    const { page } = b;
    const scripts: string[] = [];
    page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(r.url()); });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto('/report');
    await page.getByLabel('问题描述').fill('小区北门人行道上井盖缺失，夜里很危险。');
    await page.getByLabel('诉求类型').selectOption('complaint');
    await typePoint(page, point);
    await expect.poll(() => page.locator('.point-status').textContent()).toBe(`已选位置：经度 ${point.lon.toFixed(5)}，纬度 ${point.lat.toFixed(5)}`);
    await page.getByLabel('现场照片（可选）').setInputFiles({ name: 'manhole.png', mimeType: 'image/png', buffer: png(96, 72, [90, 90, 200]) });
    await page.locator('.photo-previews img').waitFor();
    // The gallery too, not the camera alone; and a phone's long file name does not widen the page.
    expect(await page.locator('input[type="file"]').getAttribute('capture')).toBeNull();
    await page.getByLabel('现场照片（可选）').setInputFiles({ name: `IMG_20261125_${'0'.repeat(60)}.png`, mimeType: 'image/png', buffer: png(8, 8, [9, 9, 9]) });
    await expect.poll(() => page.locator('.photo-previews img').count()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.getByRole('button', { name: `移除 IMG_20261125_${'0'.repeat(60)}.png` }).click();
    await page.getByLabel('手机号码').fill('13800001234');
    await page.getByLabel('公开我的描述、位置、答复和照片').check();
    await answerChallenge();
    await shot(page, 'public-report');
    await page.getByRole('button', { name: '提交反映' }).click();
    await page.getByTestId('receipt').waitFor();
    ticketNo = (await page.getByTestId('ticket-number').textContent())!;
    expect(ticketNo).toMatch(/^\d{13,}$/);
    secretLink = (await page.getByTestId('secret-link').getAttribute('href'))!;
    expect(secretLink).toMatch(new RegExp(`/track/${ticketNo}#k=.+`));
    expect(await page.getByTestId('receipt').textContent()).toContain('已上传 1 张照片');
    await shot(page, 'public-receipt');
    expect(scripts.filter((url) => /maplibre|PointPickerMap|echarts|EChart/i.test(url))).toEqual([]);
    page.removeAllListeners('request');

    const dispatcher = await Api.as(b.baseURL, 'dispatcher');
    const id = await caseIdOf(dispatcher, ticketNo);
    const c = await dispatcher.get<{ channel: string; requestType: string; status: string }>(`/api/v1/cases/${id}`);
    expect([c.channel, c.requestType, c.status]).toEqual(['citizen_app', 'complaint', 'received']);
    expect((await dispatcher.get<{ items: { stage: string }[] }>(`/api/v1/cases/${id}/photos`)).items.map((p) => p.stage)).toEqual(['report']);
  });

  it('follows the report by its ticket number, and says so when a number is unknown', async () => {
    const { page } = b;
    await page.getByRole('link', { name: '查看进度' }).click();
    await page.waitForURL(`**/track/${ticketNo}`);
    await page.getByRole('heading', { name: `工单 ${ticketNo}` }).waitFor();
    expect(await page.locator('.public-status').textContent()).toBe('已受理');
    expect(await page.locator('.public-timeline .timeline-entry').allTextContents()).toEqual([expect.stringContaining('已受理')]);
    expect(await page.locator('.rating-form').count()).toBe(0);
    // The photo sent with the report shows, as a thumbnail that has loaded.
    const photo = page.getByRole('img', { name: '照片 1' });
    await photo.waitFor();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await shot(page, 'public-track');

    b.allowConsoleError(/status of 404/);
    await page.goto('/track');
    await expect.poll(() => page.getByRole('link', { name: ticketNo }).count()).toBe(1); // reports from this device
    await page.getByLabel('工单号').fill('2000010100001');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: '没有找到' }).textContent()).toBe('没有找到工单号为 2000010100001 的案件。');
  });

  it('takes the point from the phone\'s GPS, or from a tap on the map (MapLibre loads only then)', async () => {
    const { page } = b;
    await b.context.grantPermissions(['geolocation'], { origin: b.baseURL });
    await b.context.setGeolocation({ longitude: 120.8612, latitude: 32.0123 });
    await page.goto('/report');
    await page.getByRole('button', { name: '使用当前位置' }).click();
    await expect.poll(() => page.locator('.point-status').textContent()).toBe('已选位置：经度 120.86120，纬度 32.01230');
    await page.getByRole('button', { name: '在地图上选点' }).click();
    const map = page.locator('.picker-map canvas');
    await map.waitFor();
    // The city's districts, fetched as the map opened, are drawn to find one's way on a map without tiles.
    await expect.poll(() => page.locator('.picker-map').getAttribute('data-outlines')).not.toBe('0');
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2 + 40, box.y + box.height / 2);
    await expect.poll(() => page.locator('.point-status').textContent()).not.toBe('已选位置：经度 120.86120，纬度 32.01230');
    expect(await page.locator('.point-status').textContent()).toMatch(/^已选位置：经度 120\.8\d+，纬度 32\.01\d+$/);
    await shot(page, 'public-map-pick');

    // Not ticked to be shown: the photo goes to staff, and the public page says so and shows none.
    await page.getByLabel('问题描述').fill('楼下邻居家的空调外机滴水到我家窗台。');
    await page.getByLabel('现场照片（可选）').setInputFiles({ name: 'drip.png', mimeType: 'image/png', buffer: png(64, 48, [200, 90, 90]) });
    expect(await page.getByLabel('公开我的描述、位置、答复和照片').isChecked()).toBe(false);
    await answerChallenge();
    await page.getByRole('button', { name: '提交反映' }).click();
    await page.getByTestId('receipt').waitFor();
    expect(await page.getByTestId('receipt').textContent()).toContain('已上传 1 张照片');
    await page.getByRole('link', { name: '查看进度' }).click();
    await page.getByText('未公开：反映内容和答复只有您（凭此链接）和工作人员能看到，照片仅工作人员可见。').waitFor();
    expect(await page.locator('.public-description').textContent()).toBe('楼下邻居家的空调外机滴水到我家窗台。');
    expect(await page.locator('.public-photos img').count()).toBe(0);
  });

  it('rates the outcome with the secret link once the case has been handled', async () => {
    const { page } = b;
    // The loop runs its course by the API: registered, dispatched, handled, checked on site.
    const dispatcher = await Api.as(b.baseURL, 'dispatcher');
    const handler = await Api.as(b.baseURL, 'department_handler');
    const worker = await Api.as(b.baseURL, 'grid_worker');
    const id = await caseIdOf(dispatcher, ticketNo);
    await dispatcher.act(id, 'register', { categoryCode: 'C0101' });
    await dispatcher.act(id, 'dispatch', { departmentId: (await handlerDepartment(b.baseURL)).id });
    await handler.act(id, 'accept');
    await handler.act(id, 'report_back', { note: '井盖已补装，盖框平稳。' });
    await worker.act(id, 'verify_ok');

    await page.goto(secretLink);
    await page.locator('.rating-form').waitFor();
    expect(await page.locator('.public-timeline').textContent()).toContain('井盖已补装，盖框平稳。');
    await page.getByRole('radio', { name: /非常满意/ }).check();
    await page.getByLabel('意见（可选）').fill('修得很快，谢谢！');
    await shot(page, 'public-rate');
    await page.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => page.locator('.public-case').getByRole('status').filter({ hasText: '感谢' }).textContent()).toBe('感谢您的评价！');
    const rated = await dispatcher.get<{ satisfaction: number; timeline: { action: string }[] }>(`/api/v1/cases/${id}`);
    expect(rated.satisfaction).toBe(5);
    expect(rated.timeline.at(-1)!.action).toBe('rate');
    await shot(page, 'public-rated');
  });

  it('turns on large text and high contrast, visibly, on the portal', async () => {
    const { page } = b;
    await page.goto('/report');
    await page.locator('#report-description').waitFor();
    const toggle = page.getByRole('button', { name: /大字高对比/ });
    const look = () => page.evaluate(() => {
      const area = document.querySelector('#report-description')!;
      return { font: getComputedStyle(document.documentElement).fontSize, border: getComputedStyle(area).borderTopWidth, text: getComputedStyle(document.body).color };
    });
    expect(await look()).toEqual({ font: '16px', border: '1px', text: 'rgb(27, 31, 36)' });
    await toggle.click();
    expect(await look()).toEqual({ font: '20px', border: '2px', text: 'rgb(0, 0, 0)' });
    await shot(page, 'public-report-large-text');
    await page.goto(`/track/${ticketNo}`);
    await page.getByRole('heading', { name: `工单 ${ticketNo}` }).waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains('large-text'))).toBe(true);
    await shot(page, 'public-track-large-text');
    await page.getByRole('button', { name: /大字高对比/ }).click();
  });

  it('reads in English too', async () => {
    const { page } = b;
    await page.getByLabel('语言 Language').selectOption('en');
    await page.getByRole('heading', { name: `Ticket ${ticketNo}` }).waitFor();
    expect(await page.locator('.public-status').textContent()).toBe('Verified');
    await shot(page, 'public-track-en');
    await page.goto('/report');
    await expect.poll(() => page.locator('.challenge label').textContent()).toMatch(/^Check: what is \d (plus|minus) \d\?$/);
    await page.getByLabel('语言 Language').selectOption('zh-CN');
  });
});
