import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Locator, Request } from 'playwright-core';
import { DESKTOP, onASlowPhone, PHONE, SCREENSHOT_DIR, shot, signIn, SLOW_STEP, useBrowser } from './browser.js';
import { Api, caseIdOf, gridWorkerPoint, handlerDepartment, hotlineCase, png, publicReport, switchUser, typePoint, type Point } from './cases-fixtures.js';

interface Made { id: number; ticketNo: string }

describe('the case screens', () => {
  const b = useBrowser();
  let dispatcher: Api;
  let point: Point;
  let department: { id: number; name: string };
  const cases: Made[] = [];
  let template: { id: number; title: string };

  beforeAll(async () => {
    dispatcher = await Api.as(b.baseURL, 'dispatcher');
    ({ point } = await gridWorkerPoint(b.baseURL));
    department = await handlerDepartment(b.baseURL);
    for (let i = 1; i <= 6; i++) cases.push(await hotlineCase(dispatcher, point, `E2E 队列案件 ${i}：小区门口垃圾堆积，无人清运。`));
    template = await dispatcher.post<{ id: number; title: string }>('/api/v1/response-templates', {
      title: 'E2E 派遣答复', body: '您反映的{category}问题（工单 {ticketNo}）已交{department}办理。', actions: ['dispatch', 'close', 'reject'],
    });
    // Print dialogs do not open in a headless browser; count the calls instead.
    await b.context.addInitScript(() => { window.print = () => { (window as unknown as { printed: number }).printed = ((window as unknown as { printed?: number }).printed ?? 0) + 1; }; });
  });

  const panel = () => b.page.getByTestId('work-panel');
  const caseRow = (ticketNo: string) => b.page.getByRole('row').filter({ hasText: ticketNo });

  it('shows the dispatcher the cases waiting to be registered, and registers one from the panel beside the list', async () => {
    const { page } = b;
    await signIn(page, 'dispatcher');
    await page.goto('/queue/dispatch');
    await caseRow(cases[0].ticketNo).waitFor();
    expect(await caseRow(cases[0].ticketNo).getByText('已受理').count()).toBe(1);
    await shot(page, 'dispatch-queue');
    // And on a command-centre wall screen.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dispatch-queue-wall.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByRole('button', { name: `办理案件 ${cases[0].ticketNo}` }).click();
    await panel().getByRole('heading', { name: `案件 ${cases[0].ticketNo}` }).waitFor();
    // Focus follows into the panel, so keyboard and screen-reader users land on the case.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(`案件 ${cases[0].ticketNo}`);
    // Exactly the server's allowedActions for a received case.
    const offered = await panel().locator('.action-buttons button').allTextContents();
    expect(offered).toEqual(['立案', '督办', '升级', '不予立案', '转出', '并单', '作废']);
    await panel().getByRole('button', { name: '立案', exact: true }).click();
    const form = panel().locator('form[data-action="register"]');
    await form.getByLabel('案件类别').selectOption('E0102');
    await form.getByLabel('紧急程度').selectOption('urgent');
    await shot(page, 'dispatch-register-form');
    await form.getByRole('button', { name: '确认立案' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: `案件 ${cases[0].ticketNo} 已立案` }).count()).toBe(1);
    const registered = await dispatcher.get<{ status: string; urgency: string; category: { code: string } }>(`/api/v1/cases/${cases[0].id}`);
    expect([registered.status, registered.urgency, registered.category.code]).toEqual(['registered', 'urgent', 'E0102']);
  });

  it('proposes the department from the catalogue and previews a response template filled in for the case', async () => {
    const { page } = b;
    await panel().getByRole('button', { name: '派遣', exact: true }).click();
    const form = panel().locator('form[data-action="dispatch"]');
    await expect.poll(() => form.locator('.department-picker .field-hint').textContent()).toMatch(/派单目录建议：.+城市管理局/);
    await form.getByLabel('回复模板').selectOption({ label: template.title });
    await expect.poll(() => form.getByTestId('template-preview').textContent()).toBe(`您反映的暴露垃圾问题（工单 ${cases[0].ticketNo}）已交办理。`);
    await shot(page, 'dispatch-template-preview');
    await form.getByRole('searchbox', { name: '搜索部门名称' }).fill(department.name);
    await form.getByRole('combobox', { name: '承办部门' }).selectOption({ label: department.name });
    await form.getByRole('button', { name: '确认派遣' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: `案件 ${cases[0].ticketNo} 已派遣` }).count()).toBe(1);
    const dispatched = await dispatcher.get<{ status: string; departments: { id: number }[]; timeline: { action: string; note: string | null }[] }>(`/api/v1/cases/${cases[0].id}`);
    expect(dispatched.status).toBe('dispatched');
    expect(dispatched.departments[0].id).toBe(department.id);
    // The server fills the template as the action leaves the case: with the department it went to.
    expect(dispatched.timeline.at(-1)!.note).toBe(`您反映的暴露垃圾问题（工单 ${cases[0].ticketNo}）已交${department.name}办理。`);
  });

  it('registers several cases at once with the keyboard and reports each result, one refused because it changed meanwhile', async () => {
    const { page } = b;
    await page.goto('/queue/dispatch?tab=received');
    const chosen = cases.slice(1, 4);
    for (const c of chosen) {
      const box = page.getByRole('checkbox', { name: `选择案件 ${c.ticketNo}` });
      await box.focus();
      await page.keyboard.press('Space');
      expect(await box.isChecked()).toBe(true);
    }
    // The keyboard focus is visible.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    const bar = page.locator('.bulk-bar');
    await bar.getByRole('heading', { name: '批量办理（已选 3 件）' }).waitFor();
    await bar.getByLabel('批量操作').selectOption('register');
    await bar.getByLabel('案件类别').selectOption('E0102');
    // Someone else registers the third case after it was selected: its version no longer holds.
    await expect.poll(() => bar.getByRole('button', { name: '对 3 件案件立案' }).isEnabled()).toBe(true);
    const c3 = await dispatcher.get<{ version: number }>(`/api/v1/cases/${chosen[2].id}`);
    await dispatcher.post<unknown>(`/api/v1/cases/${chosen[2].id}/actions`, { action: 'supervise', version: c3.version, note: '请尽快立案' });
    await bar.getByRole('button', { name: '对 3 件案件立案' }).focus();
    await page.keyboard.press('Enter');
    const results = page.getByTestId('bulk-results');
    await results.waitFor();
    expect(await results.locator('.alert').textContent()).toBe('批量立案：2 件成功，1 件未成功。');
    expect(await results.getByRole('row').filter({ hasText: chosen[0].ticketNo }).textContent()).toContain('已立案');
    expect(await results.getByRole('row').filter({ hasText: chosen[2].ticketNo }).textContent()).toContain('案件已被他人处理');
    await shot(page, 'dispatch-bulk-results');
    // The refused case stays selected, to try again.
    expect(await page.getByRole('checkbox', { name: `选择案件 ${chosen[2].ticketNo}` }).isChecked()).toBe(true);
  });

  it('dispatches the registered cases in bulk to one department with a response template', async () => {
    const { page } = b;
    await page.getByRole('button', { name: '待派遣' }).click();
    await page.waitForURL('**/queue/dispatch?tab=registered');
    for (const c of cases.slice(1, 3)) await page.getByRole('checkbox', { name: `选择案件 ${c.ticketNo}` }).check();
    const bar = page.locator('.bulk-bar');
    await bar.getByLabel('批量操作').selectOption('dispatch');
    await bar.getByRole('searchbox', { name: '搜索部门名称' }).fill(department.name);
    await bar.getByRole('combobox', { name: '承办部门' }).selectOption({ label: department.name });
    await bar.getByLabel('回复模板').selectOption({ label: template.title });
    expect(await bar.getByTestId('template-preview').textContent()).toContain('{ticketNo}');
    await bar.getByRole('button', { name: '对 2 件案件派遣' }).click();
    await expect.poll(() => page.getByTestId('bulk-results').locator('.alert').textContent()).toBe('批量派遣：2 件成功，0 件未成功。');
    for (const c of cases.slice(1, 3)) {
      const after = await dispatcher.get<{ status: string; timeline: { note: string | null }[] }>(`/api/v1/cases/${c.id}`);
      expect(after.status).toBe('dispatched');
      expect(after.timeline.at(-1)!.note).toContain(`工单 ${c.ticketNo}`);
    }
  });

  it('tells the dispatcher when someone acted first (409), and shows the case as it now stands', async () => {
    const { page } = b;
    b.allowConsoleError(/status of 409/);
    const c = cases[3]; // refused by the bulk registration above: still awaiting it
    await page.goto(`/cases/${c.id}`);
    await page.getByRole('heading', { name: `案件 ${c.ticketNo}`, level: 1 }).waitFor();
    await page.locator('.action-buttons').getByRole('button', { name: '立案', exact: true }).click();
    await page.locator('form[data-action="register"]').getByLabel('案件类别').selectOption('E0102');
    // Meanwhile a colleague supervises it: the version the page decided on is gone.
    const now = await dispatcher.get<{ version: number }>(`/api/v1/cases/${c.id}`);
    await dispatcher.post<unknown>(`/api/v1/cases/${c.id}/actions`, { action: 'supervise', version: now.version, note: '群众反映强烈，请加快办理' });
    await page.getByRole('button', { name: '确认立案' }).click();
    await expect.poll(() => page.locator('.action-panel').getByRole('status').textContent()).toBe('此案件刚刚被他人处理过，已重新载入最新状态，请确认后再操作。');
    await expect.poll(() => page.locator('.timeline-entry[data-action="supervise"]').count()).toBe(2);
    await shot(page, 'case-conflict');
  });

  it('prints the case sheet and, for a supervised case, the supervision order (督办单)', async () => {
    const { page } = b;
    await page.getByRole('button', { name: '打印案件单' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { printed?: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.print-doc h1').textContent()).toBe('案件处置单');
    expect(await page.locator('#main').isVisible()).toBe(false);
    await shot(page, 'case-print-sheet');
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('button', { name: '打印督办单' }).click();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.print-doc h1').textContent()).toBe('督办单');
    expect(await page.locator('.print-reasons').textContent()).toContain('群众反映强烈，请加快办理');
    await shot(page, 'case-print-supervision');
    await page.emulateMedia({ media: 'screen' });
  });

  it('lists cases with filters in the address, finds one by its ticket number, and pages', { timeout: 120_000 }, async () => {
    const { page } = b;
    await page.goto('/cases');
    await page.getByRole('row').nth(1).waitFor();
    expect(await page.locator('.pager-position').textContent()).toMatch(/第 1 \/ \d+ 页 · 共 \d+ 条/);
    await shot(page, 'case-list');
    await page.getByRole('button', { name: '下一页' }).click();
    await page.waitForURL('**/cases?page=2');
    await expect.poll(() => page.locator('.pager-position').textContent()).toMatch(/^第 2 \//);
    await page.getByLabel('工单号、来电号码或关键词').fill(cases[1].ticketNo);
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe(`?q=${cases[1].ticketNo}`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').textContent()).toContain('已派遣');
    // On a slow phone the cleared address renders late, after the next filters are chosen: it must not
    // take them back.
    await onASlowPhone(page, async () => {
      await page.getByRole('button', { name: '清除条件' }).click(SLOW_STEP);
      await page.getByLabel('状态').selectOption('dispatched', SLOW_STEP);
      await page.getByLabel('仅看已超期').check(SLOW_STEP);
    });
    await expect.poll(() => new URL(page.url()).search).toBe('');
    expect(await page.getByLabel('工单号、来电号码或关键词').inputValue()).toBe('');
    expect(await page.getByLabel('状态').inputValue()).toBe('dispatched');
    expect(await page.getByLabel('仅看已超期').isChecked()).toBe(true);
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?status=dispatched&overdue=true');
    // The figures' drill-down links carry the same query.
    await page.goto(`/cases?channel=hotline&q=${encodeURIComponent('E2E 队列案件')}`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(6);
    expect(await page.getByLabel('来源渠道').inputValue()).toBe('hotline');
    await page.goto(`/cases?channel=hotline&categoryCode=E01&q=${encodeURIComponent('E2E 队列案件')}`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    await shot(page, 'case-list-filtered');
  });

  it('folds the filters on a phone, so that the words and the first cases fit its first screen', async () => {
    const { page } = b;
    await page.setViewportSize({ ...PHONE });
    try {
      await page.goto('/cases?status=dispatched');
      const first = page.locator('tbody tr').first();
      await first.waitFor();
      const fold = page.locator('details.filter-more');
      expect(await fold.getAttribute('open')).toBeNull();
      expect(await page.getByLabel('状态').isVisible()).toBe(false);
      // What is set under the fold says so on it.
      expect(await fold.locator('summary').textContent()).toContain('已选 1 项');
      expect(await page.getByLabel('工单号、来电号码或关键词').isVisible()).toBe(true);
      // Polled: the list may be between two renderings (a refetch, a live update), its row not laid out for a moment.
      await expect.poll(async () => (await first.boundingBox())?.y ?? Infinity).toBeLessThan(PHONE.height);
      await shot(page, 'case-list-phone');
      await fold.locator('summary').click();
      expect(await page.getByLabel('状态').inputValue()).toBe('dispatched');
    } finally {
      await page.setViewportSize({ ...DESKTOP });
    }
  });

  it('shows a case with its map, photos, reporter and timeline', async () => {
    const { page } = b;
    await dispatcher.photo(cases[0].id, png(120, 90, [30, 120, 60]), 'report');
    await page.goto(`/cases/${cases[0].id}`);
    await page.locator('.case-map canvas').waitFor();
    await page.locator('.photo-gallery img').first().waitFor();
    expect(await page.locator('.photo-gallery img').first().getAttribute('src')).toMatch(/^blob:/);
    expect(await page.locator('.timeline-entry').count()).toBeGreaterThanOrEqual(4);
    await shot(page, 'case-detail');
  });

  it('answers an address whose id is no id with the not-found screen, and never asks the server for NaN', async () => {
    const { page } = b;
    const asked: string[] = [];
    const listen = (request: Request) => { if (request.url().includes('/api/')) asked.push(request.url()); };
    page.on('request', listen);
    try {
      for (const id of ['abc', '0', '-1']) {
        await page.goto(`/cases/${id}`);
        await expect.poll(() => page.locator('main h1').textContent()).toBe('页面不存在');
        expect(asked.filter((url) => url.includes('/api/v1/cases/'))).toEqual([]);
      }
      // Numbers in the query fare alike: a page or department that is no number is left out.
      await page.goto('/queue/dispatch?page=abc');
      await expect.poll(() => asked.some((url) => url.includes('/api/v1/cases?') && new URL(url).searchParams.get('page') === '1')).toBe(true);
      // Every request of the list answered, so that the next test's sign-out cuts none short.
      const answered = Promise.all(['/api/v1/cases?', '/api/v1/admin-units', '/api/v1/case-categories', '/api/v1/departments'].map((path) => page.waitForResponse((r) => r.url().includes(path))));
      await page.goto('/cases?departmentId=abc&adminUnitId=-2&page=x');
      await answered;
      expect(asked.filter((url) => /NaN|=-2/.test(url))).toEqual([]);
    } finally {
      page.off('request', listen);
    }
  });

  it('gives the department handler her inbox: accept, then report back with a photo', async () => {
    const { page } = b;
    await switchUser(page, 'department_handler');
    expect(new URL(page.url()).pathname).toBe('/queue/department');
    await caseRow(cases[1].ticketNo).waitFor();
    await shot(page, 'department-queue');
    const workOn = page.getByRole('button', { name: `办理案件 ${cases[1].ticketNo}` });
    await workOn.click();
    // Escape puts the case away and gives the keyboard back to its row; opened again, the work goes on.
    await panel().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);
    await expect.poll(() => workOn.evaluate((el) => el === document.activeElement)).toBe(true);
    await workOn.click();
    await panel().getByRole('button', { name: '签收', exact: true }).click();
    await panel().getByRole('button', { name: '确认签收' }).click();
    await expect.poll(() => panel().locator('.action-buttons button').allTextContents()).toEqual(['办结反馈', '转办', '申请延期']);
    // Done, the keyboard is at the head of the next step's buttons; a form cancelled gives it back to its button.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id ?? '')).toMatch(/^actions-/);
    await panel().getByRole('button', { name: '转办', exact: true }).click();
    await panel().getByRole('button', { name: '取消' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('transfer');
    await panel().getByRole('button', { name: '办结反馈', exact: true }).click();
    const form = panel().locator('form[data-action="report_back"]');
    await form.getByRole('button', { name: '确认办结反馈' }).click();
    expect(await form.locator('.field-error').textContent()).toBe('请填写说明，或选用一个回复模板。');
    await form.getByLabel('照片').setInputFiles({ name: 'done.png', mimeType: 'image/png', buffer: png(80, 60, [20, 60, 160]) });
    await form.getByLabel('说明（必填）').fill('垃圾已清运，地面已冲洗。');
    await shot(page, 'department-report-back');
    await form.getByRole('button', { name: '确认办结反馈' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: `案件 ${cases[1].ticketNo} 已办结反馈` }).count()).toBe(1);
    const photos = await dispatcher.get<{ items: { stage: string }[] }>(`/api/v1/cases/${cases[1].id}/photos`);
    expect(photos.items.map((p) => p.stage)).toEqual(['handling']);
  });

  it('lets the grid worker report from her phone with GPS and a camera photo, registered to her grid', async () => {
    const { page } = b;
    await b.context.grantPermissions(['geolocation'], { origin: b.baseURL });
    await b.context.setGeolocation({ longitude: point.lon, latitude: point.lat });
    await page.setViewportSize({ width: 375, height: 812 });
    await switchUser(page, 'grid_worker');
    await page.getByRole('heading', { name: /待核查/ }).waitFor();
    await page.getByRole('button', { name: '上报新事件' }).click();
    const form = page.locator('form.patrol-form');
    await form.getByLabel('案件类别').selectOption('E0102');
    await form.getByLabel('事件描述').fill('巡查发现：路口垃圾桶满溢。');
    await form.getByRole('button', { name: '使用当前位置' }).click();
    await expect.poll(() => form.locator('.point-status').textContent()).toMatch(/^已选位置：经度/);
    const input = form.locator('input[type="file"]');
    expect([await input.getAttribute('accept'), await input.getAttribute('capture')]).toEqual(['image/*', 'environment']);
    await input.setInputFiles({ name: 'patrol.png', mimeType: 'image/png', buffer: png(64, 64, [120, 100, 20]) });
    await shot(page, 'grid-report-form');
    await form.getByRole('button', { name: '上报', exact: true }).click();
    await expect.poll(() => form.locator('.alert-success').textContent()).toMatch(/已上报并自动立案，工单号 \d{13}/);
    const ticketNo = /工单号 (\d+)/.exec((await form.locator('.alert-success').textContent())!)![1];
    const found = await dispatcher.get<{ items: { id: number; status: string; channel: string }[] }>(`/api/v1/cases?q=${ticketNo}`);
    expect([found.items[0].status, found.items[0].channel]).toEqual(['registered', 'patrol']);
    expect((await dispatcher.get<{ items: unknown[] }>(`/api/v1/cases/${found.items[0].id}/photos`)).items).toHaveLength(1);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows the grid worker what awaits her check in her grids', async () => {
    const { page } = b;
    await page.reload();
    const card = page.locator('.case-card').filter({ hasText: cases[1].ticketNo });
    await card.waitFor();
    await card.getByRole('button', { name: `现场核查 ${cases[1].ticketNo}` }).click();
    await card.getByTestId('work-panel').locator('.action-buttons').waitFor();
    expect(await card.getByTestId('work-panel').locator('.action-buttons button').allTextContents()).toEqual(['核查通过', '核查不通过']);
    await shot(page, 'grid-queue');
  });

  it('shows markup stored in a case as text on the case page and in the list, never as markup', async () => {
    const { page } = b;
    await switchUser(page, 'dispatcher');
    const hostile = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>粗体</b> 井盖缺失，路人险些踩空';
    const made = await hotlineCase(dispatcher, point, hostile);
    await page.goto(`/cases/${made.id}`);
    await expect.poll(() => page.getByText(hostile).count()).toBeGreaterThan(0);
    await page.goto(`/cases?q=${encodeURIComponent(made.ticketNo)}`);
    await expect.poll(() => caseRow(made.ticketNo).count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('main b, main script, main img[src="x"]').count()).toBe(0);
  });
  it('lets the dispatcher take a 12345 call in from the queue, with the caller\'s number for the call back', async () => {
    const { page } = b;
    await switchUser(page, 'dispatcher');
    await page.goto('/queue/dispatch');
    await page.getByRole('button', { name: '来电登记' }).click();
    const form = page.locator('form.patrol-form');
    await form.getByLabel('诉求类型').selectOption('complaint');
    // 180 subjects: typing narrows them.
    const all = await form.getByLabel('案件类别').locator('option').count();
    await form.getByLabel('查找类别').fill('E0102');
    await expect.poll(() => form.getByLabel('案件类别').locator('option').count()).toBe(2);
    expect(all).toBeGreaterThan(50);
    await form.getByLabel('案件类别').selectOption('E0102');
    await form.getByLabel('来电反映的问题').fill('来电反映：小区门口垃圾三天无人清运。');
    // The desk's position is not the caller's: no GPS here. A missing point is said, and goes once one is given.
    expect(await form.getByRole('button', { name: '使用当前位置' }).count()).toBe(0);
    await form.getByRole('button', { name: '登记', exact: true }).click();
    await expect.poll(() => form.locator('.point-field .field-error').count()).toBe(1);
    await typePoint(form, point);
    await expect.poll(() => form.locator('.point-field .field-error').count()).toBe(0);
    await form.getByLabel('来电号码（可选，用于回访）').fill('13912345678');
    await form.getByRole('button', { name: '登记', exact: true }).click();
    await expect.poll(() => form.locator('.alert-success').textContent()).toMatch(/已登记，工单号 \d{13}/);
    // The outcome takes the focus, so the next call starts from the top of the emptied form.
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('form-outcome');
    const ticketNo = /工单号 (\d+)/.exec((await form.locator('.alert-success').textContent())!)![1];
    const found = await dispatcher.get<{ items: { id: number; status: string; channel: string; requestType: string }[] }>(`/api/v1/cases?q=${ticketNo}`);
    expect([found.items[0].channel, found.items[0].requestType, found.items[0].status]).toEqual(['hotline', 'complaint', 'received']);
    const taken = await dispatcher.get<{ reporter: { phone: string | null } | null }>(`/api/v1/cases/${found.items[0].id}`);
    expect(taken.reporter?.phone).toMatch(/^139\*+5678$|^13912345678$/);
    await caseRow(ticketNo).waitFor();
  });

  it('calls back a citizen who rated the case already without asking her rating again', async () => {
    const { page } = b;
    const { ticketNo, secret } = await publicReport(b.baseURL, point, 'E2E 回访：路灯不亮，已在网上评价。');
    const id = await caseIdOf(dispatcher, ticketNo);
    const handler = await Api.as(b.baseURL, 'department_handler');
    await dispatcher.act(id, 'register', { categoryCode: 'E0102' });
    await dispatcher.act(id, 'dispatch', { departmentId: department.id });
    await handler.act(id, 'accept');
    await handler.act(id, 'report_back', { note: '路灯已修复。' });
    await (await Api.as(b.baseURL, 'grid_worker')).act(id, 'verify_ok');
    await (await Api.as(b.baseURL, null)).post(`/api/v1/public/cases/${ticketNo}/rating`, { secret, satisfaction: 4 });

    await page.goto(`/cases/${id}`);
    await page.locator('.action-buttons').getByRole('button', { name: '回访', exact: true }).click();
    const form = page.locator('form[data-action="callback"]');
    await expect.poll(() => form.locator('.reporter-rating').textContent()).toBe('市民已评价：满意（4）');
    expect(await form.getByRole('radio').count()).toBe(0);
    await form.getByLabel('说明（可选）').fill('电话回访，市民确认路灯已亮。');
    await form.getByRole('button', { name: '确认回访' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: `案件 ${ticketNo} 已回访` }).count()).toBe(1);
    const after = await dispatcher.get<{ status: string; satisfaction: number; timeline: { action: string }[] }>(`/api/v1/cases/${id}`);
    expect([after.status, after.satisfaction, after.timeline.at(-1)?.action]).toEqual(['verified', 4, 'callback']);
  });

  it('asks before refusing several cases at once, and refuses none until asked and answered', async () => {
    const { page } = b;
    const refused = [await hotlineCase(dispatcher, point, 'E2E 批量不予立案 1：重复来电。'), await hotlineCase(dispatcher, point, 'E2E 批量不予立案 2：重复来电。')];
    await page.goto('/queue/dispatch?tab=received');
    for (const c of refused) await page.getByRole('checkbox', { name: `选择案件 ${c.ticketNo}` }).check();
    const bar = page.locator('.bulk-bar');
    await bar.getByLabel('批量操作').selectOption('reject');
    await bar.getByLabel('说明（必填）').fill('重复来电，已在原工单中办理。');
    const submit = bar.getByRole('button', { name: '对 2 件案件不予立案' });
    await expect.poll(() => submit.isEnabled()).toBe(true);
    await submit.click();
    const question = bar.getByRole('group', { name: '确定对 2 件案件不予立案？' });
    await question.waitFor();
    const statuses = async () => Promise.all(refused.map(async (c) => (await dispatcher.get<{ status: string }>(`/api/v1/cases/${c.id}`)).status));
    expect(await statuses()).toEqual(['received', 'received']);
    await question.getByRole('button', { name: '取消' }).click();
    await submit.click();
    await question.getByRole('button', { name: '确认不予立案 2 件' }).click();
    await expect.poll(() => page.getByTestId('bulk-results').locator('.alert').textContent()).toBe('批量不予立案：2 件成功，0 件未成功。');
    expect(await statuses()).toEqual(['rejected', 'rejected']);
  });

  it("keeps each queue's work button on a phone's screen, without scrolling sideways", async () => {
    const { page } = b;
    /** The button lies inside the window and nothing covers or clips it where a thumb would press. */
    const expectInSight = async (button: Locator) => {
      await button.waitFor();
      await page.evaluate((y) => window.scrollTo(0, y), ((await button.boundingBox())!.y) - 200);
      const box = (await button.boundingBox())!;
      expect(box.x, 'left edge').toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, 'right edge').toBeLessThanOrEqual(PHONE.width);
      const label = await button.getAttribute('aria-label') ?? await button.textContent();
      const hit = await page.evaluate(({ x, y }) => {
        const el = document.elementFromPoint(x, y)?.closest('button');
        return el?.getAttribute('aria-label') ?? el?.textContent ?? null;
      }, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
      expect(hit).toBe(label);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page scrolls sideways').toBe(true);
    };
    await page.setViewportSize({ ...PHONE });
    try {
      await page.goto('/queue/dispatch');
      await expectInSight(page.getByRole('button', { name: /^办理案件 / }).first());
      await switchUser(page, 'department_handler');
      await page.goto('/queue/department?tab=open');
      const work = page.getByRole('button', { name: /^办理案件 / }).first();
      await expectInSight(work);
      await work.click();
      await panel().getByRole('heading', { name: /^案件 \d+$/ }).waitFor();
      await shot(page, 'department-queue-phone');
      await switchUser(page, 'grid_worker');
      await expectInSight(page.getByRole('button', { name: `现场核查 ${cases[1].ticketNo}` }));
    } finally {
      await page.setViewportSize({ ...DESKTOP });
    }
  });
});
