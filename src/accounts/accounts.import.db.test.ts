import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { csv, expectProblem, expectRejected, expectUnreadable, multipart, xlsx } from '../../test/imports.js';
import type { Actor } from '../core/access.js';
import { readSheet } from '../core/sheets.js';
import { ACCOUNT_IMPORT_MAX_ROWS, type ImportedAccount } from './accounts.contract.js';
import { importAccounts } from './accounts.import.js';

// One seeded instance for the file. Every test makes usernames of its own, so that what one test
// imports is never what another expects to be free; a rejection is checked against a snapshot of
// the accounts and their audit rows taken just before it.

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = ['username', 'displayName', 'role', 'area', 'department', 'phone'];
/** 崇川区 and 通州区 of the small city. */
const D1 = '320613';
const D2 = '320612';

let t: TestInstance;
let admin: string;
let departmentId: number;

beforeAll(async () => {
  t = await testInstance();
  admin = await t.login('admin');
  departmentId = (await t.env.db.selectFrom('departments').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
});
afterAll(async () => { await t?.close(); });

let serial = 0;
/** A username no other test uses. */
const fresh = (prefix: string) => `${prefix}_${++serial}`;

function upload(token: string | null, body: string | Buffer, contentType = CSV, query = '') {
  return t.app.inject({
    method: 'POST', url: `/api/v1/users/import${query}`, payload: body,
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

const signIn = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

/** Every account and every account's audit row: what an import that fails must leave as it was. */
async function accounts() {
  const db = t.env.db;
  return {
    users: await db.selectFrom('users').select(['id', 'username']).orderBy('id').execute(),
    audit: await db.selectFrom('audit_log').select('id').where('action', 'like', 'user.%').orderBy('id').execute(),
  };
}

/** A file refused as a whole (422), or one that cannot be taken at all (400): either way no account is made. */
const rejected = (send: () => Promise<LightMyRequestResponse>) => expectRejected(send, accounts);
const refused = (send: () => Promise<LightMyRequestResponse>, message: RegExp) => expectUnreadable(send, message, accounts);

/** Each account can sign in with the password the import answered, and only with it. */
async function expectSignIns(made: ImportedAccount[]): Promise<void> {
  for (const account of made) {
    expect(account.initialPassword).toMatch(/^[2-9A-HJ-NP-Za-km-z]{5}-[2-9A-HJ-NP-Za-km-z]{5}-[2-9A-HJ-NP-Za-km-z]{5}$/);
    const res = await signIn(account.username, account.initialPassword);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user).toMatchObject({ id: account.id, username: account.username, displayName: account.displayName, role: account.role });
  }
  expect((await signIn(made[0].username, made[1].initialPassword)).statusCode).toBe(401);
}

describe('staff account import access', () => {
  it('refuses an anonymous caller before reading the file', async () => {
    const res = await upload(null, csv(HEADER, [[fresh('anon'), '匿名', 'grid_worker', D1, '', '']]));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
  });

  it('refuses roles without users.write, leaders and auditors who read the accounts among them', async () => {
    for (const role of ['leader', 'auditor', 'dispatcher', 'grid_worker']) {
      const res = await upload(await t.login(role), csv(HEADER, [[fresh(role), '越权', 'grid_worker', D1, '', '']]));
      expect(res.statusCode, role).toBe(403);
    }
  });

  describe('for an administrator of one district (崇川区)', () => {
    let districtAdmin: string;
    beforeAll(async () => {
      const d1 = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', D1).executeTakeFirstOrThrow();
      const made = await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'import_admin_d1', displayName: '崇川区管理员', password: 'admin-pass-1', role: 'admin', jurisdictionId: d1.id } });
      expect(made.statusCode, made.body).toBe(201);
      districtAdmin = (await signIn('import_admin_d1', 'admin-pass-1')).json().token;
    });

    it("refuses an area outside her district as if it did not exist, and the whole instance", async () => {
      const outside = fresh('outside');
      const everywhere = fresh('everywhere');
      const problems = await rejected(() => upload(districtAdmin, csv(HEADER, [
        [fresh('inside'), '区内', 'grid_worker', D1, '', ''],
        [outside, '区外', 'grid_worker', D2, '', ''],
        [everywhere, '全市', 'dispatcher', '', '', ''],
        [fresh('unknown'), '无此区', 'grid_worker', '999999', '', ''],
      ])));
      expect(problems.map((p) => p.index)).toEqual([2, 3, 4]);
      expectProblem(problems, 2, outside, new RegExp(`^area ${D2} is not an admin unit in your jurisdiction$`));
      expectProblem(problems, 3, everywhere, /^no area means the whole instance/);
      // Outside and unknown read the same.
      expect(problems[2].problems).toEqual(['area 999999 is not an admin unit in your jurisdiction']);
    });

    it('imports into her district and below', async () => {
      const community = await t.env.db.selectFrom('admin_units').select('code').where('level', '=', 'community').where('code', 'like', `${D1}%`).orderBy('code').executeTakeFirstOrThrow();
      const res = await upload(districtAdmin, csv(HEADER, [[fresh('d1_worker'), '区网格员', 'grid_worker', community.code, '', ''], [fresh('d1_dispatcher'), '区调度', 'dispatcher', D1, '', '']]));
      expect(res.statusCode, res.body).toBe(201);
      const list = await t.as(districtAdmin)({ url: `/api/v1/users?q=d1_&pageSize=500` });
      expect(list.json().items.map((u: { jurisdiction: { code: string } }) => u.jurisdiction.code).sort()).toEqual([D1, community.code].sort());
    });
  });
});

describe('staff account import', () => {
  it('makes every account of a CSV, each signing in with the password answered once, audited without it', async () => {
    const rows = [
      [fresh('worker'), '张网格', 'grid_worker', D1, '', '13812345678'],
      [fresh('handler'), '李处置', 'department_handler', '320600', departmentId, ''],
      [fresh('mediator'), '王调解', 'mediator', D2, '', '+86 139-0000-1111'],
    ];
    const res = await upload(admin, csv(HEADER, rows));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as { created: number; accounts: ImportedAccount[] };
    expect(body.created).toBe(3);
    expect(body.accounts.map((a) => [a.username, a.displayName, a.role])).toEqual(rows.map((r) => [r[0], r[1], r[2]]));
    expect(new Set(body.accounts.map((a) => a.initialPassword)).size).toBe(3);
    await expectSignIns(body.accounts);

    const stored = await t.env.db.selectFrom('users').select(['username', 'department_id', 'phone_enc', 'password_hash']).where('id', 'in', body.accounts.map((a) => a.id)).orderBy('id').execute();
    expect(stored.map((u) => u.department_id)).toEqual([null, departmentId, null]);
    expect(t.env.cipher.decrypt(stored[0].phone_enc!)).toBe('13812345678');
    expect(stored[0].password_hash).toMatch(/^scrypt\$/);

    const audit = await t.env.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').where('target_id', 'in', body.accounts.map((a) => String(a.id))).orderBy('id').execute();
    expect(audit).toHaveLength(3);
    expect(audit[0]).toMatchObject({ actor_name: 'admin', target_type: 'user' });
    expect(audit[1].after).toMatchObject({ username: rows[1][0], displayName: '李处置', role: 'department_handler', departmentId, source: 'import', row: 2 });
    const trail = JSON.stringify(await t.env.db.selectFrom('audit_log').selectAll().execute());
    for (const a of body.accounts) expect(trail).not.toContain(a.initialPassword);
    expect(trail).not.toContain('13812345678');
  });

  it('reads an XLSX workbook uploaded as multipart', async () => {
    const rows = [[fresh('xlsx_a'), '表格甲', 'leader', Number(D1), null, 13700001234], [fresh('xlsx_b'), '表格乙', 'auditor', Number(D2), null, null]];
    const form = multipart('accounts.xlsx', await xlsx(HEADER, rows), XLSX);
    const res = await upload(admin, form.payload, form.contentType);
    expect(res.statusCode, res.body).toBe(201);
    await expectSignIns(res.json().accounts);
    const phone = await t.env.db.selectFrom('users').select('phone_enc').where('username', '=', String(rows[0][0])).executeTakeFirstOrThrow();
    expect(t.env.cipher.decrypt(phone.phone_enc!)).toBe('13700001234');
  });

  it('reads a workbook by its content, whatever type it was declared as', async () => {
    const rows = [[fresh('as_csv'), '声明为CSV', 'leader', Number(D1), null, null]];
    const res = await upload(admin, await xlsx(HEADER, rows), CSV);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().accounts.map((a: { username: string }) => a.username)).toEqual([rows[0][0]]);
  });

  it('refuses a JSON body as a format it does not take, even one nested too deep to write back', async () => {
    for (const body of ['{}', '['.repeat(5000) + ']'.repeat(5000)]) {
      const res = await upload(admin, body, 'application/json', '?dryRun=true');
      expect(res.statusCode, res.body.slice(0, 200)).toBe(415);
      expect(res.json().error.field).toBe('file');
    }
  });

  it('reads the Chinese headers and role names of a CSV saved by Excel, with a byte-order mark and CRLF', async () => {
    const header = ['用户名', '姓名', '角色', '辖区', '部门', '手机'];
    const rows = [[fresh('zh_worker'), '赵网格', '网格员', D1, '', '13600001111'], [fresh('zh_handler'), '钱处置', '部门处置人员', D2, departmentId, '']];
    const res = await upload(admin, Buffer.from(`\uFEFF${csv(header, rows, '\r\n')}`), 'application/octet-stream');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().accounts.map((a: ImportedAccount) => a.role)).toEqual(['grid_worker', 'department_handler']);
    await expectSignIns(res.json().accounts);
  });

  it('checks a file without writing anything on a dry run, and answers what it would make without passwords', async () => {
    const rows = [[fresh('dry_a'), '试甲', 'grid_worker', D1, '', ''], [fresh('dry_b'), '试乙', 'department_handler', D2, departmentId, '']];
    const before = await accounts();
    const res = await upload(admin, csv(HEADER, rows), CSV, '?dryRun=true');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      dryRun: true, created: 0,
      accounts: [
        { row: 1, username: rows[0][0], displayName: '试甲', role: 'grid_worker', jurisdiction: expect.objectContaining({ code: D1, name: '崇川区' }), departmentId: null },
        { row: 2, username: rows[1][0], displayName: '试乙', role: 'department_handler', jurisdiction: expect.objectContaining({ code: D2, name: '通州区' }), departmentId },
      ],
    });
    expect(res.body).not.toMatch(/initialPassword|password/i);
    expect(await accounts()).toEqual(before);
    const bad = await rejected(() => upload(admin, csv(HEADER, [[rows[0][0], '', 'king', D1, '', '']]), CSV, '?dryRun=true'));
    expectProblem(bad, 1, String(rows[0][0]), /^displayName is missing$/);
  });

  it('reports every problem of every row at once, naming the row and the column, and makes no account', async () => {
    const twice = fresh('twice');
    const rows = [
      [fresh('good'), '无误', 'grid_worker', D1, '', ''],
      ['bad name!', '坏用户名', 'grid_worker', D1, '', ''],
      ['', '无用户名', 'grid_worker', D1, '', ''],
      [fresh('noname'), '', 'grid_worker', D1, '', ''],
      [fresh('longname'), '名'.repeat(101), 'grid_worker', D1, '', ''],
      [fresh('king'), '国王', 'king', D1, '', ''],
      [fresh('proto'), '原型', 'constructor', D1, '', ''],
      [fresh('nowhere'), '无区', 'grid_worker', '999999', '', ''],
      [fresh('nodept'), '无部门', 'department_handler', D1, '', ''],
      [fresh('ghostdept'), '假部门', 'department_handler', D1, '99999999', ''],
      [fresh('wordept'), '字部门', 'grid_worker', D1, '城管局', ''],
      [fresh('badphone'), '坏电话', 'grid_worker', D1, '', '138-ABCD-0000'],
      ['dispatcher_d1', '重名', 'grid_worker', D1, '', ''],
      [twice, '第一次', 'grid_worker', D1, '', ''],
      [twice, '第二次', 'grid_worker', D1, '', ''],
      [fresh('many'), '', 'king', '999999', 'x', 'y'],
    ];
    const problems = await rejected(() => upload(admin, csv(HEADER, rows)));
    expect(problems.map((p) => p.index)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16]);
    const expectRow = (row: number, pattern: RegExp) => expectProblem(problems, row, rows[row - 1][0] || undefined, pattern);
    expectRow(2, /^username must be 1–64 letters, digits or _ \. @ -$/);
    expectRow(3, /^username is missing$/);
    expectRow(4, /^displayName is missing$/);
    expectRow(5, /^displayName is longer than 100 characters$/);
    expectRow(6, /^role must be one of admin, dispatcher, .*citizen, or its Chinese name$/);
    expectRow(7, /^role must be one of/);
    expectRow(8, /^area 999999 is not an admin unit in your jurisdiction$/);
    expectRow(9, /^department is missing: a department handler needs the id of her department$/);
    expectRow(10, /^department 99999999 does not exist$/);
    expectRow(11, /^department must be the department's id, a whole number$/);
    expectRow(12, /^phone must be 5–20 digits/);
    expectRow(13, /^username dispatcher_d1 is taken$/);
    expectRow(15, new RegExp(`^username ${twice} is also on row 14$`));
    // One row wrong in every column hears of each.
    expect(problems.at(-1)!.problems).toEqual([
      'displayName is missing', expect.stringMatching(/^role must be one of/), 'area 999999 is not an admin unit in your jurisdiction',
      "department must be the department's id, a whole number", expect.stringMatching(/^phone must be/),
    ]);
  });

  it('names a column by the header the file gives it', async () => {
    const problems = await rejected(() => upload(admin, csv(['用户名', '姓名', '角色', '区域', '电话'], [[fresh('zh_bad'), '', '国王', D1, 'abc']])));
    expect(problems[0].problems).toEqual(['姓名 (displayName) is missing', expect.stringMatching(/^角色 \(role\) must be one of/), expect.stringMatching(/^电话 \(phone\) must be/)]);
  });

  it('refuses text the database cannot store, naming the row', async () => {
    const problems = await rejected(() => upload(admin, csv(HEADER, [[fresh('nul'), 'a\u0000b', 'grid_worker', D1, '', '']])));
    expect(problems).toEqual([{ index: 1, problems: [expect.stringMatching(/^displayname must not contain the NUL character/)] }]);
  });

  describe('refuses as a 400 naming the file', () => {
    it.each([
      ['an empty file', '', /the file is empty/],
      ['a header without rows', 'username,displayName,role,area\n', /header but no rows/],
      ['a header without the role column', 'username,displayName,area\nx,y,320613\n', /the header has no role column/],
      ['a column the import does not take', 'username,displayName,role,area,password\nx,y,grid_worker,320613,secret\n', /the column password is not one this import takes: the columns are username \(用户名\), displayName \(display_name or 姓名\)/],
      ['two columns giving one field', 'username,displayName,role,area,电话,手机\nx,y,grid_worker,320613,1,2\n', /the columns 电话 and 手机 both give phone: keep one/],
      ['a CSV that cannot be parsed', 'username,displayName,role,area\n"x,y,grid_worker,320613\n', /the CSV file could not be read/],
    ])('%s', async (_name, body, message) => {
      await refused(() => upload(admin, body), message);
    });

    it('a workbook that is not a zip', async () => {
      await refused(() => upload(admin, Buffer.from('PK\u0003\u0004 not really a workbook'), XLSX), /XLSX file could not be read/);
    });

    it(`a file of more than ${ACCOUNT_IMPORT_MAX_ROWS} rows, before checking any`, async () => {
      const rows = Array.from({ length: ACCOUNT_IMPORT_MAX_ROWS + 1 }, (_, i) => [`cap_${i}`, '超限', 'grid_worker', D1, '', '']);
      await refused(() => upload(admin, csv(HEADER, rows)), new RegExp(`has ${ACCOUNT_IMPORT_MAX_ROWS + 1} rows; one import takes at most ${ACCOUNT_IMPORT_MAX_ROWS}`));
      const atCap = await upload(admin, csv(HEADER, rows.slice(0, ACCOUNT_IMPORT_MAX_ROWS)), CSV, '?dryRun=true');
      expect(atCap.statusCode, atCap.body.slice(0, 300)).toBe(200);
      expect(atCap.json().accounts).toHaveLength(ACCOUNT_IMPORT_MAX_ROWS);
    });
  });

  it('is described in the API document under users, and only it takes a file as the raw body', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    const operation = doc.paths['/api/v1/users/import'].post;
    expect(operation.tags).toEqual(['users']);
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['dryRun', 'format']);
    const other = await t.as(admin)({ method: 'POST', url: '/api/v1/users', payload: csv(HEADER, []), headers: { 'content-type': CSV } });
    expect(other.statusCode).toBe(415);
  });

  it('makes nothing when the caller goes away before the accounts are written', async () => {
    const rows = await readSheet(Buffer.from(csv(HEADER, [[fresh('abandoned'), '放弃', 'grid_worker', D1, '', '']])), 'csv');
    const gone = new AbortController();
    const before = await accounts();
    const importing = importAccounts(t.env, { actor: await cityAdmin() }, rows, gone.signal);
    gone.abort();
    await expect(importing).rejects.toMatchObject({ status: 499 });
    expect(await accounts()).toEqual(before);
  });
});

/** The demo administrator (of the city) as the services see her. */
async function cityAdmin(): Promise<Actor> {
  const user = await t.env.db.selectFrom('users').innerJoin('admin_units', 'admin_units.id', 'users.jurisdiction_id')
    .select(['users.id', 'users.display_name', 'users.jurisdiction_id', 'admin_units.path']).where('username', '=', 'admin').executeTakeFirstOrThrow();
  return { id: user.id, username: 'admin', displayName: user.display_name, role: 'admin', jurisdictionId: user.jurisdiction_id, jurisdictionPath: user.path, departmentId: null };
}
