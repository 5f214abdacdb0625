import { describe, expect, it } from 'vitest';
import { shot, signIn, useBrowser } from './browser.js';
import { Api, switchUser } from './cases-fixtures.js';

/** 回复模板 in the browser: a dispatcher writes one with a placeholder, is told of a bad one, changes and withdraws it. */
describe('the response templates', () => {
  const b = useBrowser();
  const title = 'E2E 结案答复';
  const card = () => b.page.locator('.template-card').filter({ hasText: title });

  it('writes a template with a placeholder put in by a button, for the steps it fits', async () => {
    const { page } = b;
    await signIn(page, 'dispatcher');
    await page.getByRole('navigation').getByRole('link', { name: '回复模板' }).click();
    await page.getByRole('button', { name: '新建模板' }).click();
    const form = page.getByRole('form', { name: '新建回复模板' });
    await form.getByLabel('标题').fill(title);
    const body = form.getByLabel('模板文字');
    await body.fill('您反映的问题（工单 ');
    await form.getByRole('button', { name: '工单号' }).click();
    await body.press('End');
    await body.pressSequentially('）已处理完毕，感谢监督。');
    await form.getByRole('checkbox', { name: '结案' }).check();
    await form.getByRole('checkbox', { name: '回访' }).check();
    await form.getByRole('button', { name: '保存模板' }).click();
    await page.getByRole('status').filter({ hasText: `已新建模板“${title}”` }).waitFor();
    expect(await card().locator('.template-card-body').textContent()).toBe('您反映的问题（工单 {ticketNo}）已处理完毕，感谢监督。');
    expect(await card().getByRole('list').locator('li').allTextContents()).toEqual(['回访', '结案']);
    const listed = await (await Api.as(b.baseURL, 'dispatcher')).get<{ items: { title: string }[] }>('/api/v1/response-templates?action=close');
    expect(listed.items.map((i) => i.title)).toContain(title);
    await shot(page, 'templates');
  });

  it('says what is wrong with a placeholder the server does not know, on the form', async () => {
    const { page } = b;
    await page.getByRole('button', { name: '新建模板' }).click();
    const form = page.getByRole('form', { name: '新建回复模板' });
    await form.getByLabel('标题').fill('E2E 错误模板');
    await form.getByLabel('模板文字').fill('请拨打 {phone} 联系');
    await form.getByRole('checkbox', { name: '结案' }).check();
    b.allowConsoleError(/status of 400/);
    await form.getByRole('button', { name: '保存模板' }).click();
    expect(await form.locator('.field-error').textContent()).toContain('{phone}');
    await form.getByRole('button', { name: '取消' }).click();
    expect(await page.locator('.template-card').filter({ hasText: 'E2E 错误模板' }).count()).toBe(0);
  });

  it('changes a template and withdraws it', async () => {
    const { page } = b;
    await page.getByRole('button', { name: `修改模板“${title}”` }).click();
    const form = page.getByRole('form', { name: '修改回复模板' });
    expect(await form.getByLabel('标题').inputValue()).toBe(title);
    await form.getByRole('checkbox', { name: '回访' }).uncheck();
    await form.getByRole('button', { name: '保存模板' }).click();
    await page.getByRole('status').filter({ hasText: `已保存模板“${title}”` }).waitFor();
    await expect.poll(() => card().getByRole('list').locator('li').allTextContents()).toEqual(['结案']);
    // One click only asks, in the page; Escape takes the question back and the button keeps the focus.
    const withdraw = page.getByRole('button', { name: `撤下模板“${title}”` });
    await withdraw.click();
    const question = page.getByRole('group', { name: `撤下模板“${title}”？撤下后不能再选用。` });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('取消');
    expect(await card().count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => question.count()).toBe(0);
    await expect.poll(() => withdraw.evaluate((el) => el === document.activeElement)).toBe(true);
    await withdraw.click();
    await question.getByRole('button', { name: '确认撤下' }).click();
    await expect.poll(() => card().count()).toBe(0);
  });

  it('is not for a department handler', async () => {
    const { page } = b;
    await switchUser(page, 'department_handler');
    expect(await page.getByRole('navigation').getByRole('link', { name: '回复模板' }).count()).toBe(0);
  });
});
