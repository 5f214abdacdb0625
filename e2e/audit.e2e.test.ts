import { beforeAll, describe, expect, it } from 'vitest';
import { shot, signIn, useBrowser } from './browser.js';
import { Api, gridWorkerPoint, switchUser } from './cases-fixtures.js';

/**
 * 审计日志 in the browser: an auditor reads the trail newest first, narrows it to a kind of
 * action and to one case's history, opens a row to see what it changed, and pages back; a
 * dispatcher has no such screen.
 */
describe('the audit trail', () => {
  const b = useBrowser();
  let caseId = 0;

  beforeAll(async () => {
    const { point } = await gridWorkerPoint(b.baseURL);
    const dispatcher = await Api.as(b.baseURL, 'dispatcher');
    ({ id: caseId } = await dispatcher.post<{ id: number }>('/api/v1/cases', {
      channel: 'hotline', requestType: 'complaint', description: '审计测试：路灯不亮', location: point,
    }));
    await dispatcher.act(caseId, 'register', { categoryCode: 'E0102' });
  });

  it('shows the newest row first: the auditor signing in', async () => {
    const { page } = b;
    await signIn(page, 'auditor');
    await page.getByRole('navigation').getByRole('link', { name: '审计日志' }).click();
    const first = page.getByRole('row').nth(1);
    await expect.poll(() => first.textContent()).toMatch(/auditor · 审计员.*登录.*用户/);
  });

  it("narrows to one case's history, which links to the case, and shows what each row changed", async () => {
    const { page } = b;
    const filters = page.getByRole('search', { name: '筛选审计记录' });
    await filters.getByLabel('对象类别').selectOption('case');
    await filters.getByLabel('对象编号').fill(String(caseId));
    await filters.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(`**/audit?targetType=case&targetId=${caseId}`);
    const rows = page.getByRole('row').filter({ has: page.getByRole('cell') });
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toMatch(/dispatcher · 受理派遣员.*立案.*案件 \d+/);
    expect(await rows.nth(1).textContent()).toMatch(/登记案件/);
    await rows.nth(0).getByText(/\d+ 项/).click();
    expect(await rows.nth(0).locator('dl').textContent()).toContain('categoryCode');
    await shot(page, 'audit');
    await rows.nth(1).getByRole('link', { name: `案件 ${caseId}`, exact: true }).click();
    await page.waitForURL(`**/cases/${caseId}`);
    await page.goBack();
    await expect.poll(() => page.getByLabel('对象编号').inputValue()).toBe(String(caseId));
  });

  it('narrows to a kind of action and pages back through older rows', async () => {
    const { page } = b;
    const filters = page.getByRole('search', { name: '筛选审计记录' });
    await filters.getByRole('button', { name: '清除条件' }).click();
    await filters.getByLabel('操作类别').selectOption({ label: '账号管理' });
    await filters.getByRole('button', { name: '查询' }).click();
    await page.waitForURL('**/audit?action=user.*');
    const rows = page.getByRole('row').filter({ has: page.getByRole('cell') });
    // The list before the filter had 50 rows too: wait for the rows to be the filtered ones.
    const accountRow = /新建账号|修改账号|停用账号|重置密码|修改本人密码/;
    await expect.poll(async () => (await rows.allTextContents()).filter((text) => accountRow.test(text)).length).toBe(50);
    expect(await rows.count()).toBe(50);
    await page.getByRole('button', { name: '更早的记录' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(50);
  });

  it('is not for a dispatcher', async () => {
    const { page } = b;
    await switchUser(page, 'dispatcher');
    expect(await page.getByRole('navigation').getByRole('link', { name: '审计日志' }).count()).toBe(0);
    const denied = await fetch(`${b.baseURL}/api/v1/audit`, { headers: { authorization: `Bearer ${(await Api.as(b.baseURL, 'dispatcher')).token}` } });
    expect(denied.status).toBe(403);
  });
});
