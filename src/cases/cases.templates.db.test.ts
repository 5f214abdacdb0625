import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { interiorPoint } from '../../test/fixtures.js';
import type { Area } from '../geo/geometry.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let d1: As;
let d2: As;
let units: { city: number; d1: number; d2: number };
let grids: { d1: Area; d2: Area };
let stall: string;
let privateMatter: string;

async function leafNamed(word: string): Promise<string> {
  const row = await t.env.db.selectFrom('case_categories as c').select('c.code').where('c.name', 'like', `%${word}%`)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('case_categories as k').select('k.code').whereRef('k.parent_code', '=', 'c.code'))))
    .executeTakeFirstOrThrow();
  return row.code;
}

const unitId = async (code: string) => (await t.env.db.selectFrom('admin_units').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  d1 = t.as(await t.login('dispatcher_d1'));
  d2 = t.as(await t.login('dispatcher_d2'));
  units = { city: await unitId('320600'), d1: await unitId('320613'), d2: await unitId('320612') };
  const d2Path = (await t.env.db.selectFrom('admin_units').select('path').where('id', '=', units.d2).executeTakeFirstOrThrow()).path;
  const rows = (await t.env.db.selectFrom('grids').select(['boundary', 'path']).orderBy('id').execute()) as { boundary: Area; path: string }[];
  grids = { d1: rows.find((g) => !g.path.startsWith(d2Path))!.boundary, d2: rows.find((g) => g.path.startsWith(d2Path))!.boundary };
  stall = await leafNamed('占道经营');
  privateMatter = await leafNamed('户内');
});
afterAll(async () => { await t.close(); });

async function newCase(as: As, where: 'd1' | 'd2', extra: Record<string, unknown> = {}): Promise<number> {
  const res = await as({ method: 'POST', url: '/api/v1/cases', payload: {
    channel: 'hotline', requestType: 'complaint', description: '人行道占道经营', address: '南大街88号', location: interiorPoint(grids[where]),
    reporter: { name: '李四', phone: '13900001111' }, ...extra,
  } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function act(as: As, id: number, body: Record<string, unknown>) {
  const { version } = (await dispatcher({ url: `/api/v1/cases/${id}` })).json();
  return as({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { version, ...body } });
}

async function template(as: As, body: Record<string, unknown>): Promise<number> {
  const res = await as({ method: 'POST', url: '/api/v1/response-templates', payload: { title: '常用答复', actions: ['close'], ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** The Beijing wall-clock time a template writes for an instant. */
function beijing(at: string): string {
  const d = new Date(new Date(at).getTime() + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

describe('response templates', () => {
  it('refuses an anonymous caller, and roles that may not read or write them', async () => {
    expect((await t.app.inject({ url: '/api/v1/response-templates' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/response-templates', payload: { title: 'x', body: 'x', actions: ['close'] } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/cases/1/response-templates/1/preview' })).statusCode).toBe(401);
    expect((await t.as(await t.login('auditor'))({ url: '/api/v1/response-templates' })).statusCode).toBe(403);
    const handler = t.as(await t.login('department_handler'));
    expect((await handler({ url: '/api/v1/response-templates' })).statusCode).toBe(200);
    expect((await handler({ method: 'POST', url: '/api/v1/response-templates', payload: { title: 'x', body: 'x', actions: ['close'] } })).statusCode).toBe(403);
  });

  it("shares a city's templates down and hides a district's from the other district", async () => {
    const city = await template(dispatcher, { title: '全市通用', body: '感谢您的来电。' });
    const own1 = await template(d1, { title: '崇川区专用', body: '崇川区已处理。' });
    const own2 = await template(d2, { title: '通州区专用', body: '通州区已处理。' });
    const ids = async (as: As) => (await as({ url: '/api/v1/response-templates' })).json().items.map((x: { id: number }) => x.id);
    expect(await ids(d1)).toEqual(expect.arrayContaining([city, own1]));
    expect(await ids(d1)).not.toContain(own2);
    expect(await ids(d2)).toEqual(expect.arrayContaining([city, own2]));
    expect(await ids(d2)).not.toContain(own1);
    expect(await ids(dispatcher)).toEqual(expect.arrayContaining([city, own1, own2]));

    const listed = (await d1({ url: '/api/v1/response-templates' })).json().items;
    expect(listed.find((x: { id: number }) => x.id === own1)).toMatchObject({ editable: true, adminUnit: { id: units.d1 } });
    expect(listed.find((x: { id: number }) => x.id === city)).toMatchObject({ editable: false, adminUnit: { id: units.city } });
    // Nearest owner first: a district's own wording before the city's.
    expect(listed.findIndex((x: { id: number }) => x.id === own1)).toBeLessThan(listed.findIndex((x: { id: number }) => x.id === city));

    const put = { title: '改', body: '改', actions: ['close'] };
    expect((await d1({ method: 'PUT', url: `/api/v1/response-templates/${own2}`, payload: put })).statusCode).toBe(404);
    expect((await d1({ method: 'DELETE', url: `/api/v1/response-templates/${own2}` })).statusCode).toBe(404);
    expect((await d1({ method: 'PUT', url: `/api/v1/response-templates/${city}`, payload: put })).statusCode).toBe(403);

    const d1Case = await newCase(dispatcher, 'd1');
    const d2Case = await newCase(dispatcher, 'd2');
    expect((await d1({ url: `/api/v1/cases/${d1Case}/response-templates/${own2}/preview` })).statusCode).toBe(404);
    expect((await d1({ url: `/api/v1/cases/${d2Case}/response-templates/${city}/preview` })).statusCode).toBe(404);
    // A district's template serves only its own cases, even for a city dispatcher.
    expect((await dispatcher({ url: `/api/v1/cases/${d2Case}/response-templates/${own1}/preview` })).statusCode).toBe(404);
    expect((await dispatcher({ url: `/api/v1/cases/${d1Case}/response-templates/${own1}/preview` })).statusCode).toBe(200);
  });

  it('fills the placeholders in from a real case', async () => {
    const id = await newCase(dispatcher, 'd1', { categoryCode: stall });
    await act(dispatcher, id, { action: 'register' });
    await act(dispatcher, id, { action: 'dispatch' });
    const c = (await dispatcher({ url: `/api/v1/cases/${id}` })).json();
    const tid = await template(dispatcher, {
      actions: ['report_back', 'close'],
      body: '工单{ticketNo}：您于{receivedAt}反映的{address}{category}问题已由{department}办理，办理时限{dueAt}。',
    });
    const res = await d1({ url: `/api/v1/cases/${id}/response-templates/${tid}/preview` });
    expect(res.statusCode, res.body).toBe(200);
    const lead = c.departments.find((d: { role: string }) => d.role === 'lead').name;
    expect(res.json()).toEqual({
      templateId: tid, caseId: id, title: '常用答复', actions: ['report_back', 'close'],
      text: `工单${c.ticketNo}：您于${beijing(c.createdAt)}反映的南大街88号${c.category.name}问题已由${lead}办理，办理时限${beijing(c.dueAt)}。`,
    });
    expect(beijing(c.dueAt)).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
  });

  it('refuses an unknown placeholder at save time, naming the body', async () => {
    const res = await dispatcher({ method: 'POST', url: '/api/v1/response-templates', payload: { title: '错', body: '请联系{reporterPhone}，工单{ticketNo}', actions: ['close'] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('body');
    expect(res.json().error.message).toContain('{reporterPhone}');
    const id = await template(dispatcher, { body: '工单{ticketNo}' });
    const put = await dispatcher({ method: 'PUT', url: `/api/v1/response-templates/${id}`, payload: { title: '错', body: '{ticket_no}', actions: ['close'] } });
    expect(put.statusCode).toBe(400);
    expect(put.json().error.field).toBe('body');
  });

  it('names what is wrong with bad input', async () => {
    const good = { title: '答复', body: '已办结', actions: ['close'] };
    const cases: [As, Record<string, unknown>, string][] = [
      [dispatcher, { ...good, title: '' }, 'title'],
      [dispatcher, { ...good, title: 'x'.repeat(101) }, 'title'],
      [dispatcher, { ...good, body: undefined }, 'body'],
      [dispatcher, { ...good, actions: [] }, 'actions'],
      [dispatcher, { ...good, actions: ['fly'] }, 'actions.0'],
      [dispatcher, { ...good, actions: ['close', 'close'] }, 'actions'],
      [dispatcher, { ...good, categoryCode: 'NOPE' }, 'categoryCode'],
      [dispatcher, { ...good, adminUnitId: 99999999 }, 'adminUnitId'],
      [d1, { ...good, adminUnitId: units.d2 }, 'adminUnitId'],
      [d1, { ...good, adminUnitId: units.city }, 'adminUnitId'],
      [dispatcher, { ...good, shared: true }, 'shared'],
    ];
    for (const [as, body, field] of cases) {
      const res = await as({ method: 'POST', url: '/api/v1/response-templates', payload: body });
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().error.field, res.body).toBe(field);
    }
    expect((await dispatcher({ url: '/api/v1/response-templates?action=fly' })).json().error.field).toBe('action');
  });

  it('takes an action with a template as its answer, followed by the note', async () => {
    const tid = await template(dispatcher, { title: '不予受理', body: '工单{ticketNo}不属于本平台受理范围。', actions: ['reject'] });
    const id = await newCase(dispatcher, 'd1');
    const res = await act(d1, id, { action: 'reject', templateId: tid, note: '请向法院起诉。' });
    expect(res.statusCode, res.body).toBe(200);
    const ticketNo = res.json().ticketNo;
    const event = res.json().timeline.at(-1);
    expect(event).toMatchObject({ action: 'reject', note: `工单${ticketNo}不属于本平台受理范围。\n请向法院起诉。` });
    const sms = await t.env.db.selectFrom('notifications').select('body').where('case_id', '=', id).where('channel', '=', 'sms').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(sms.body).toContain(`答复：工单${ticketNo}不属于本平台受理范围。`);
    const audit = await t.env.db.selectFrom('audit_log').select('after').where('action', '=', 'case.reject').where('target_id', '=', String(id)).executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ templateId: tid });

    // Alone, the template is the whole note, and a note it requires.
    const alone = await act(d1, await newCase(dispatcher, 'd1'), { action: 'reject', templateId: tid });
    expect(alone.statusCode, alone.body).toBe(200);
    expect(alone.json().timeline.at(-1).note).toBe(`工单${alone.json().ticketNo}不属于本平台受理范围。`);
  });

  it('names the department a dispatch sends the case to', async () => {
    const tid = await template(dispatcher, { title: '已派遣', body: '已转{department}办理。', actions: ['dispatch'] });
    const id = await newCase(dispatcher, 'd1', { categoryCode: stall });
    await act(dispatcher, id, { action: 'register' });
    const res = await act(d1, id, { action: 'dispatch', templateId: tid });
    expect(res.statusCode, res.body).toBe(200);
    const lead = res.json().departments.find((d: { role: string }) => d.role === 'lead').name;
    expect(res.json().timeline.at(-1).note).toBe(`已转${lead}办理。`);
  });

  it('refuses a template unfit for the action, the category or the area, naming templateId', async () => {
    const forClose = await template(dispatcher, { body: '已办结。', actions: ['close'] });
    const forStalls = await template(dispatcher, { body: '占道经营已处理。', actions: ['reject'], categoryCode: stall });
    const d2Own = await template(d2, { body: '通州区答复。', actions: ['reject'] });
    const id = await newCase(dispatcher, 'd1', { categoryCode: privateMatter });
    for (const templateId of [forClose, forStalls, d2Own, 99999999]) {
      const res = await act(dispatcher, id, { action: 'reject', templateId, note: '不予受理' });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe('templateId');
    }
    expect((await act(dispatcher, id, { action: 'reject', templateId: forClose })).json().error.message).toContain('not for reject');
    expect((await dispatcher({ url: `/api/v1/cases/${id}` })).json().status).toBe('received');
  });

  it('lists the templates fitting an action and a category', async () => {
    const forClose = await template(d1, { title: '结案', body: '已结案。', actions: ['close', 'callback'] });
    const forStallCallbacks = await template(d1, { title: '回访', body: '回访。', actions: ['callback'], categoryCode: stall });
    const ids = async (query: string) => (await d1({ url: `/api/v1/response-templates?${query}` })).json().items.map((x: { id: number }) => x.id);
    expect(await ids('action=callback')).toEqual(expect.arrayContaining([forClose, forStallCallbacks]));
    expect(await ids('action=reject')).not.toContain(forClose);
    expect(await ids(`action=callback&categoryCode=${privateMatter}`)).toContain(forClose);
    expect(await ids(`action=callback&categoryCode=${privateMatter}`)).not.toContain(forStallCallbacks);
    expect(await ids(`categoryCode=${stall}`)).toContain(forStallCallbacks);
  });

  it('changes and withdraws a template, auditing each', async () => {
    const id = await template(d1, { title: '旧', body: '旧的答复。', actions: ['reject'] });
    const put = await d1({ method: 'PUT', url: `/api/v1/response-templates/${id}`, payload: { title: '新', body: '新的答复，工单{ticketNo}。', actions: ['reject', 'refer_out'] } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ title: '新', actions: ['reject', 'refer_out'], placeholders: ['ticketNo'], adminUnit: { id: units.d1 }, createdBy: 'dispatcher_d1' });
    expect((await d1({ method: 'DELETE', url: `/api/v1/response-templates/${id}` })).statusCode).toBe(204);
    expect((await d1({ method: 'DELETE', url: `/api/v1/response-templates/${id}` })).statusCode).toBe(404);
    expect((await d1({ url: '/api/v1/response-templates' })).json().items.map((x: { id: number }) => x.id)).not.toContain(id);
    const used = await act(d1, await newCase(dispatcher, 'd1'), { action: 'reject', templateId: id });
    expect(used.json().error.field).toBe('templateId');
    const audit = await t.env.db.selectFrom('audit_log').select(['action', 'actor_name']).where('target_type', '=', 'response_template').where('target_id', '=', String(id)).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'response_template.create', actor_name: 'dispatcher_d1' },
      { action: 'response_template.update', actor_name: 'dispatcher_d1' },
      { action: 'response_template.delete', actor_name: 'dispatcher_d1' },
    ]);
  });
});
