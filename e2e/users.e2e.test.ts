import { describe, expect, it } from 'vitest';
import { shot, signIn, useBrowser } from './browser.js';
import { handlerDepartment, signOut, switchUser } from './cases-fixtures.js';

/**
 * 用户管理 in the browser: an administrator adds a department handler who can then sign in, finds and
 * deactivates her, lets her back in as a dispatcher of a district with a new password; a leader only reads.
 */
describe('the users screen', () => {
  const b = useBrowser();
  const username = `e2e_handler_${Date.now().toString(36)}`;
  let department: { name: string };

  it('adds a department handler, who can sign in and lands on her department queue', async () => {
    const { page } = b;
    department = await handlerDepartment(b.baseURL);
    await signIn(page, 'admin');
    await page.getByRole('navigation').getByRole('link', { name: '用户管理' }).click();
    await page.getByRole('row').nth(1).waitFor();
    await page.getByRole('button', { name: '新建账号' }).click();
    const form = page.getByRole('form', { name: '新建工作人员账号' });
    await form.getByLabel('用户名').fill(username);
    await form.getByLabel('姓名').fill('测试处置员');
    await form.getByLabel('初始密码').fill('handler-pass-1');
    await form.getByLabel('角色').selectOption('department_handler');
    await form.getByLabel('辖区').selectOption({ label: '南通市' });
    // A handler needs her department before the account can be made.
    const create = form.getByRole('button', { name: '创建账号' });
    expect(await create.isDisabled()).toBe(true);
    await form.getByRole('searchbox', { name: '搜索部门名称' }).fill(department.name);
    await form.getByRole('combobox', { name: '所属部门' }).selectOption({ label: department.name });
    await create.click();
    await page.getByRole('status').filter({ hasText: `已创建账号 ${username}` }).waitFor();

    await page.getByLabel('用户名或姓名').fill(username);
    await page.getByRole('button', { name: '查找' }).click();
    await page.waitForURL(`**/users?q=${username}`);
    const row = page.getByRole('row').filter({ hasText: username });
    await row.waitFor();
    expect(await row.textContent()).toContain('部门处置人员');
    expect(await row.textContent()).toContain(department.name);
    await shot(page, 'users');

    await signOut(page);
    await signIn(page, username, 'handler-pass-1');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('部门待办');
  });

  it('tells an administrator a username is taken, on the form', async () => {
    const { page } = b;
    await switchUser(page, 'admin');
    await page.goto('/users');
    await page.getByRole('button', { name: '新建账号' }).click();
    const form = page.getByRole('form', { name: '新建工作人员账号' });
    await form.getByLabel('用户名').fill(username);
    await form.getByLabel('姓名').fill('重名');
    await form.getByLabel('初始密码').fill('another-pass-1');
    await form.getByLabel('辖区').selectOption({ label: '南通市' });
    b.allowConsoleError(/status of 409/);
    await form.getByRole('button', { name: '创建账号' }).click();
    expect(await form.locator('.field-error').first().textContent()).toContain(username);
    await form.getByRole('button', { name: '取消' }).click();
  });

  it('deactivates an account, which ends its sessions', async () => {
    const { page } = b;
    const login = await fetch(`${b.baseURL}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'handler-pass-1' }) });
    const token = ((await login.json()) as { token: string }).token;
    await page.goto(`/users?q=${username}`);
    await page.getByRole('button', { name: `停用账号 ${username}` }).click();
    // Asked first: until confirmed, her session holds.
    const question = page.getByRole('group', { name: `停用账号 ${username}？其登录会立即失效。` });
    await question.waitFor();
    expect((await fetch(`${b.baseURL}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await question.getByRole('button', { name: '确认停用' }).click();
    await page.getByRole('status').filter({ hasText: `已停用账号 ${username}` }).waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: username }).textContent()).toContain('已停用');
    const after = await fetch(`${b.baseURL}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it('lets her back in, moves her to a district as a dispatcher and gives her a new password', async () => {
    const { page } = b;
    await page.getByRole('button', { name: `启用账号 ${username}` }).click();
    await page.getByRole('status').filter({ hasText: `已启用账号 ${username}` }).waitFor();
    const row = page.getByRole('row').filter({ hasText: username });
    await expect.poll(() => row.textContent()).toContain('在用');

    await page.getByRole('button', { name: `修改账号 ${username}` }).click();
    const form = page.getByRole('form', { name: `修改账号 ${username}` });
    const save = form.getByRole('button', { name: '保存修改' });
    expect(await save.isDisabled()).toBe(true); // nothing changed yet
    await form.getByLabel('姓名').fill('调岗受理员');
    await form.getByLabel('角色').selectOption('dispatcher');
    await form.getByLabel('辖区').selectOption({ label: '\u3000崇川区' });
    await save.click();
    await page.getByRole('status').filter({ hasText: `已保存账号 ${username}` }).waitFor();
    await expect.poll(() => row.textContent()).toMatch(/调岗受理员.*受理派遣员.*崇川区/);
    expect(await row.textContent()).not.toContain(department.name); // a dispatcher belongs to no department

    await page.getByRole('button', { name: `修改账号 ${username}` }).click();
    const reset = page.getByRole('form', { name: '重置密码' });
    await reset.getByLabel('新密码').fill('dispatcher-pass-2');
    await reset.getByRole('button', { name: '重置密码' }).click();
    await page.getByRole('status').filter({ hasText: `已为 ${username} 重置密码` }).waitFor();
    await shot(page, 'users-edit');

    await signOut(page);
    await signIn(page, username, 'dispatcher-pass-2');
    await page.getByRole('navigation').getByRole('link', { name: '派遣队列' }).waitFor();
  });

  it('lets a leader read the accounts but not change them', async () => {
    const { page } = b;
    await switchUser(page, 'leader');
    await page.getByRole('navigation').getByRole('link', { name: '用户管理' }).click();
    await page.getByRole('row').nth(1).waitFor();
    expect(await page.getByRole('button', { name: '新建账号' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(停用|修改)账号/ }).count()).toBe(0);
  });
});
