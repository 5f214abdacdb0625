import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testInstance, type TestInstance } from '../../test/app.js';
import { interiorPoint } from '../../test/fixtures.js';
import type { Area } from '../geo/geometry.js';
import { mulberry32 } from '../geo/tiling.js';
import { beijingDay, catchUp, dailyCounts, dailyCountsJob, foldAll, rebuildDailyCounts, type DailyDimension } from './cases.stats.daily.js';
import { caseCounts, type CaseCountRow, type CaseGrouping } from './cases.stats.repo.js';

/**
 * The daily counts must say exactly what counting the cases says, for every period of whole
 * Beijing days, scope and grouping they answer. Hundreds of cases with random histories
 * (every status, due dates before, inside and after their closures, missing times, no
 * department, a district's own cases) are changed and deleted after being counted, then
 * both ways are asked the same questions.
 */

let t: TestInstance;
const DAY = 86_400_000;
/** Beijing midnight starting 2026-01-01. */
const EPOCH = Date.parse('2025-12-31T16:00:00.000Z');
const STATUSES = ['received', 'registered', 'dispatched', 'in_progress', 'closed', 'closed', 'closed', 'rejected', 'void', 'deferred', 'hung', 'merged', 'referred'];
const CHANNELS = ['hotline', 'patrol', 'citizen_app', 'open311'];

let places: { path: string; unitId: number; cityId: number }[] = [];
let departments: number[] = [];
let categories: string[] = [];
let ids: number[] = [];

const rng = mulberry32(20261124);
const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)];
/** A time within the 120 days from EPOCH, at any minute: closures land before, on and after due days. */
const someTime = (after = EPOCH) => new Date(after + Math.floor(rng() * 40 * DAY) + Math.floor(rng() * 24 * 60) * 60_000);
const maybe = <T>(p: number, v: () => T): T | null => (rng() < p ? v() : null);

function randomHistory() {
  const status = pick(STATUSES);
  const created = someTime();
  const registered = status === 'received' ? null : maybe(0.95, () => new Date(created.getTime() + rng() * 2 * DAY));
  const base = registered ?? created;
  const closedAt = ['closed', 'rejected', 'void', 'merged', 'referred'].includes(status) ? new Date(base.getTime() + rng() * 20 * DAY) : null;
  return {
    status,
    channel: pick(CHANNELS),
    department_id: maybe(0.8, () => pick(departments)),
    category_code: maybe(0.9, () => pick(categories)),
    created_at: created,
    registered_at: registered,
    dispatched_at: registered && maybe(0.8, () => new Date(base.getTime() + rng() * DAY)),
    closed_at: closedAt,
    due_at: registered && maybe(0.9, () => new Date(base.getTime() + rng() * 15 * DAY)),
    satisfaction: status === 'closed' ? maybe(0.6, () => 1 + Math.floor(rng() * 5)) : null,
    reopen_count: rng() < 0.2 ? 1 + Math.floor(rng() * 2) : 0,
    extension_count: rng() < 0.2 ? 1 : 0,
  };
}

beforeAll(async () => {
  t = await testInstance();
  const db = t.env.db;
  const grids = await db.selectFrom('grids').select(['path', 'community_id as unitId']).execute();
  const units = await db.selectFrom('admin_units').select(['id', 'path', 'level']).execute();
  // Cases at a grid, and a few filed to a district or township itself (no unit below it).
  places = [
    ...grids.map((g) => ({ path: g.path, unitId: Number(g.unitId) })),
    ...units.filter((u) => u.level === 'district' || u.level === 'township').map((u) => ({ path: u.path, unitId: u.id })),
  ].map((p) => ({ ...p, cityId: Number(p.path.split('/')[1]) }));
  departments = (await db.selectFrom('departments').select('id').orderBy('id').limit(5).execute()).map((d) => d.id);
  categories = (await db.selectFrom('case_categories').select('code').where('parent_code', 'is not', null).orderBy('code').limit(6).execute()).map((c) => c.code);

  const rows = Array.from({ length: 600 }, (_, i) => {
    const place = pick(places);
    return {
      ticket_no: `D${String(i).padStart(6, '0')}`, city_id: place.cityId, request_type: 'complaint', urgency: 'routine',
      description: '统计口径核对', admin_unit_id: place.unitId, path: place.path, ...randomHistory(),
    };
  });
  for (let i = 0; i < rows.length; i += 200) {
    ids.push(...(await db.insertInto('cases').values(rows.slice(i, i + 200)).returning('id').execute()).map((r) => r.id));
  }
  await foldAll(db);
  // Counted once, then changed: every third case gets a new history, a department moves, some go.
  for (const id of ids.filter((_, i) => i % 3 === 0)) {
    await db.updateTable('cases').set(randomHistory()).where('id', '=', id).execute();
  }
  await sql`update cases set department_id = ${departments[0]} where id = any(${ids.filter((_, i) => i % 7 === 1)}::bigint[])`.execute(db);
  await sql`update cases set version = version + 1 where id = any(${ids}::bigint[])`.execute(db); // moves no figure
  const gone = ids.filter((_, i) => i % 11 === 5);
  await db.deleteFrom('cases').where('id', 'in', gone).execute();
  ids = ids.filter((id) => !gone.includes(id));
});
afterAll(async () => { await t.close(); });

const sorted = (rows: CaseCountRow[]) => [...rows].map((r) => ({ ...r, handlingSeconds: r.handlingSeconds === null ? null : Number(r.handlingSeconds) }))
  .sort((a, b) => String(a.key).localeCompare(String(b.key)));

describe('the daily counts', () => {
  it('queues nothing for an update that moves no figure', async () => {
    await catchUp(t.env.db);
    await sql`update cases set version = version + 1, warning_level = 1 where id = any(${ids}::bigint[])`.execute(t.env.db);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from case_figure_changes`.execute(t.env.db);
    expect(rows[0].n).toBe(0);
  });

  it('agree with counting the cases, for every scope, grouping and period of whole days', async () => {
    expect(await catchUp(t.env.db)).toBe(true);
    const cities = [...new Set(places.map((p) => p.cityId))];
    const districts = [...new Set(places.map((p) => `${p.path.split('/').slice(0, 3).join('/')}/`).filter((p) => p.split('/').length === 4))];
    const scopes = [
      { prefix: '', scopeIds: cities, unitDepth: 2 },
      ...cities.map((c) => ({ prefix: `/${c}/`, scopeIds: [c], unitDepth: 2 })),
      ...districts.map((d) => ({ prefix: d, scopeIds: [Number(d.split('/')[2])], unitDepth: 3 })),
    ];
    expect(scopes.length).toBeGreaterThanOrEqual(4);
    const periods = [
      [0, 120], [0, 1], [10, 11], [15, 45], [30, 60], [44, 46], [50, 120], [59, 60], [-30, 5], [0, 31], [31, 59], [31, 90], [-31, 0],
      ...Array.from({ length: 6 }, () => { const a = Math.floor(rng() * 100); return [a, a + 1 + Math.floor(rng() * 30)]; }),
    ];
    let compared = 0;
    for (const [a, b] of periods) {
      const period = { from: new Date(EPOCH + a * DAY), to: new Date(EPOCH + b * DAY) };
      const days = { from: beijingDay(period.from)!, to: beijingDay(period.to)! };
      for (const s of scopes) {
        for (const dim of ['department', 'category', 'channel', 'unit'] as DailyDimension[]) {
          const grouping: CaseGrouping = dim === 'unit' ? { by: 'adminUnit', depth: s.unitDepth } : { by: dim };
          const want = sorted(await caseCounts(t.env.db, s.prefix, period, grouping));
          const got = sorted(await dailyCounts(t.env.db, s.scopeIds, dim, days));
          expect(got, `${s.prefix || 'all'} by ${dim}, days ${a}–${b}`).toEqual(want);
          compared += want.length;
        }
      }
    }
    // The data must make the comparison mean something: many groups, late and early closures.
    expect(compared).toBeGreaterThan(500);
  });

  it('serves the figures right after a change, through the API', async () => {
    const dispatcher = t.as(await t.login('dispatcher'));
    const from = new Date(Math.floor((Date.now() + 8 * 3600_000) / DAY) * DAY - 8 * 3600_000);
    // Today and tomorrow in China, so that a run at midnight still counts the case it makes.
    const query = `groupBy=channel&from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(new Date(from.getTime() + 2 * DAY).toISOString())}`;
    const received = async () => {
      const res = await dispatcher({ url: `/api/v1/stats/cases?${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().groups as { key: string; received: number }[]).find((g) => g.key === 'hotline')?.received ?? 0;
    };
    const before = await received();
    // The dispatcher's jurisdiction is 崇川区 (320613).
    const district = await t.env.db.selectFrom('admin_units').select('path').where('code', '=', '320613').executeTakeFirstOrThrow();
    const grid = await t.env.db.selectFrom('grids').select('boundary').where('path', 'like', `${district.path}%`).executeTakeFirstOrThrow();
    const created = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'report', description: '井盖缺失', location: interiorPoint(grid.boundary as Area) } });
    expect(created.statusCode, created.body).toBe(201);
    expect(await received()).toBe(before + 1);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from case_figure_changes`.execute(t.env.db);
    expect(rows[0].n).toBe(0);
  });

  it('counts the same afresh as it did change by change (a rebuild after a bulk load)', async () => {
    await catchUp(t.env.db);
    const rows = async () => (await sql<Record<string, unknown>>`
      select * from case_daily_counts where (received, registered, dispatched, closed, closed_due, falling_due, falling_due_closed) <> (0, 0, 0, 0, 0, 0, 0)
      order by scope_id, dim, grain, day, key`.execute(t.env.db)).rows;
    const late = async () => (await sql<Record<string, unknown>>`select * from case_late_closures where closed <> 0 order by scope_id, dim, closed_day, due_day, key`.execute(t.env.db)).rows;
    const [folded, foldedLate] = [await rows(), await late()];
    expect(folded.length).toBeGreaterThan(1000);
    expect(foldedLate.length).toBeGreaterThan(50);
    const { rows: [{ n }] } = await sql<{ n: number }>`select count(*)::int as n from cases`.execute(t.env.db);
    expect(await rebuildDailyCounts(t.env.db)).toBe(n);
    expect(await rows()).toEqual(folded);
    expect(await late()).toEqual(foldedLate);
  });

  it('leaves a backlog too big to fold at once to the scheduled job, and the figures to the cases meanwhile', async () => {
    await sql`update cases set reopen_count = reopen_count + 1 where id = any(${ids.slice(0, 20)}::bigint[])`.execute(t.env.db);
    expect(await catchUp(t.env.db, 10)).toBe(false);
    // More than a read may fold (5,000): the figures are counted over the cases, and still right.
    for (let i = 0; i < 5; i++) await sql`update cases set satisfaction = ${i + 1} where id = any(${ids}::bigint[])`.execute(t.env.db);
    const admin = t.as(await t.login('admin'));
    const query = `groupBy=department&from=${encodeURIComponent(new Date(EPOCH).toISOString())}&to=${encodeURIComponent(new Date(EPOCH + 120 * DAY).toISOString())}`;
    const res = await admin({ url: `/api/v1/stats/cases?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    const scanned = await caseCounts(t.env.db, '', { from: new Date(EPOCH), to: new Date(EPOCH + 120 * DAY) }, { by: 'department' });
    expect(res.json().totals.closed).toBe(scanned.reduce((n, r) => n + r.closed, 0));
    expect(res.json().totals.satisfied).toBe(scanned.reduce((n, r) => n + r.satisfied, 0));
    const { rows: [{ n }] } = await sql<{ n: number }>`select count(*)::int as n from case_figure_changes`.execute(t.env.db);
    expect(n).toBeGreaterThan(5000);
    await dailyCountsJob.run({ env: t.env, now: new Date(), attempt: 1 });
    expect(await catchUp(t.env.db, 0)).toBe(true);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from case_figure_changes`.execute(t.env.db);
    expect(rows[0].n).toBe(0);
  });
});
