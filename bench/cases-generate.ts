/**
 * Millions of cases for the read benchmark, made by the database itself (INSERT … SELECT over
 * generate_series, a million rows a statement) in a demo city already seeded and migrated.
 * Shaped like a city's two years: grid patrols and the 12345 hotline bring most cases in, each
 * case lies in a real grid with its community's admin path, goes to the department its category's
 * kind names nearest that community, and most are closed, on time or late; the newest are still
 * open and some of those overdue. Ids grow with intake time, as they do in a live system.
 */
import type pg from 'pg';
import { CATEGORY_SEEDS } from '../src/cases/taxonomy.js';

const DAY_MS = 86_400_000;
const CHUNK = 1_000_000;

/** Reported far more often than an ordinary subclass (after the demo history's proportions). */
const COMMON: Record<string, number> = {
  E0102: 30, E0501: 25, E0201: 14, E0113: 12, E0502: 12, E0504: 12, E0506: 12, E0505: 10, E0104: 8, E0107: 6,
  C0109: 10, C0101: 3, C0102: 3, C0103: 3, H030101: 10, H030102: 12, H010101: 12, H010104: 6, H0402: 8, H0501: 7, H0603: 6,
};
const SAYINGS = [
  '路边堆放多袋生活垃圾，无人清运', '人行道上有摊贩摆摊卖水果，影响通行', '电线杆和墙面上贴满小广告', '垃圾桶已满，垃圾外溢到地面',
  '机动车长期停在人行道上', '共享单车堆在公交站台前', '夜间路边烧烤摊经营，油烟扰民', '路灯连续几晚不亮，夜间出行不便',
  '污水井盖破损，有行人踩空风险', '酒吧深夜音响声音很大，影响休息', '楼上住户深夜装修敲打', '小区物业保洁不到位，楼道垃圾无人清理',
  '网购商品质量有问题，商家拒绝退货', '在工地务工被拖欠工资三个月', '小区周边停车难，希望增设停车位', '工地裸土未覆盖，刮风时扬尘严重',
];
const ROADS = ['人民路', '青年路', '工农路', '城山路', '濠河路', '跃龙路', '长江路', '世纪大道', '通甲路', '南大街', '友谊路', '钟秀路'];

/** Wall-clock hours a routine case of the category has, roughly: working time stretched over nights and weekends. */
function wallHours(limit: { amount: number; unit: string }): number {
  if (limit.unit === 'days') return limit.amount * 24 * 1.4;
  if (limit.unit === 'hours') return limit.amount * 3;
  return limit.amount;
}

const sqlText = (items: string[]) => `(array[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(',')}])`;

/** The lookup tables the generator draws from: grids with their places, weighted categories, and routes. */
async function prepare(client: pg.Client): Promise<{ grids: number; pools: Record<string, number> }> {
  await client.query(`create temp table g_grid as
    select (row_number() over (order by g.id) - 1)::int as idx, g.id, g.community_id, g.path, g.min_lon, g.min_lat, g.max_lon, g.max_lat,
           d.name as district_name, t.name as township_name, t.id as township_id
    from grids g
    join admin_units d on d.id = split_part(g.path, '/', 3)::bigint
    join admin_units t on t.id = split_part(g.path, '/', 4)::bigint`);
  const leaves = CATEGORY_SEEDS.filter((c) => c.limits);
  const rows: [string, string, string, number, string | null, string][] = [];
  for (const c of leaves) {
    const pool = c.kind === 'subject' ? 'h' : 'f';
    rows.push([c.code, pool, c.triage ?? 'government', wallHours(c.limits!.routine), c.departmentKind ?? null, c.name]);
  }
  await client.query(`create temp table g_leaf (code text, pool text, triage text, due_hours float8, department_kind text, name text, weight int)`);
  await client.query(`insert into g_leaf select * from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::int[])`, [
    rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3]), rows.map((r) => r[4]), rows.map((r) => r[5]),
    rows.map((r) => COMMON[r[0]] ?? 1),
  ]);
  // A category drawn uniformly from this table is drawn by weight.
  await client.query(`create temp table g_cat as
    select (row_number() over (partition by pool order by code, w) - 1)::int as idx, l.*
    from g_leaf l, generate_series(1, l.weight) w`);
  await client.query(`create temp table g_route as
    select c.id as community_id, k.kind, (
      select d.id from departments d
      where d.kind = case when k.kind = 'community' then 'community_committee' else k.kind end and d.admin_unit_id = any(c.chain)
      order by array_position(c.chain, d.admin_unit_id) desc limit 1) as department_id
    from (select id, array[split_part(path, '/', 2)::bigint, split_part(path, '/', 3)::bigint, split_part(path, '/', 4)::bigint, id] as chain
          from admin_units where level = 'community') c
    cross join (select distinct department_kind as kind from g_leaf where department_kind is not null) k`);
  await client.query('create index on g_route (community_id, kind)');
  await client.query(`create temp table g_township_office as
    select u.id as township_id, d.id as department_id from admin_units u join departments d on d.admin_unit_id = u.id and d.kind = 'township_office'`);
  const grids = Number((await client.query('select count(*) as n from g_grid')).rows[0].n);
  const pools = Object.fromEntries((await client.query('select pool, count(*)::int as n from g_cat group by pool')).rows.map((r) => [r.pool, r.n]));
  await client.query('analyze g_grid; analyze g_cat; analyze g_route');
  return { grids, pools };
}

/**
 * One chunk of cases, numbers [from, to) of `total`, created in order over the `days` before `now`.
 * Outcomes: 3% rejected, 2% void, 1.5% referred, 1.5% merged, 0.5% hung, 0.5% deferred, the rest
 * closed (15% late, 5% after an extension) unless their closure would fall after `now`, in which
 * case they are still open at the step they would have reached.
 */
function chunkSql(from: number, to: number, total: number, now: Date, days: number, grids: number, pools: Record<string, number>): string {
  const start = now.getTime() - days * DAY_MS;
  return `
insert into cases (ticket_no, city_id, channel, request_type, category_code, triage, urgency, status, description, address, lon, lat,
  grid_id, admin_unit_id, path, department_id, due_at, registered_at, dispatched_at, closed_at, satisfaction, reopen_count, extension_count,
  version, created_at, updated_at)
select to_char(created_at at time zone 'Asia/Shanghai', 'YYYYMMDD') || lpad(n::text, 8, '0'), split_part(path, '/', 2)::bigint,
  channel, request_type, code, triage, urgency, status, description, address, lon, lat, grid_id, community_id, path,
  case when dispatched_at is null then null else department_id end,
  case when registered is null then null else due_at end, registered, dispatched_at, closed_at, satisfaction, reopen_count, extension_count,
  1 + (registered is not null)::int + (dispatched_at is not null)::int + (closed_at is not null)::int,
  created_at, coalesce(closed_at, dispatched_at, registered, created_at)
from (
  select o.*,
    case when o.close_at > o.now or o.final in ('hung', 'deferred') then null else o.close_at end as closed_at,
    case when o.close_at <= o.now or o.final in ('hung', 'deferred') then o.final
         when o.final = 'closed' and o.dispatch_at <= o.now then
           case when o.r5 < 0.7 then 'in_progress' when o.r5 < 0.85 then 'dispatched' when o.r5 < 0.95 then 'reported' else 'verified' end
         when o.registered_at is null or o.registered_at > o.now then 'received' else 'registered' end as status,
    case when o.registered_at > o.now then null else o.registered_at end as registered,
    case when o.dispatch_at > o.now then null else o.dispatch_at end as dispatched_at,
    case when o.final = 'closed' and o.close_at <= o.now and o.r6 < 0.6 then (array[5,5,5,5,5,5,5,5,5,4,4,4,4,4,3,3,2,1])[1 + floor(o.r7 * 18)::int] end as satisfaction
  from (
    select p.*,
      case when p.final in ('rejected', 'void', 'referred', 'merged') and p.r4 < 0.5 or p.final = 'rejected' then null else p.created_at + interval '1 minute' * (5 + p.r3 * 115) end as registered_at,
      case when p.final in ('rejected', 'void', 'referred', 'merged') then null
           else p.created_at + interval '1 minute' * (20 + p.r3 * 360) end as dispatch_at,
      case when p.final = 'rejected' or (p.final in ('void', 'referred', 'merged') and p.r4 < 0.5) then null
           else p.created_at + interval '1 hour' * p.due_hours * (1 + p.extension_count) end as due_at,
      case when p.final in ('rejected', 'void', 'referred', 'merged') then p.created_at + interval '1 minute' * (10 + p.r3 * 600)
           when p.r4 < 0.85 then p.created_at + interval '1 hour' * p.due_hours * (1 + p.extension_count) * (0.1 + 0.85 * p.r5)
           else p.created_at + interval '1 hour' * p.due_hours * (1 + p.extension_count) * (1.05 + 1.5 * p.r5) end as close_at
    from (
      select s.n, s.created_at, s.now, s.r3, s.r4, s.r5, s.r6, s.r7, s.channel, c.code, c.triage, c.due_hours, g.id as grid_id, g.community_id, g.path,
        g.min_lon + s.r8 * (g.max_lon - g.min_lon) as lon, g.min_lat + s.r9 * (g.max_lat - g.min_lat) as lat,
        rt.department_id,
        case when s.channel = 'hotline' then (array['complaint','complaint','inquiry','help','report','suggestion'])[1 + floor(s.r1 * 6)::int] else 'report' end as request_type,
        case when s.r2 < 0.9 then 'routine' when s.r2 < 0.98 then 'urgent' else 'critical' end as urgency,
        case when s.r0 < 0.03 then 'rejected' when s.r0 < 0.05 then 'void' when s.r0 < 0.065 then 'referred' when s.r0 < 0.08 then 'merged'
             when s.r0 < 0.085 then 'hung' when s.r0 < 0.09 then 'deferred' else 'closed' end as final,
        (s.r6 < 0.04)::int as reopen_count, (s.r7 < 0.05)::int as extension_count,
        ${sqlText(SAYINGS)}[1 + floor(s.r1 * ${SAYINGS.length})::int] || '（' || c.name || '）' as description,
        g.district_name || g.township_name || ${sqlText(ROADS)}[1 + floor(s.r2 * ${ROADS.length})::int] || (1 + floor(s.r9 * 300))::int || '号' as address
      from (
        select n, timestamptz '${new Date(start).toISOString()}' + interval '1 millisecond' * ((n + random() * 0.9) / ${total} * ${days * DAY_MS}) as created_at,
          timestamptz '${now.toISOString()}' as now,
          case when r < 0.45 then 'patrol' when r < 0.80 then 'hotline' when r < 0.92 then 'citizen_app' when r < 0.97 then 'department' else 'open311' end as channel,
          random() as rp, random() as rc, random() as rg, random() as r0, random() as r1, random() as r2, random() as r3, random() as r4,
          random() as r5, random() as r6, random() as r7, random() as r8, random() as r9
        from (select n, random() as r from generate_series(${from}, ${to - 1}) n) q
      ) s
      join g_cat c on c.pool = case when (s.channel = 'hotline') = (s.rp < 0.85) then 'h' else 'f' end
        and c.idx = floor(s.rc * case when (s.channel = 'hotline') = (s.rp < 0.85) then ${pools.h} else ${pools.f} end)::int
      join g_grid g on g.idx = floor(s.rg * ${grids})::int
      left join g_route rt on rt.community_id = g.community_id and rt.kind = c.department_kind
    ) p
  ) o
) f
order by n`;
}

interface SavedIndex { table: string; name: string; definition: string }

/** Secondary indexes are dropped for the load and built again afterwards: far faster than maintaining them row by row. */
async function dropIndexes(client: pg.Client, tables: string[]): Promise<SavedIndex[]> {
  const { rows } = await client.query<{ tablename: string; indexname: string; indexdef: string }>(`
    select i.tablename, i.indexname, i.indexdef from pg_indexes i
    where i.schemaname = current_schema() and i.tablename = any($1)
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`, [tables]);
  for (const r of rows) await client.query(`drop index ${r.indexname}`);
  return rows.map((r) => ({ table: r.tablename, name: r.indexname, definition: r.indexdef }));
}

export interface GeneratedCases { cases: number; assignments: number; seconds: number; indexSeconds: number }

/** Adds `total` cases (and their department assignments) to a seeded, migrated database, then analyses it. */
export async function generateCases(client: pg.Client, total: number, now: Date, onProgress?: (done: number) => void): Promise<GeneratedCases> {
  const started = Date.now();
  if (Number((await client.query('select count(*) as n from case_categories')).rows[0].n) === 0) throw new Error('the case catalogue is empty: start the server once first');
  await client.query("set synchronous_commit = off; set work_mem = '256MB'; set maintenance_work_mem = '1GB'; set max_parallel_maintenance_workers = 2");
  const { grids, pools } = await prepare(client);
  const saved = await dropIndexes(client, ['cases', 'case_assignments']);
  // The daily counts are rebuilt in one pass afterwards (cases-read.ts), not queued case by case.
  await client.query('alter table cases disable trigger cases_figures_insert');
  for (let from = 0; from < total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK);
    const before = Number((await client.query('select coalesce(max(id), 0) as id from cases')).rows[0].id);
    await client.query(chunkSql(from, to, total, now, 730, grids, pools));
    await client.query(`insert into case_assignments (case_id, department_id, role, assigned_at, active)
      select id, department_id, 'lead', dispatched_at, true from cases where id > $1 and department_id is not null`, [before]);
    // One case in thirty also has its township office supporting (协办).
    await client.query(`insert into case_assignments (case_id, department_id, role, assigned_at, active)
      select c.id, o.department_id, 'support', c.dispatched_at, true from cases c
      join g_township_office o on o.township_id = split_part(c.path, '/', 4)::bigint
      where c.id > $1 and c.department_id is not null and c.id % 30 = 0 and o.department_id <> c.department_id`, [before]);
    onProgress?.(to);
  }
  await client.query('alter table cases enable trigger cases_figures_insert');
  const indexStarted = Date.now();
  for (const index of saved) await client.query(index.definition);
  await client.query('vacuum analyze cases');
  await client.query('vacuum analyze case_assignments');
  const assignments = Number((await client.query('select count(*) as n from case_assignments')).rows[0].n);
  return { cases: total, assignments, seconds: (Date.now() - started) / 1000, indexSeconds: (Date.now() - indexStarted) / 1000 };
}
