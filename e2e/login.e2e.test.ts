import { describe, expect, it } from 'vitest';
import { shot, signIn, useBrowser } from './browser.js';

describe('signing in', () => {
  const b = useBrowser();

  it('sends an anonymous visitor to the sign-in screen', async () => {
    const { page } = b;
    await page.goto('/');
    await page.waitForURL('**/login');
    await expect.poll(() => page.locator('h1').textContent()).toBe('登录');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await shot(page, 'login');
  });

  it('tells a wrong password apart, on the form', async () => {
    const { page } = b;
    b.allowConsoleError(/status of 401/);
    // Nothing typed: each field says so in the reader's language, and nothing is sent.
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toEqual(['请填写此项。', '请填写此项。']);
    await page.getByLabel('用户名').fill('dispatcher');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('main').getByRole('alert').textContent()).toContain('用户名或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('says for how long a username is locked out after ten failures', async () => {
    const { page } = b;
    b.allowConsoleError(/status of (401|429)/);
    await page.evaluate(async () => {
      for (let i = 0; i < 10; i++) {
        await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'locked_out_here', password: 'wrong-password' }) });
      }
    });
    await page.getByLabel('用户名').fill('locked_out_here');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('main').getByRole('alert').textContent()).toMatch(/^登录失败次数过多，请 1[45] 分钟后再试。$/);
  });

  it('signs a dispatcher in with the keyboard alone and lands on the dispatch queue', async () => {
    const { page } = b;
    await page.goto('/login');
    // Tab from the top of the page to the username field: the order must reach it.
    await page.locator('body').focus();
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.getAttribute('name') === 'username')) break;
    }
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('username');
    await page.keyboard.type('dispatcher');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('password');
    await page.keyboard.type('demo');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/queue/dispatch');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('派遣队列');
    const nav = page.getByRole('navigation', { name: '主导航' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['派遣队列', '消息', '案件', '地图', '绩效统计', '回复模板']);
    expect(await page.evaluate(() => sessionStorage.getItem('shiyu.token'))).toBeTruthy();
    await shot(page, 'dispatcher-home');
  });

  it('keeps the dispatcher signed in across a reload', async () => {
    const { page } = b;
    await page.reload();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('派遣队列');
  });

  it('signs a new tab in with the open tab\'s session, and a sign-out there signs this tab out too', async () => {
    const { page } = b;
    const tab = await b.context.newPage();
    await tab.goto('/cases');
    await expect.poll(() => tab.locator('main h1').textContent()).toBe('案件');
    expect(new URL(tab.url()).pathname).toBe('/cases');
    const menu = tab.getByRole('button', { name: '菜单' });
    if (await menu.isVisible()) await menu.click();
    await tab.getByRole('button', { name: '退出登录' }).click();
    await tab.waitForURL('**/login');
    await tab.close();
    await page.waitForURL('**/login');
    expect(await page.evaluate(() => sessionStorage.getItem('shiyu.token'))).toBeNull();
    await signIn(page, 'dispatcher');
  });

  it('switches to English and back', async () => {
    const { page } = b;
    const language = page.getByLabel('语言 Language');
    await language.selectOption('en');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Dispatch queue');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await shot(page, 'dispatcher-home-en');
    await language.selectOption('zh-CN');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('派遣队列');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
  });

  it('turns large text on and off', async () => {
    const { page } = b;
    const toggle = page.getByRole('button', { name: /大字高对比/ });
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    expect(await size()).toBe(16);
    await toggle.click();
    expect(await page.evaluate(() => document.documentElement.classList.contains('large-text'))).toBe(true);
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await size()).toBe(20);
    await shot(page, 'dispatcher-home-large-text');
    await toggle.click();
    expect(await page.evaluate(() => document.documentElement.classList.contains('large-text'))).toBe(false);
    expect(await size()).toBe(16);
  });

  it('opens the navigation from the menu button on a phone', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 375, height: 812 });
    const nav = page.getByRole('navigation', { name: '主导航' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: '菜单' }).click();
    expect(await nav.isVisible()).toBe(true);
    await nav.getByRole('link', { name: '案件' }).click();
    await page.waitForURL('**/cases');
    await expect.poll(() => nav.isVisible()).toBe(false);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('signs out, and the queue asks for a sign-in again', async () => {
    const { page } = b;
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    expect(await page.evaluate(() => sessionStorage.getItem('shiyu.token'))).toBeNull();
    await page.goto('/queue/dispatch');
    await page.waitForURL('**/login?next=%2Fqueue%2Fdispatch');
  });
});
