import { requireAccess, type RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import { CSV_BOM, csvLine, type CsvValue } from '../core/csv.js';
import type { Env } from '../core/env.js';
// Unit names and grid codes are read from the geography already held in memory.
import { geoState } from '../geo/geo.state.js';
import { departmentsById } from '../org/org.service.js';
import { exportBatch, type ExportCase } from './cases.export.repo.js';
import { caseFilterOf, type CaseQuery } from './cases.list.js';
import { listCategories } from './cases.repo.js';

/**
 * The case list as a CSV download (GET /api/v1/cases/export.csv): every case the list's filters
 * match in the caller's jurisdiction, newest first, without the reporter or the description (which
 * reporters fill with names and numbers). Read in keyset batches, each its own short query, and
 * written as fast as the client takes it; one audit entry per export says who took what.
 */

/**
 * Cases read per query. Small enough that a batch's text stays out of V8's large-object space and
 * dies young, so the server's memory does not climb with the length of the file (README, "Benchmarks").
 */
export const EXPORT_BATCH = 1000;

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
      // The next batch is read while this one is written: the database and the client work at once.
      let next: Promise<ExportCase[]> | null = exportBatch(env.db, filter, null, batchSize);
      try {
        while (next) {
          const batch: ExportCase[] = await next;
          const last = batch[batch.length - 1];
          next = batch.length < batchSize ? null : exportBatch(env.db, filter, { createdAt: last[16], id: last[0] }, batchSize);
          if (batch.length === 0) break;
          const text = await csvLines(env, batch, names, now.getTime());
          // Counted once handed over: a client that leaves now may still have them.
          rows += batch.length;
          yield text;
        }
      } finally {
        // A client that left mid-file leaves a read in flight; let it finish quietly.
        await next?.catch(() => {});
      }
      complete = true;
    } finally {
      await recordAudit(env.db, ctx, {
        action: 'case.export', targetType: 'case', scopePath: scopePath || null,
        after: { filter: query, rows, complete },
      });
    }
  }

  return { fileName: `cases-${beijingDay(now)}.csv`, chunks: chunks() };
}

interface PlaceNames {
  unit(id: number): string | null;
  gridCode(id: number | null): string | null;
  category(code: string | null): string | null;
}

/** Names of admin units, grids and categories, from what is held in memory or read once per export. */
async function placeNames(env: Env): Promise<PlaceNames> {
  const [state, categories] = await Promise.all([geoState(env.db).fresh(), listCategories(env.db)]);
  const categoryNames = new Map(categories.map((c) => [c.code, c.name]));
  return {
    unit: (id) => state.units.get(id)?.name ?? null,
    gridCode: (id) => (id === null ? null : state.grids.get(id)?.code ?? null),
    category: (code) => (code === null ? null : categoryNames.get(code) ?? null),
  };
}

async function csvLines(env: Env, batch: ExportCase[], names: PlaceNames, nowMs: number): Promise<string> {
  const departments = await departmentsById(env, batch.map((c) => c[12]).filter((d): d is number => d !== null));
  const unit = (segment: string | undefined) => (segment ? names.unit(Number(segment)) : null);
  const lines: string[] = [];
  for (const [, ticketNo, createdMs, channel, requestType, categoryCode, triage, status, urgency, path, gridId, address, departmentId, dueMs, closedMs, satisfaction] of batch) {
    // The path is /city/district/township/community/; a case placed at a township has no community.
    const [, , district, township, community] = path.split('/');
    const cells: CsvValue[] = [
      ticketNo, beijingTime(createdMs), channel, requestType, categoryCode, names.category(categoryCode), triage, status, urgency,
      unit(district), unit(township), unit(community), names.gridCode(gridId), address,
      departmentId === null ? null : departments.get(departmentId)?.name ?? null, beijingTime(dueMs), beijingTime(closedMs),
      // Open cases, and only they, have no closing time (the list's `overdue` filter says the same).
      closedMs === null && dueMs !== null && dueMs < nowMs, satisfaction,
    ];
    lines.push(csvLine(cells));
  }
  return lines.join('');
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** An instant as Beijing time, 2026-03-01T08:30:00+08:00 (China keeps no daylight saving time). */
function beijingTime(ms: number | null): string | null {
  return ms === null ? null : `${new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** A day in Beijing, 2026-03-01, for the file name. */
function beijingDay(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}
