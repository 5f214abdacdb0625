import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_CITY, testInstance, type TestInstance } from '../../test/app.js';
import { loadConfig } from '../core/config.js';
import { seedDemo } from './demo.seed.js';
import { CITY_DEPARTMENTS, DISTRICT_DEPARTMENTS } from './departments.js';
import { loadCity } from './city-data.js';

let t: TestInstance;
beforeAll(async () => { t = await testInstance(); });
afterAll(async () => { await t.close(); });

describe('demo seed', () => {
  it('builds real units with GB/T 2260-style codes and grids with 14-digit codes', async () => {
    const units = await t.env.db.selectFrom('admin_units').select(['code', 'name', 'level']).execute();
    expect(units.find((u) => u.code === '320600')).toMatchObject({ name: '南通市', level: 'city' });
    expect(units.find((u) => u.code === '320613')).toMatchObject({ name: '崇川区', level: 'district' });
    for (const u of units) expect(u.code).toMatch(u.level === 'city' || u.level === 'district' ? /^\d{6}$/ : u.level === 'township' ? /^\d{9}$/ : /^\d{12}$/);
    const grids = await t.env.db.selectFrom('grids').select(['code']).execute();
    expect(grids).toHaveLength(2 * 2 * 2 * SMALL_CITY.gridsPerCommunity);
    for (const g of grids) expect(g.code).toMatch(/^\d{14}$/);
  });

  it('creates one account per role, the district dispatchers and the Open311 key', async () => {
    const users = await t.env.db.selectFrom('users').select(['username', 'role']).execute();
    const names = new Set(users.map((u) => u.username));
    for (const role of ['admin', 'dispatcher', 'department_handler', 'grid_worker', 'mediator', 'leader', 'auditor', 'assessor', 'citizen', 'dispatcher_d1', 'dispatcher_d2']) expect(names).toContain(role);
    // One worker account per grid, the first of them the demo `grid_worker`.
    expect(users.filter((u) => u.role === 'grid_worker').length).toBe(16);
    const key = await t.env.db.selectFrom('api_keys').select('key_hash').executeTakeFirstOrThrow();
    expect(key.key_hash).toBe(crypto.createHash('sha256').update('demo-open311-key').digest('hex'));
  });

  it('gives the demo grid worker a grid and the demo department handler a department', async () => {
    const worker = await t.env.db.selectFrom('users').innerJoin('admin_units', 'admin_units.id', 'users.jurisdiction_id')
      .select(['users.id', 'admin_units.level']).where('username', '=', 'grid_worker').executeTakeFirstOrThrow();
    expect(worker.level).toBe('community');
    const member = await t.env.db.selectFrom('grid_members').select('role').where('user_id', '=', worker.id).executeTakeFirstOrThrow();
    expect(member.role).toBe('worker');
    const handler = await t.env.db.selectFrom('users').innerJoin('departments', 'departments.id', 'users.department_id')
      .select(['departments.kind', 'departments.admin_unit_id']).where('username', '=', 'department_handler').executeTakeFirstOrThrow();
    expect(handler.kind).toBe('urban_management');
    // The bureau of the grid worker's district, whose street problems the catalogue sends it.
    const chain = await t.env.db.selectFrom('users').innerJoin('admin_units', 'admin_units.id', 'users.jurisdiction_id')
      .select('admin_units.path').where('username', '=', 'grid_worker').executeTakeFirstOrThrow();
    const district = await t.env.db.selectFrom('admin_units').select(['id', 'path']).where('id', '=', handler.admin_unit_id).executeTakeFirstOrThrow();
    expect(chain.path.startsWith(district.path)).toBe(true);
  });

  it('creates the city departments and each district its own: over 60 for the full city', async () => {
    const n = (await t.env.db.selectFrom('departments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    // Plus a committee for each of the 8 communities and an office for each of the 4 townships.
    expect(n).toBe(CITY_DEPARTMENTS.length + 2 * DISTRICT_DEPARTMENTS.length + 8 + 4);
    const districts = loadCity('nantong').units.filter((u) => u.level === 'district').length;
    expect(CITY_DEPARTMENTS.length + districts * DISTRICT_DEPARTMENTS.length).toBeGreaterThanOrEqual(60);
  });

  it('refuses to seed twice and never seeds in production', async () => {
    await expect(seedDemo(t.env, SMALL_CITY)).rejects.toThrow(/already seeded/);
    const production = { ...t.env, config: loadConfig({ NODE_ENV: 'production' }) };
    await expect(seedDemo(production, SMALL_CITY)).rejects.toThrow(/production/);
  });

  // Last: on the embedded database a second instance shares the worker's connection, and
  // closing it leaves that connection outside this file's schema.
  it('is deterministic: the same seed builds the same polygons', async () => {
    // Read before the second instance exists, for the same reason.
    const a = await t.env.db.selectFrom('grids').select(['code', 'boundary']).orderBy('code').execute();
    const other = await testInstance();
    try {
      const b = await other.env.db.selectFrom('grids').select(['code', 'boundary']).orderBy('code').execute();
      expect(b).toEqual(a);
    } finally {
      await other.close();
    }
  });
});
