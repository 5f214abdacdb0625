import { requireAccess, type RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import { CSV_BOM, csvLine, type CsvValue } from '../core/csv.js';
import type { Env } from '../core/env.js';
// Unit names and grid codes are read from the geography already held in memory, once a row each.
import { geoState } from '../geo/geo.state.js';
import { departmentsById } from '../org/org.service.js';
import { caseFilterOf, type CaseQuery } from './cases.list.js';
import { exportBatch, type ExportCursor, type ExportRow } from './cases.list.repo.js';
import { listCategories } from './cases.repo.js';
import { OPEN_STATUSES, type Status } from './cases.workflow.js';

/**
 * The case list as a CSV download (GET /api/v1/cases/export.csv): every case the list's filters
 * match in the caller's jurisdiction, newest first, without the reporter or the description (which
 * reporters fill with names and numbers). Read in keyset batches, each its own short query, and
 * written as fast as the client takes it; one audit entry per export says who took what.
 */

/** Cases read per query; a few megabytes of CSV, so memory stays flat however long the file. */
export const EXPORT_BATCH = 5_000;

const COLUMNS: [header: string, field: string][] = [
  ['工单编号', 'ticketNo'], ['受理时间', 'receivedAt'], ['渠道', 'channel'], ['诉求类型', 'requestType'],
  ['分类编码', 'categoryCode'], ['分类名称', 'categoryName'], ['三事分流', 'triage'], ['状态', 'status'], ['紧急程度', 'urgency'],
  ['区县', 'district'], ['街道乡镇', 'township'], ['社区村', 'community'], ['网格编码', 'gridCode'], ['地址', 'address'],
  ['主办部门', 'leadDepartment'], ['办理时限', 'dueAt'], ['结案时间', 'closedAt'], ['是否超期', 'overdue'], ['满意度', 'satisfaction'],
];

export interface CaseExport {
  fileName: string;
  /**
   * The file, a batch of rows a chunk. Stopping early (`return()`, as `for await … break` does
   * when the client goes away) ends the reading and still records the export, marked incomplete.
   */
  chunks: AsyncGenerator<string, void, undefined>;
}

/**
 * Checks the caller and their query (so that a refusal is still an ordinary error answer), then
 * hands back the file to stream.
 */
export async function exportCases(env: Env, ctx: RequestContext, query: CaseQuery, options: { batchSize?: number } = {}): Promise<CaseExport> {
  requireAccess(ctx.actor, 'cases.export');
  const now = new Date();
  const filter = await caseFilterOf(env, ctx.actor, query, now);
  const batchSize = options.batchSize ?? EXPORT_BATCH;
  const scopePath = filter.adminUnitPath ?? filter.pathPrefix;

  async function* chunks(): AsyncGenerator<string, void, undefined> {
    let rows = 0;
    let complete = false;
    try {
      const names = await placeNames(env);
      yield CSV_BOM + csvLine(COLUMNS.map(([header, field]) => `${header} (${field})`));
      let cursor: ExportCursor | null = null;
      for (;;) {
        const batch = await exportBatch(env.db, filter, cursor, batchSize);
        if (batch.length === 0) break;
        const text = await csvRows(env, batch, names, now);
        // Counted once handed over: a client that leaves now may still have them.
        rows += batch.length;
        yield text;
        if (batch.length < batchSize) break;
        const last = batch[batch.length - 1];
        cursor = { createdAt: last.cursor_at, id: last.id };
      }
      complete = true;
    } finally {
      await recordAudit(env.db, ctx, {
        action: 'case.export', targetType: 'case', scopePath: scopePath || null,
        after: { filter: query, rows, complete },
      });
    }
  }

  return { fileName: `cases-${beijingTime(now).slice(0, 10)}.csv`, chunks: chunks() };
}

interface PlaceNames {
  unit(id: number): string;
  gridCode(id: number | null): string | null;
  category(code: string | null): string | null;
}

/** Names of admin units, grids and categories, from what is held in memory or read once per export. */
async function placeNames(env: Env): Promise<PlaceNames> {
  const [state, categories] = await Promise.all([geoState(env.db).fresh(), listCategories(env.db)]);
  const categoryNames = new Map(categories.map((c) => [c.code, c.name]));
  const unitNames = new Map<number, string>();
  return {
    unit(id) {
      let name = unitNames.get(id);
      if (name === undefined) unitNames.set(id, (name = state.units.get(id)?.name ?? ''));
      return name;
    },
    gridCode: (id) => (id === null ? null : state.grids.get(id)?.code ?? null),
    category: (code) => (code === null ? null : categoryNames.get(code) ?? null),
  };
}

async function csvRows(env: Env, batch: ExportRow[], names: PlaceNames, now: Date): Promise<string> {
  const departments = await departmentsById(env, batch.map((c) => c.department_id).filter((d): d is number => d !== null));
  let out = '';
  for (const c of batch) {
    // The path is /city/district/township/community/; a case placed at a township has no community.
    const [, , district, township, community] = c.path.split('/');
    const cells: CsvValue[] = [
      c.ticket_no, beijingTime(c.created_at), c.channel, c.request_type, c.category_code, names.category(c.category_code), c.triage,
      c.status, c.urgency, unitName(names, district), unitName(names, township), unitName(names, community), names.gridCode(c.grid_id),
      c.address, c.department_id === null ? null : departments.get(c.department_id)?.name ?? null,
      beijingTime(c.due_at), beijingTime(c.closed_at),
      !!c.due_at && c.due_at.getTime() < now.getTime() && OPEN_STATUSES.has(c.status as Status), c.satisfaction,
    ];
    out += csvLine(cells);
  }
  return out;
}

function unitName(names: PlaceNames, segment: string | undefined): string | null {
  return segment ? names.unit(Number(segment)) : null;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** An instant as Beijing time, 2026-03-01T08:30:00+08:00 (China keeps no daylight saving time). */
export function beijingTime(at: Date): string;
export function beijingTime(at: Date | null): string | null;
export function beijingTime(at: Date | null): string | null {
  return at === null ? null : `${new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
