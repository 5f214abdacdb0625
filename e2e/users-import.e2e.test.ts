import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shot, signIn, useBrowser } from './browser.js';
import { signOut } from './cases-fixtures.js';

/**
 * 导入账号 on the users screen: an administrator checks a file of staff accounts, sees every rejected
 * row with its column, fixes it, imports it, and gets the first passwords once, on screen and as a
 * CSV download; a new grid worker then signs in with hers. The accounts are this file's own.
 */
describe('importing staff accounts', () => {
  const b = useBrowser();
  const stamp = Date.now().toString(36);
  const worker = `e2e_imp_worker_${stamp}`;
  const mediator = `e2e_imp_mediator_${stamp}`;
  const file = (rows: string[]) => ({ name: 'accounts.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF用户名,姓名,角色,区域,手机\r\n${rows.join('\r\n')}\r\n`) });

  it('lists the problems of a bad file by row and column, and imports nothing', async () => {
    const { page } = b;
    await signIn(page, 'admin');
    await page.getByRole('navigation').getByRole('link', { name: '用户管理' }).click();
    await page.getByRole('row').nth(1).waitFor();
    await page.getByRole('button', { name: '导入账号' }).click();
    const panel = page.getByRole('region', { name: '批量导入账号' });
    b.allowConsoleError(/status of 422/);
    await panel.getByLabel('文件').setInputFiles(file([`${worker},张网格,网格员,320613,`, `${mediator},,国王,999999,abc`]));
    await panel.getByRole('button', { name: '检查文件' }).click();
    await expect.poll(() => panel.locator('[role="alert"]').textContent()).toContain('未导入任何账号：1 行有问题');
    const report = panel.getByRole('list', { name: '有问题的行' });
    expect(await report.locator('> li').count()).toBe(1);
    const text = await report.locator('> li').first().textContent();
    expect(text).toMatch(new RegExp(`^第 2 行 · ${mediator}`));
    expect(text).toContain('姓名 (displayName) is missing');
    expect(text).toContain('角色 (role) must be one of');
    expect(text).toContain('区域 (area) 999999 is not an admin unit in your jurisdiction');
    expect(text).toContain('手机 (phone) must be');
    expect(await panel.getByRole('button', { name: /^导入 \d+ 个账号$/ }).count()).toBe(0);
    expect(await panel.locator('.field-error').count()).toBe(0); // the report is the list, not the file field
    await shot(page, 'users-import-rejected');
  });

  it('checks a good file, imports it and shows the first passwords once, to download', async () => {
    const { page } = b;
    const panel = page.getByRole('region', { name: '批量导入账号' });
    await panel.getByLabel('文件').setInputFiles(file([`${worker},张网格,网格员,320613,13800001111`, `${mediator},李调解,mediator,320612,`]));
    await panel.getByRole('button', { name: '检查文件' }).click();
    const preview = panel.getByRole('table', { name: '将要创建的账号' });
    await expect.poll(() => preview.getByRole('row').count()).toBe(3);
    expect(await preview.getByRole('row').nth(1).textContent()).toMatch(new RegExp(`${worker}张网格网格员崇川区`));
    expect(await preview.getByRole('row').nth(2).textContent()).toMatch(new RegExp(`${mediator}李调解调解员通州区`));

    await panel.getByRole('button', { name: '导入 2 个账号' }).click();
    await page.getByRole('status').filter({ hasText: '已创建 2 个账号' }).waitFor();
    expect(await panel.textContent()).toContain('生成的初始密码仅显示一次');
    const passwords = panel.getByRole('table', { name: '新账号及其初始密码' });
    const rows = passwords.getByRole('row');
    expect(await rows.count()).toBe(3);
    const shown = new Map<string, string>();
    for (const i of [1, 2]) {
      const cells = await rows.nth(i).getByRole('cell').allTextContents();
      expect(cells[3]).toMatch(/^[2-9A-Za-z]{5}-[2-9A-Za-z]{5}-[2-9A-Za-z]{5}$/);
      shown.set(cells[0], cells[3]);
    }
    expect([...shown.keys()]).toEqual([worker, mediator]);
    await shot(page, 'users-import-passwords');

    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: '下载初始密码 (CSV)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^初始密码-\d{12}\.csv$/);
    const saved = fs.readFileSync((await download.path())!, 'utf8');
    expect(saved.startsWith('\uFEFF用户名 (username),姓名 (displayName),角色 (role),初始密码 (initialPassword)\r\n')).toBe(true);
    expect(saved).toContain(`${worker},张网格,grid_worker,${shown.get(worker)}\r\n`);
    expect(saved).toContain(`${mediator},李调解,mediator,${shown.get(mediator)}\r\n`);

    // Closed, the passwords are gone from the page; the accounts are in the list.
    await panel.getByRole('button', { name: '已保存密码，关闭' }).click();
    expect(await page.getByRole('region', { name: '批量导入账号' }).count()).toBe(0);
    await page.getByLabel('用户名或姓名').fill('e2e_imp_');
    await page.getByRole('button', { name: '查找' }).click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: stamp }).count()).toBe(2);
    expect(await page.content()).not.toContain(shown.get(worker));

    await signOut(page);
    await signIn(page, worker, shown.get(worker));
    await expect.poll(() => page.locator('header .who').textContent()).toContain('张网格');
  });
});
