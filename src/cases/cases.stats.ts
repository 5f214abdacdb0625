import { staffNames } from '../accounts/accounts.service.js';
import { CSV_BOM, csvLine } from '../core/csv.js';
import { writeXlsx } from '../core/sheets.js';
import { requireAccess, scopePrefix, type Actor, type RequestContext } from '../core/access.js';
import type { Env } from '../core/env.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { AdminLevel } from '../geo/geo.repo.js';
import * as geo from '../geo/geo.service.js';
// The grid names are read from the geography already held in memory; geo.service has no lookup by id.
import { geoState } from '../geo/geo.state.js';
import { departmentsById } from '../org/org.service.js';
import { listCategories } from './cases.repo.js';
import { CHANNELS } from './cases.service.js';
import * as daily from './cases.stats.daily.js';
import type { CaseDrill, CaseFigureGroup, CaseFigures, CaseFigureSet, FigureHead, Figures, Grouping, StaffFigureGroup, StaffFigures } from './cases.contract.js';
import * as repo from './cases.stats.repo.js';

/**
 * Performance figures (绩效统计) over a period, by department, area, grid, category, channel
 * or staff member; the definitions are in the README ("Figures") and cases.stats.repo.ts.
 */

export { GROUPINGS } from './cases.contract.js';
export type { CaseDrill, CaseFigureGroup, CaseFigures, CaseFigureSet, Figures, Grouping, StaffFigureGroup, StaffFigures, StaffFigureSet } from './cases.contract.js';

export interface FigureQuery {
  groupBy: Grouping;
  /** Start of the period, inclusive (RFC 3339). */
  from: string;
  /** End of the period, exclusive (RFC 3339). */
  to: string;
  /** Narrow to this admin unit's subtree (inside the caller's jurisdiction). */
  adminUnitId?: number;
  /** For groupBy=adminUnit: the level of the units to group by. */
  level?: AdminLevel;
}

/** Channel names as the zh-CN interface shows them (DOMAIN.md). */
export const CHANNEL_NAMES: Record<(typeof CHANNELS)[number], string> = {
  patrol: '网格巡查', hotline: '12345热线', citizen_app: '随手拍', department: '部门移交', detection: '预警线索', open311: 'Open311',
};

/** What a group of cases with no key is called. */
const NO_KEY: Record<Exclude<Grouping, 'staff'>, string> = {
  department: '未派遣', adminUnit: '上级单位直属', grid: '无网格', category: '未分类', channel: '未知渠道',
};

/** The figures for the caller's jurisdiction (or an admin unit in it) over a period. */
export async function caseFigures(env: Env, ctx: RequestContext, q: FigureQuery): Promise<Figures> {
  requireAccess(ctx.actor, 'stats.read');
  const period = periodOf(q);
  let prefix = scopePrefix(ctx.actor);
  let scopeUnitId = ctx.actor.jurisdictionId;
  if (q.adminUnitId !== undefined) {
    const path = await geo.unitPath(env, q.adminUnitId);
    if (path === null || !path.startsWith(prefix)) throw new NotFoundError('admin unit', undefined, 'adminUnitId');
    prefix = path;
    scopeUnitId = q.adminUnitId;
  }
  if (q.level !== undefined && q.groupBy !== 'adminUnit') throw new ValidationError('level', 'level applies only to groupBy=adminUnit');
  const head: FigureHead = { from: period.from.toISOString(), to: period.to.toISOString(), adminUnitId: q.adminUnitId ?? null };

  if (q.groupBy === 'staff') return staffFigures(env, prefix, period, head);
  const level = q.groupBy === 'adminUnit' ? await levelFor(env, ctx.actor, scopeUnitId, q.level) : null;
  return groupedCaseFigures(env, prefix, period, head, q.groupBy, level);
}

async function staffFigures(env: Env, prefix: string, period: repo.Period, head: FigureHead): Promise<StaffFigures> {
  const rows = await repo.staffCounts(env.db, prefix, period);
  // Named as people know them, with the username as the code: the timeline keeps only the username.
  const names = await staffNames(env, rows.map((r) => Number(r.actorId)));
  const groups = rows.map(({ actorId, actorName, ...counts }): StaffFigureGroup => ({
    key: actorId, code: actorName, name: names.get(Number(actorId)) ?? actorName, nameEn: null, ...counts, drill: null, closedDrill: null, dueDrill: null,
  }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const totals = sumOf(groups, ['received', 'registered', 'dispatched', 'handled', 'verified', 'closed'] as const);
  return { groupBy: 'staff', level: null, ...head, groups, totals };
}

async function groupedCaseFigures(
  env: Env, prefix: string, period: repo.Period, head: FigureHead, groupBy: Exclude<Grouping, 'staff'>, level: AdminLevel | null,
): Promise<CaseFigures> {
  const grouping: repo.CaseGrouping = groupBy === 'adminUnit' ? { by: groupBy, depth: geo.LEVELS.indexOf(level!) + 1 } : { by: groupBy };
  const rows = await countsOf(env, prefix, period, grouping);
  if (level) rows.push(...await emptyUnits(env, prefix, level, rows));
  const names = await labels(env, groupBy, rows.map((r) => r.key).filter((k): k is string => k !== null));
  const numeric = groupBy === 'department' || groupBy === 'adminUnit' || groupBy === 'grid';
  const groups = rows.map((r): CaseFigureGroup => ({
    key: r.key === null ? null : numeric ? Number(r.key) : r.key,
    code: r.key === null ? null : names.get(r.key)?.code ?? null,
    name: r.key === null ? NO_KEY[groupBy] : names.get(r.key)?.name ?? r.key,
    nameEn: r.key === null ? null : names.get(r.key)?.nameEn ?? null,
    ...figuresOf(r),
    ...drillsOf(groupBy, r.key, head),
  })).sort(byCode);
  return { groupBy, level, ...head, groups, totals: figuresOf(totalOf(rows)) };
}

/**
 * The counts behind the figures: from the daily counts (cases.stats.daily.ts) when they can
 * answer (a city or a district, whole Beijing days, a grouping they keep, their backlog
 * small), else from the cases themselves; the two agree, which the tests check.
 */
async function countsOf(env: Env, prefix: string, period: repo.Period, grouping: repo.CaseGrouping): Promise<repo.CaseCountRow[]> {
  const days = daily.dailyPeriod(period);
  const scope = days && await dailyScope(env, prefix, grouping);
  if (days && scope && await daily.catchUp(env.db)) return daily.dailyCounts(env.db, scope.scopeIds, scope.dim, days);
  return repo.caseCounts(env.db, prefix, period, grouping);
}

/** The scopes and dimension of the daily counts that answer this grouping over this prefix, if any. */
async function dailyScope(env: Env, prefix: string, grouping: repo.CaseGrouping): Promise<{ scopeIds: number[]; dim: daily.DailyDimension } | null> {
  const ids = prefix.split('/').filter(Boolean).map(Number);
  if (ids.length > 2 || grouping.by === 'grid') return null;
  // Every city when the caller sees them all; the child units of a city are its districts.
  if (grouping.by === 'adminUnit' && grouping.depth !== Math.max(ids.length, 1) + 1) return null;
  const scopeIds = ids.length > 0 ? [ids.at(-1)!] : await citiesOf(env);
  return { scopeIds, dim: grouping.by === 'adminUnit' ? 'unit' : grouping.by };
}

async function citiesOf(env: Env): Promise<number[]> {
  const out: number[] = [];
  for (const id of await geo.unitIdsUnder(env, '')) if ((await geo.unitRef(env, id))?.level === 'city') out.push(id);
  return out;
}

function periodOf(q: FigureQuery): repo.Period {
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (Number.isNaN(from.getTime())) throw new ValidationError('from', 'from must be a date-time');
  if (Number.isNaN(to.getTime())) throw new ValidationError('to', 'to must be a date-time');
  if (to.getTime() <= from.getTime()) throw new ValidationError('to', 'to must be after from');
  return { from, to };
}

/** The level to group areas by: the one asked for, at or below the scope's own; by default the one below it. */
async function levelFor(env: Env, actor: Actor, scopeUnitId: number | null, asked: AdminLevel | undefined): Promise<AdminLevel> {
  const scopeLevel = scopeUnitId === null ? null : (await geo.unitRef(env, scopeUnitId))?.level ?? null;
  const lowest = scopeLevel === null ? 0 : geo.LEVELS.indexOf(scopeLevel);
  if (asked === undefined) return scopeLevel === null ? 'district' : geo.LEVELS[Math.min(lowest + 1, geo.LEVELS.length - 1)];
  if (geo.LEVELS.indexOf(asked) < lowest) {
    throw new ValidationError('level', `level ${asked} lies above the ${scopeLevel} you are looking at${actor.jurisdictionId === scopeUnitId ? ' (your jurisdiction)' : ''}`);
  }
  return asked;
}

/** Rows of zeros for the units at `level` in scope that no case touched, so every area is listed. */
async function emptyUnits(env: Env, prefix: string, level: AdminLevel, rows: repo.CaseCountRow[]): Promise<repo.CaseCountRow[]> {
  const seen = new Set(rows.map((r) => r.key));
  const out: repo.CaseCountRow[] = [];
  for (const id of await geo.unitIdsUnder(env, prefix)) {
    if (seen.has(String(id)) || (await geo.unitRef(env, id))?.level !== level) continue;
    out.push({ key: String(id), received: 0, registered: 0, dispatched: 0, closed: 0, due: 0, closedOnTime: 0, reopened: 0, extended: 0, rated: 0, satisfied: 0, handlingSeconds: null });
  }
  return out;
}

interface Label {
  code: string | null;
  name: string;
  nameEn?: string;
}

/** Codes and names of the groups' keys. */
async function labels(env: Env, groupBy: Exclude<Grouping, 'staff'>, keys: string[]): Promise<Map<string, Label>> {
  const out = new Map<string, Label>();
  switch (groupBy) {
    case 'department':
      for (const d of (await departmentsById(env, keys.map(Number))).values()) out.set(String(d.id), { code: d.code, name: d.name });
      break;
    case 'adminUnit':
      for (const key of keys) {
        const unit = await geo.unitRef(env, Number(key));
        if (unit) out.set(key, { code: unit.code, name: unit.name });
      }
      break;
    case 'grid': {
      const grids = (await geoState(env.db).fresh()).grids;
      for (const key of keys) {
        const grid = grids.get(Number(key));
        out.set(key, { code: grid?.code ?? null, name: grid?.name ?? key });
      }
      break;
    }
    case 'category':
      for (const c of await listCategories(env.db)) out.set(c.code, { code: c.code, name: c.name, nameEn: c.name_en });
      break;
    case 'channel':
      for (const key of keys) out.set(key, { code: key, name: CHANNEL_NAMES[key as keyof typeof CHANNEL_NAMES] ?? key });
      break;
  }
  return out;
}

/** What lists a group's cases received, closed and due in the period, where the case list can say it. */
function drillsOf(groupBy: Exclude<Grouping, 'staff'>, key: string | null, head: FigureHead): Pick<CaseFigureGroup, 'drill' | 'closedDrill' | 'dueDrill'> {
  if (key === null || groupBy === 'grid') return { drill: null, closedDrill: null, dueDrill: null };
  const group: CaseDrill = head.adminUnitId === null ? {} : { adminUnitId: head.adminUnitId };
  switch (groupBy) {
    case 'department': group.departmentId = Number(key); break;
    case 'adminUnit': group.adminUnitId = Number(key); break;
    case 'category': group.categoryCode = key; break;
    case 'channel': group.channel = key; break;
  }
  return {
    drill: { from: head.from, to: head.to, ...group },
    closedDrill: { status: 'closed', closedFrom: head.from, closedTo: head.to, ...group },
    dueDrill: { dueFrom: head.from, dueTo: head.to, ...group },
  };
}

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

function figuresOf(r: Omit<repo.CaseCountRow, 'key'>): CaseFigureSet {
  return {
    received: r.received, registered: r.registered, dispatched: r.dispatched, closed: r.closed, due: r.due,
    closedOnTime: r.closedOnTime, reopened: r.reopened, extended: r.extended, rated: r.rated, satisfied: r.satisfied,
    closureRate: rate(r.closed, r.due),
    onTimeRate: rate(r.closedOnTime, r.due),
    reopenRate: rate(r.reopened, r.due),
    extensionRate: rate(r.extended, r.due),
    averageHandlingHours: r.closed === 0 || r.handlingSeconds === null ? null : Math.round((r.handlingSeconds / r.closed / 3600) * 100) / 100,
    satisfactionRate: rate(r.satisfied, r.rated),
  };
}

/** Every case falls in exactly one group, so the totals are the groups' sums. */
function totalOf(rows: repo.CaseCountRow[]): Omit<repo.CaseCountRow, 'key'> {
  const counts = sumOf(rows, ['received', 'registered', 'dispatched', 'closed', 'due', 'closedOnTime', 'reopened', 'extended', 'rated', 'satisfied'] as const);
  const seconds = rows.reduce<number | null>((sum, r) => (r.handlingSeconds === null ? sum : (sum ?? 0) + r.handlingSeconds), null);
  return { ...counts, handlingSeconds: seconds };
}

function sumOf<K extends string>(rows: Record<K, number>[], keys: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const r of rows) for (const k of keys) out[k] += r[k];
  return out;
}

/** Groups in code order (channels in their catalogue order), the group with no key last. */
function byCode(a: CaseFigureGroup, b: CaseFigureGroup): number {
  if (a.key === null || b.key === null) return a.key === null ? (b.key === null ? 0 : 1) : -1;
  const rank = (g: CaseFigureGroup) => CHANNELS.indexOf(g.key as (typeof CHANNELS)[number]);
  if (rank(a) >= 0 && rank(b) >= 0) return rank(a) - rank(b);
  return (a.code ?? String(a.key)).localeCompare(b.code ?? String(b.key)) || String(a.key).localeCompare(String(b.key));
}

// ---- Export: the same table as CSV and XLSX, Chinese headers with the English field in brackets.

interface Column {
  header: string;
  field: string;
  rate?: boolean;
}

const GROUP_COLUMNS: Column[] = [
  { header: '标识 (key)', field: 'key' },
  { header: '编码 (code)', field: 'code' },
  { header: '名称 (name)', field: 'name' },
];
const CASE_COLUMNS: Column[] = [
  { header: '受理数 (received)', field: 'received' },
  { header: '立案数 (registered)', field: 'registered' },
  { header: '派遣数 (dispatched)', field: 'dispatched' },
  { header: '结案数 (closed)', field: 'closed' },
  { header: '应结案数 (due)', field: 'due' },
  { header: '按期结案数 (closedOnTime)', field: 'closedOnTime' },
  { header: '返工数 (reopened)', field: 'reopened' },
  { header: '延期数 (extended)', field: 'extended' },
  { header: '结案率 (closureRate)', field: 'closureRate', rate: true },
  { header: '按期结案率 (onTimeRate)', field: 'onTimeRate', rate: true },
  { header: '返工率 (reopenRate)', field: 'reopenRate', rate: true },
  { header: '延期率 (extensionRate)', field: 'extensionRate', rate: true },
  { header: '平均处置时长/小时 (averageHandlingHours)', field: 'averageHandlingHours' },
  { header: '评价数 (rated)', field: 'rated' },
  { header: '满意数 (satisfied)', field: 'satisfied' },
  { header: '满意率 (satisfactionRate)', field: 'satisfactionRate', rate: true },
];
const STAFF_COLUMNS: Column[] = [
  { header: '受理 (received)', field: 'received' },
  { header: '立案 (registered)', field: 'registered' },
  { header: '派遣 (dispatched)', field: 'dispatched' },
  { header: '处置反馈 (handled)', field: 'handled' },
  { header: '核查 (verified)', field: 'verified' },
  { header: '结案 (closed)', field: 'closed' },
];

type Cell = string | number | null;

/** The figures as a sheet: one row per group and a totals row. */
export function figureSheet(figures: Figures): { columns: Column[]; rows: Cell[][] } {
  const columns = [...GROUP_COLUMNS, ...(figures.groupBy === 'staff' ? STAFF_COLUMNS : CASE_COLUMNS)];
  const groups = figures.groups as unknown as Record<string, Cell>[];
  const totals = { key: null, code: null, name: '合计 (total)', ...figures.totals } as Record<string, Cell>;
  return { columns, rows: [...groups, totals].map((g) => columns.map((c) => g[c.field] ?? null)) };
}

/** A file name saying what and when, first and last day included: case-figures-department-2026-03-01-2026-03-31. */
export function figureFileName(figures: Figures, extension: 'csv' | 'xlsx'): string {
  // Dates as the city reads them: a year starting at midnight in Beijing is not named after 31 December.
  const day = (at: number) => new Date(at + 8 * 3600_000).toISOString().slice(0, 10);
  // The period ends before `to`: its last day is the one holding the moment before.
  return `case-figures-${figures.groupBy}-${day(Date.parse(figures.from))}-${day(Date.parse(figures.to) - 1)}.${extension}`;
}

/** The sheet as CSV lines, starting with a UTF-8 byte-order mark so that Excel reads the Chinese right. */
export function* figureCsv(figures: Figures): Generator<string> {
  const { columns, rows } = figureSheet(figures);
  yield CSV_BOM + csvLine(columns.map((c) => c.header));
  for (const row of rows) yield csvLine(row);
}

/** The sheet as an XLSX workbook; rates keep their value and show as percentages, the totals row in bold. */
export function figureXlsx(figures: Figures): Promise<Buffer> {
  const { columns, rows } = figureSheet(figures);
  return writeXlsx({
    name: '案件统计',
    columns: columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 4), numFmt: c.rate ? '0.00%' : undefined })),
    rows,
    boldRows: [rows.length + 1],
  });
}
