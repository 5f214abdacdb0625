import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_CITY, testInstance, type TestInstance } from '../../test/app.js';
import { interiorPoint } from '../../test/fixtures.js';
import { resolveActor } from '../accounts/accounts.service.js';
import { seedDemo } from '../demo/demo.seed.js';
import type { Area } from '../geo/geometry.js';
import { exportCases } from './cases.export.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let d1Id: number;
let d2Id: number;
const NOW = new Date('2026-06-15T04:00:00Z');
const FORMULA = '=HYPERLINK("http://example.com","点我")';
const TRICKY = '人民路"1号",东门\n二楼';

beforeAll(async () => {
  t = await testInstance({ seed: false });
  await seedDemo(t.env, { ...SMALL_CITY, historyCases: 160, now: NOW });
  dispatcher = t.as(await t.login('dispatcher'));
  const units = await t.env.db.selectFrom('admin_units').select(['id', 'code']).where('code', 'in', ['320613', '320612']).execute();
  d1Id = units.find((u) => u.code === '320613')!.id;
  d2Id = units.find((u) => u.code === '320612')!.id;
  const grid = (await t.env.db.selectFrom('grids').select(['boundary', 'path']).where('path', 'like', `%/${d1Id}/%`).executeTakeFirstOrThrow());
  for (const address of [FORMULA, TRICKY, '+86 报警', '@某人', '-1楼']) {
    const res = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: {
      channel: 'hotline', requestType: 'complaint', description: '测试导出', address, location: interiorPoint(grid.boundary as Area), reporter: { name: '王小明', phone: '13812345678' },
    } });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(async () => { await t.close(); });

/** RFC 4180 cells, enough to read back what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  return rows;
}

async function exported(as: As, query = ''): Promise<{ header: string[]; rows: Record<string, string>[]; raw: string }> {
  const res = await as({ url: `/api/v1/cases/export.csv${query ? `?${query}` : ''}` });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"$/);
  const [header, ...lines] = parseCsv(res.body);
  const fields = header.map((h) => /\((\w+)\)$/.exec(h)![1]);
  return { header, raw: res.body, rows: lines.map((cells) => Object.fromEntries(fields.map((f, i) => [f, cells[i]]))) };
}

async function listed(as: As, query = ''): Promise<{ total: number; tickets: string[] }> {
  const body = (await as({ url: `/api/v1/cases?pageSize=200${query ? `&${query}` : ''}` })).json();
  expect(body.totalExact).toBe(true);
  return { total: body.total, tickets: body.items.map((c: { ticketNo: string }) => c.ticketNo) };
}

describe('case export', () => {
  it('refuses an anonymous caller, and a role that does not account for the work', async () => {
    expect((await t.app.inject({ url: '/api/v1/cases/export.csv' })).statusCode).toBe(401);
    expect((await t.as(await t.login('grid_worker'))({ url: '/api/v1/cases/export.csv' })).statusCode).toBe(403);
  });

  it("hides cases outside the caller's jurisdiction", async () => {
    const d1 = t.as(await t.login('dispatcher_d1'));
    const { rows } = await exported(d1);
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.district))).toEqual(new Set(['崇川区']));
    expect(rows.length).toBe((await listed(d1)).total);
    expect((await d1({ url: `/api/v1/cases/export.csv?adminUnitId=${d2Id}` })).statusCode).toBe(404);
  });

  it('writes UTF-8 with a byte-order mark and Chinese headers with the field in brackets, and nothing personal', async () => {
    const { header, raw, rows } = await exported(dispatcher);
    expect(raw.startsWith('\uFEFF工单编号 (ticketNo),受理时间 (receivedAt),')).toBe(true);
    expect(header).toHaveLength(19);
    expect(raw).not.toContain('王小明');
    expect(raw).not.toContain('13812345678');
    expect(raw).not.toContain('测试导出');
    const row = rows.find((r) => r.status === 'closed' && r.leadDepartment && r.gridCode && r.community)!;
    expect(row.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(row.closedAt).toMatch(/\+08:00$/);
    expect(row.categoryName).toBeTruthy();
    expect(row.overdue).toBe('false');
  });

  it('lists newest first the cases the list shows, filter by filter', async () => {
    const ticket = (await listed(dispatcher)).tickets[3];
    const queries = ['', 'channel=hotline', 'status=closed&status=rejected', `adminUnitId=${d1Id}`, 'overdue=true', `q=${ticket}`,
      'categoryCode=E01', `from=${encodeURIComponent('2026-01-01T00:00:00+08:00')}&to=${encodeURIComponent('2026-04-01T00:00:00+08:00')}`];
    const department = await t.env.db.selectFrom('case_assignments').select('department_id').groupBy('department_id')
      .orderBy((eb) => eb.fn.countAll(), 'desc').executeTakeFirstOrThrow();
    // A department also lists the cases it only supports (协办).
    const support = await t.env.db.selectFrom('case_assignments').select(['department_id', 'case_id'])
      .where('role', '=', 'support').where('active', '=', true).executeTakeFirstOrThrow();
    queries.push(`departmentId=${department.department_id}`, `departmentId=${support.department_id}`);
    const supported = await t.env.db.selectFrom('cases').select('ticket_no').where('id', '=', support.case_id).executeTakeFirstOrThrow();
    expect((await listed(dispatcher, `departmentId=${support.department_id}`)).tickets).toContain(supported.ticket_no);
    for (const query of queries) {
      const list = await listed(dispatcher, query);
      const { rows } = await exported(dispatcher, query);
      expect(rows.length, query).toBe(list.total);
      expect(rows.map((r) => r.ticketNo).slice(0, 200), query).toEqual(list.tickets);
    }
    expect((await listed(dispatcher, `q=${ticket}`)).total).toBe(1);
  });

  it('quotes what must be quoted and keeps formulas from running', async () => {
    const { rows } = await exported(dispatcher, 'channel=hotline');
    const addresses = rows.map((r) => r.address);
    expect(addresses).toContain(`'${FORMULA}`);
    expect(addresses).toContain(TRICKY);
    expect(addresses).toContain("'+86 报警");
    expect(addresses).toContain("'@某人");
    expect(addresses).toContain("'-1楼");
  });

  it('reads in batches across the batch size, and says so when stopped early', async () => {
    const ctx = { actor: (await resolveActor(t.env, await t.login('dispatcher_d1')))! };
    const whole = (await exported(t.as(await t.login('dispatcher_d1')))).raw;
    const batched = await exportCases(t.env, ctx, {}, { batchSize: 3 });
    const chunks: string[] = [];
    for await (const chunk of batched.chunks) chunks.push(chunk);
    expect(chunks.join('')).toBe(whole);
    const rows = parseCsv(whole).length - 1;
    expect(chunks).toHaveLength(1 + Math.ceil(rows / 3));

    const stopped = await exportCases(t.env, ctx, { channel: 'patrol' }, { batchSize: 3 });
    await stopped.chunks.next();
    await stopped.chunks.next();
    await stopped.chunks.return();
    const audit = await t.env.db.selectFrom('audit_log').select(['actor_name', 'scope_path', 'after'])
      .where('action', '=', 'case.export').orderBy('id', 'desc').limit(2).execute();
    expect(audit[0].after).toEqual({ filter: { channel: 'patrol' }, rows: 3, complete: false });
    expect(audit[1]).toMatchObject({ actor_name: 'dispatcher_d1', after: { filter: {}, rows, complete: true } });
    expect(audit[1].scope_path).toMatch(/^\/\d+\/\d+\/$/);
  });

  it('records each download with who, the filter and the row count', async () => {
    const { rows } = await exported(dispatcher, 'channel=patrol&overdue=false');
    const entry = await t.env.db.selectFrom('audit_log').select(['actor_name', 'target_type', 'after'])
      .where('action', '=', 'case.export').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(entry).toEqual({ actor_name: 'dispatcher', target_type: 'case', after: { filter: { channel: 'patrol', overdue: false }, rows: rows.length, complete: true } });
  });

  it('answers HEAD as a download would start, without reading or recording an export', async () => {
    const count = async () => Number((await t.env.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'case.export').executeTakeFirstOrThrow()).n);
    const before = await count();
    const res = await dispatcher({ method: 'HEAD', url: '/api/v1/cases/export.csv?channel=patrol' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.body).toBe('');
    expect(await count()).toBe(before);
    expect((await dispatcher({ method: 'HEAD', url: '/api/v1/cases/export.csv?channel=fax' })).statusCode).toBe(400);
  });

  it('answers an error, not a download cut off at its first line, when the first read fails', async () => {
    // The cases table out of reach for a moment: the read fails as it would with the database gone.
    await sql`alter table cases rename to cases_away`.execute(t.env.db);
    try {
      const res = await dispatcher({ url: '/api/v1/cases/export.csv?channel=patrol' });
      expect(res.statusCode).toBe(500);
      expect(res.json().error.code).toBe('internal');
    } finally {
      await sql`alter table cases_away rename to cases`.execute(t.env.db);
    }
    const entry = await t.env.db.selectFrom('audit_log').select(['after']).where('action', '=', 'case.export').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(entry.after).toEqual({ filter: { channel: 'patrol' }, rows: 0, complete: false });
  });

  it('names what is wrong with the query', async () => {
    const bad: [string, string][] = [['from=yesterday', 'from'], ['channel=fax', 'channel'], ['page=2', 'page'], ['adminUnitId=zero', 'adminUnitId']];
    for (const [query, field] of bad) {
      const res = await dispatcher({ url: `/api/v1/cases/export.csv?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toBe(field);
    }
  });
});
