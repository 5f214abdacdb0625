import { sql } from 'kysely';
import type { Db } from '../core/db.js';

/** What the deadline job needs of a case to decide its warning and escalation. */
export interface DeadlineRow {
  id: number;
  ticket_no: string;
  department_id: number | null;
  version: number;
  status: string;
  path: string;
  city_id: number;
  admin_unit_id: number;
  created_at: Date;
  registered_at: Date | null;
  due_at: Date;
  warning_level: number;
  escalation_level: number;
  escalated_to_unit_id: number | null;
}

export interface DeadlineScan {
  /** Statuses whose clock runs. */
  statuses: readonly string[];
  now: Date;
  /** Cases due by this instant may turn yellow or red now (see cases.deadlines.ts). */
  warnBefore: Date;
  /** The share of a case's whole time that is its last stretch, for limits counted in plain hours. */
  warnShare: number;
  afterId: number;
  limit: number;
}

/**
 * A page (by id) of the cases whose warning or escalation may change at `now`: those due soon
 * or overdue, and those already warned (an extension may have moved their due date). Leaves
 * out red cases already escalated to their city, which nothing further can happen to.
 */
export function casesToWatch(db: Db, s: DeadlineScan): Promise<DeadlineRow[]> {
  return db.selectFrom('cases')
    .select(['id', 'ticket_no', 'department_id', 'version', 'status', 'path', 'city_id', 'admin_unit_id', 'created_at', 'registered_at', 'due_at', 'warning_level', 'escalation_level', 'escalated_to_unit_id'])
    .where('status', 'in', s.statuses)
    .where('due_at', 'is not', null)
    .where('id', '>', s.afterId)
    .where((eb) => eb.or([
      eb('due_at', '<=', s.warnBefore),
      eb('warning_level', '>', 0),
      sql<boolean>`due_at - ${s.now}::timestamptz <= (due_at - coalesce(registered_at, created_at)) * ${s.warnShare}::float8`,
    ]))
    .where((eb) => eb.not(eb.and([
      eb('warning_level', '=', 2),
      eb('due_at', '<=', s.now),
      eb(eb.fn.coalesce('escalated_to_unit_id', 'admin_unit_id'), '=', eb.ref('city_id')),
    ])))
    .orderBy('id')
    .limit(s.limit)
    .execute() as Promise<DeadlineRow[]>;
}
