import { beforeAll, describe, expect, it } from 'vitest';
import { shot, signIn, useBrowser } from './browser.js';
import { Api, gridWorkerPoint, switchUser } from './cases-fixtures.js';

interface Unit { id: number; name: string; level: string; children: Unit[] }

/**
 * 派单目录 in the browser: the administrator sees where a category goes in an area and why, sends
 * it elsewhere there, sees the rule hold in the areas below and in a case taken in, and removes it.
 */
describe('the dispatch catalogue', () => {
  const b = useBrowser();
  let district: Unit;
  let township: Unit;
  let police: { id: number; name: string };
  let point: { lon: number; lat: number };
  const CATEGORY = 'E0102'; // 暴露垃圾: the urban management bureau's, by its kind

  beforeAll(async () => {
    const admin = await Api.as(b.baseURL, 'admin');
    ({ point } = await gridWorkerPoint(b.baseURL));
    const located = await admin.get<{ adminUnits: { id: number; level: string }[] }>(`/api/v1/grids/locate?lon=${point.lon}&lat=${point.lat}`);
    const tree = (await admin.get<{ items: Unit[] }>('/api/v1/admin-units?maxLevel=township')).items;
    const all = (units: Unit[]): Unit[] => units.flatMap((u) => [u, ...all(u.children)]);
    district = all(tree).find((u) => u.id === located.adminUnits.find((a) => a.level === 'district')!.id)!;
    township = all(tree).find((u) => u.id === located.adminUnits.find((a) => a.level === 'township')!.id)!;
    const { items } = await admin.get<{ items: { id: number; name: string; kind: string; adminUnit: { id: number } | null }[] }>('/api/v1/departments');
    police = items.find((d) => d.kind === 'police' && d.adminUnit?.id === district.id) ?? items.find((d) => d.kind === 'police')!;
  });

  it('shows where a category goes in an area and why, and sends it elsewhere there', async () => {
    const { page } = b;
    await signIn(page, 'admin');
    await page.getByRole('navigation').getByRole('link', { name: '派单目录' }).click();
    await page.getByLabel('案件类别').selectOption(CATEGORY);
    await page.getByLabel('所在区域').selectOption(String(district.id));
    const preview = page.getByTestId('route-preview');
    await expect.poll(() => preview.textContent()).toMatch(/^现派往.+（按类别的主管部门就近派往）$/);
    expect(await preview.textContent()).not.toContain(police.name);

    await page.getByRole('searchbox', { name: '搜索部门名称' }).fill(police.name);
    await page.getByRole('combobox', { name: `在${district.name}及其下级区域派往` }).selectOption({ label: police.name });
    await page.getByRole('button', { name: '保存规则' }).click();
    await expect.poll(() => preview.textContent()).toBe(`现派往${police.name}（按设于${district.name}的派单规则）`);
    const row = page.getByRole('row').filter({ hasText: district.name });
    expect(await row.textContent()).toContain(police.name);
    await shot(page, 'catalogue-rule-set');
  });

  it('holds in the areas below, and for a case taken in there', async () => {
    const { page } = b;
    await page.getByLabel('所在区域').selectOption(String(township.id));
    await expect.poll(() => page.getByTestId('route-preview').textContent()).toBe(`现派往${police.name}（按设于${district.name}的派单规则）`);
    const dispatcher = await Api.as(b.baseURL, 'dispatcher');
    const taken = await dispatcher.post<{ route: { department: { id: number }; reason: string } }>('/api/v1/cases', {
      channel: 'hotline', requestType: 'complaint', categoryCode: CATEGORY, description: '路边垃圾无人清理', location: point,
    });
    expect(taken.route).toMatchObject({ reason: 'rule', department: { id: police.id } });
  });

  it('removes the rule, and the category goes by its kind again', async () => {
    const { page } = b;
    await page.getByRole('button', { name: `移除暴露垃圾在${district.name}的规则` }).click();
    await page.getByRole('group', { name: `移除暴露垃圾在${district.name}的派单规则？` }).getByRole('button', { name: '确认移除' }).click();
    await page.getByText('暂无派单规则：各类事项按类别的主管部门就近派往。').waitFor();
    await expect.poll(() => page.getByTestId('route-preview').textContent()).toMatch(/（按类别的主管部门就近派往）$/);
    await page.getByLabel('语言').selectOption('en');
    await expect.poll(() => page.getByTestId('route-preview').textContent()).toMatch(/^Goes to .+ now, the nearest department of the category's kind$/);
    await page.getByText('No rules: every category goes to the nearest department of its kind.').waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
  });

  it("changes a category's handling limit, and the server keeps it", async () => {
    const { page } = b;
    const admin = await Api.as(b.baseURL, 'admin');
    const limitOf = async () => (await admin.get<{ items: { code: string; limits: Record<string, { amount: number; unit: string }> | null }[] }>('/api/v1/case-categories'))
      .items.find((c) => c.code === CATEGORY)!.limits?.routine;
    const original = (await limitOf())!;
    const editor = page.getByRole('form', { name: `类别 ${CATEGORY} 的设置` });
    const amount = editor.getByRole('spinbutton', { name: '一般' });
    expect(await amount.inputValue()).toBe(String(original.amount));
    const save = editor.getByRole('button', { name: '保存类别设置' });
    expect(await save.isDisabled()).toBe(true);

    await amount.fill(String(original.amount + 2));
    await editor.getByRole('combobox', { name: '一般时限的单位' }).selectOption('days');
    await save.click();
    await page.getByRole('status').filter({ hasText: `已保存类别 ${CATEGORY} 的设置` }).waitFor();
    expect(await limitOf()).toEqual({ amount: original.amount + 2, unit: 'days' });
    await expect.poll(() => save.isDisabled()).toBe(true);

    // A limit the server refuses (working days come whole) is explained on the form, and nothing changes.
    await amount.fill('1.5');
    b.allowConsoleError(/status of 400/);
    await save.click();
    expect(await editor.locator('.field-error').textContent()).toMatch(/whole number of days/);
    await shot(page, 'catalogue-category');
    expect(await limitOf()).toEqual({ amount: original.amount + 2, unit: 'days' });

    // Put it back for the files after this one.
    await amount.fill(String(original.amount));
    await editor.getByRole('combobox', { name: '一般时限的单位' }).selectOption(original.unit);
    await save.click();
    await expect.poll(limitOf).toEqual(original);
  });

  it('is for administrators only', async () => {
    const { page } = b;
    await switchUser(page, 'dispatcher');
    expect(await page.getByRole('navigation').getByRole('link', { name: '派单目录' }).count()).toBe(0);
    await page.goto('/catalogue');
    await page.getByRole('heading', { name: '无权访问' }).waitFor();
  });
});
