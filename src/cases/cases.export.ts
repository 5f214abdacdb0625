import { requireAccess, type RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import { CSV_BOM, csvLine } from '../core/csv.js';
import type { Env } from '../core/env.js';
import { collectGarbage } from '../core/gc.js';
import { exportBatch, type ExportCase, type ExportCursor } from './cases.export.repo.js';
import { caseFilterOf, type CaseQuery } from './cases.list.js';

/**
 * The case list as a CSV download (GET /api/v1/cases/export.csv): every case the list's filters
 * match in the caller's jurisdiction, newest first, without the reporter or the description (which
 * reporters fill with names and numbers). Read in keyset batches, each its own short query, and
 * written as fast as the client takes it; one audit entry per export says who took what.
 */

/** Cases read per query: a few hundred kilobytes of text, turned into CSV fifty lines at a time. */
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
   * The file, some fifty lines a chunk; the first (the header line) comes once the first cases
   * have been read. Stopping early (`return()`, as `for await … break` does
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
    let collectedAt = 0;
    let complete = false;
    try {
      // The next batch is read while this one is written: the database and the client work at once.
      let next: Promise<string | null> | null = exportBatch(env.db, filter, null, batchSize);
      try {
        // The first batch is read before the header line is handed over, so that a read that
        // fails at once fails before the answer has begun (see the route), as an error answer.
        let batch = await next;
        yield CSV_BOM + csvLine(COLUMNS.map(([header, field]) => `${header} (${field})`));
        while (batch !== null) {
          next = lineCount(batch) < batchSize ? null : exportBatch(env.db, filter, cursorOf(batch), batchSize);
          for (const chunk of csvChunks(batch, now.getTime())) {
            // Counted once handed over: a client that leaves now may still have them.
            rows += chunk.count;
            yield chunk.csv;
          }
          if (rows - collectedAt >= COLLECT_EVERY) {
            collectGarbage();
            collectedAt = rows;
          }
          batch = next === null ? null : await next;
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

/**
 * Rows written between two full collections: some 30 MB of CSV and the strings it was made of,
 * all garbage once written. A collection of a server's live heap takes tens of milliseconds.
 */
const COLLECT_EVERY = 100_000;

/** Cases turned into CSV between two writes: some fifteen kilobytes, gone as soon as the socket has them. */
const CHUNK = 50;

/** A batch's cases as CSV, CHUNK lines a piece. */
function* csvChunks(batch: string, nowMs: number): Generator<{ csv: string; count: number }> {
  let lines = '';
  let count = 0;
  for (let start = 0; start < batch.length;) {
    const end = batch.indexOf('\n', start);
    const [, ticketNo, createdMs, channel, requestType, categoryCode, categoryName, triage, status, urgency,
      district, township, community, gridCode, address, leadDepartment, dueMs, closedMs, satisfaction] =
      JSON.parse(batch.slice(start, end < 0 ? batch.length : end)) as ExportCase;
    lines += csvLine([
      ticketNo, beijingTime(createdMs), channel, requestType, categoryCode, categoryName, triage, status, urgency,
      district, township, community, gridCode, address, leadDepartment, beijingTime(dueMs), beijingTime(closedMs),
      // Open cases, and only they, have no closing time (the list's `overdue` filter says the same).
      closedMs === null && dueMs !== null && dueMs < nowMs, satisfaction,
    ]);
    count += 1;
    if (count === CHUNK) {
      yield { csv: lines, count };
      lines = '';
      count = 0;
    }
    start = end < 0 ? batch.length : end + 1;
  }
  if (count > 0) yield { csv: lines, count };
}

function lineCount(batch: string): number {
  let count = 1;
  for (let i = batch.indexOf('\n'); i >= 0; i = batch.indexOf('\n', i + 1)) count += 1;
  return count;
}

/** Where the batch after this one starts: its last case's intake time and id. */
function cursorOf(batch: string): ExportCursor {
  const last = JSON.parse(batch.slice(batch.lastIndexOf('\n') + 1)) as ExportCase;
  return { createdAt: last[19], id: last[0] };
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
