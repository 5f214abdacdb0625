import { beforeAll, describe, expect, it } from 'vitest';
import { shot, signIn, useBrowser } from './browser.js';
import { Api, gridWorkerPoint, handlerDepartment, switchUser } from './cases-fixtures.js';

/**
 * The outbox in the web app (src/notify): the department hears of a case dispatched to it, with a
 * count of what is new beside 消息; the case page shows what its reporter was told and whether it
 * went out, never the reporter's number.
 */
describe('the messages', () => {
  const b = useBrowser();
  const phone = '13900007777';
  let ticketNo = '';
  let caseId = 0;

  beforeAll(async () => {
    const { point } = await gridWorkerPoint(b.baseURL);
    const department = await handlerDepartment(b.baseURL);
    const dispatcher = await Api.as(b.baseURL, 'dispatcher');
    const taken = await dispatcher.post<{ id: number; ticketNo: string; version: number }>('/api/v1/cases', {
      channel: 'hotline', requestType: 'complaint', description: '小区门口垃圾堆放三天无人清运', location: point, reporter: { phone },
    });
    ({ id: caseId, ticketNo } = taken);
    await dispatcher.act(caseId, 'register', { categoryCode: 'E0102' });
    await dispatcher.act(caseId, 'dispatch', { departmentId: department.id });
  });

  it('counts what is new for the department beside 消息, lists it, and clears the count once read', async () => {
    const { page } = b;
    await signIn(page, 'department_handler');
    const link = page.getByRole('navigation').getByRole('link', { name: /^消息/ });
    const badge = link.locator('.nav-badge');
    await expect.poll(() => link.textContent()).toMatch(/^消息(\d+)\1 条新消息$/);
    // On a phone the count shows on the closed menu's button too.
    const count = await badge.textContent();
    await page.setViewportSize({ width: 375, height: 812 });
    const menu = page.getByRole('button', { name: /^菜单/ });
    expect(await menu.locator('.nav-badge').textContent()).toBe(count);
    await menu.click();
    expect(await menu.locator('.nav-badge').count()).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await link.click();
    expect(await page.getByRole('button', { name: '给我和本单位' }).getAttribute('aria-pressed')).toBe('true');
    const message = page.locator('.message').filter({ hasText: `新派单 ${ticketNo}` });
    await message.waitFor();
    expect(await message.locator('.message-new').textContent()).toBe('新');
    expect(await message.textContent()).toContain('站内消息');
    await expect.poll(() => badge.count()).toBe(0);
    await shot(page, 'messages-department');

    expect(await message.getByRole('link', { name: '查看案件' }).getAttribute('href')).toBe(`/cases/${caseId}`);
  });

  it("shows on the case what its reporter was told and that the texts wait for a gateway, without the number", async () => {
    const { page } = b;
    await switchUser(page, 'dispatcher');
    await page.goto(`/cases/${caseId}`);
    const section = page.getByRole('region', { name: '通知记录' });
    await expect.poll(() => section.locator('.message').count()).toBe(3);
    const texts = await section.locator('.message').allTextContents();
    expect(texts.every((text) => text.includes('短信告知反映人') && text.includes('待发送') && text.includes(ticketNo))).toBe(true);
    expect(texts[0]).toContain('已派遣至承办单位');
    expect(await section.textContent()).not.toContain(phone);
    await shot(page, 'messages-case');
  });

  it("lists the dispatcher's jurisdiction's messages to reporters, newest first, page after page, and reads in English", async () => {
    const { page } = b;
    // More than a page of them: thirty more hotline callers who left a number.
    const dispatcher = await Api.as(b.baseURL, 'dispatcher');
    const { point } = await gridWorkerPoint(b.baseURL);
    for (let i = 0; i < 30; i++) {
      await dispatcher.post('/api/v1/cases', { channel: 'hotline', requestType: 'inquiry', description: `咨询公交线路 ${i}`, location: point, reporter: { phone } });
    }
    await page.getByRole('navigation').getByRole('link', { name: /^消息/ }).click();
    expect(await page.getByRole('button', { name: '告知群众' }).getAttribute('aria-pressed')).toBe('true');
    await page.locator('.message').first().waitFor();
    expect(await page.locator('.message').count()).toBe(30);
    await page.getByRole('button', { name: '更早的消息' }).click();
    await page.locator('.message').filter({ hasText: ticketNo }).first().waitFor();
    const ids = await page.locator('.message').evaluateAll((items) => items.map((m) => Number(m.getAttribute('data-message-id'))));
    expect(ids.length).toBeGreaterThan(30);
    expect(ids).toEqual([...new Set(ids)].sort((x, y) => y - x));
    expect(await page.locator('.message').filter({ hasText: ticketNo }).count()).toBe(3);
    await page.getByRole('button', { name: '给我和本单位' }).click();
    await page.waitForURL('**/messages?audience=staff');
    await page.getByText('暂无给您或本单位的消息。').waitFor();

    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('button', { name: 'Told to reporters' }).click();
    await page.locator('.message').first().getByText('Text message to the reporter').waitFor();
    expect(await page.getByRole('button', { name: 'Older messages' }).isVisible()).toBe(true);
    await page.getByLabel('Language').selectOption('zh-CN');
    await shot(page, 'messages-reporters');
  });

  it("words the department's messages in the reader's language", async () => {
    const { page } = b;
    await switchUser(page, 'department_handler');
    await page.getByRole('navigation').getByRole('link', { name: /^消息/ }).click();
    await page.locator('.message').filter({ hasText: `新派单 ${ticketNo}` }).waitFor();
    await page.getByLabel('语言').selectOption('en');
    const message = page.locator('.message').filter({ hasText: `New case ${ticketNo}` });
    await message.waitFor();
    expect(await message.locator('.message-body').textContent()).toBe(`Case ${ticketNo} has been sent to your department: please accept it and start handling it.`);
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.locator('.message').filter({ hasText: `新派单 ${ticketNo}` }).waitFor();
  });
});
