import type { Updateable } from 'kysely';
import { recordAudit, type AuditEntry } from '../core/audit.js';
import type { CasesTable } from '../core/db.types.js';
import type { Env } from '../core/env.js';
import type { Job } from '../core/scheduler.js';
import * as geo from '../geo/geo.service.js';
import { dueAt, workingMinutesBetween, type WorkCalendar } from './calendar.js';
import * as deadlinesRepo from './cases.deadlines.repo.js';
import * as repo from './cases.repo.js';
import { workCalendar } from './cases.setup.js';
import { TRANSITIONS, type Status } from './cases.workflow.js';
import { queueCaseNotices } from '../notify/notify.service.js';

/**
 * Deadlines (办理时限) and escalation (小事不出村、大事不出镇: handle at the lowest level
 * able to, and go up the tree when overdue). Every minute the job `cases.deadlines` looks
 * at the open cases near or past their due date:
 *
 * - yellow (warning_level 1): less than a fifth of the case's working time (registration to
 *   due date, on the city's calendar) is left, and at most one working day: a 5-day case
 *   turns yellow during its last working day, a 4-hour case with 48 working minutes to go.
 *   A limit with no working time inside it (round-the-clock hours at night) counts plain time.
 * - red (warning_level 2): past its due date. It escalates one level up the admin tree from
 *   the unit responsible for it (community → township → district → city), and one more
 *   level for each full working day it then stays open, never beyond the city.
 *
 * Everything is decided from the due date, the calendar and the job's `now`, so running the
 * job twice at one instant changes nothing the second time, and a run after downtime
 * catches up at once. Each change bumps the case's version, so a person's concurrent
 * action wins and the case is looked at again a minute later. An extension that moves the
 * due date lowers the warning; escalations already made stand, and a further one comes
 * once the case is overdue longer than they account for.
 */

/** The last stretch of a case's working time that is yellow. */
const WARN_SHARE = 0.2;
/** Deferred (缓办) and backlogged (挂账) cases stop the clock: their delay was decided. */
const CLOCK_STOPPED: ReadonlySet<Status> = new Set<Status>(['deferred', 'hung']);
const WATCHED: readonly Status[] = TRANSITIONS.escalate.from.filter((s) => !CLOCK_STOPPED.has(s));
const PAGE = 500;
const SYSTEM = { actor: null, via: 'system' };

/** Working minutes in one working day of the calendar (450 for 08:30–12:00, 13:30–17:30). */
function workdayMinutes(cal: WorkCalendar): number {
  return cal.periods.reduce((sum, [from, to]) => sum + to - from, 0);
}

/** 0 none, 1 yellow, 2 red for a case started at `start` and due at `due`, at `now`. */
export function warningLevelAt(start: Date, due: Date, now: Date, cal: WorkCalendar): 0 | 1 | 2 {
  if (now.getTime() >= due.getTime()) return 2;
  const total = workingMinutesBetween(start, due, cal);
  if (total > 0) return workingMinutesBetween(now, due, cal) <= Math.min(total * WARN_SHARE, workdayMinutes(cal)) ? 1 : 0;
  return due.getTime() - now.getTime() <= (due.getTime() - start.getTime()) * WARN_SHARE ? 1 : 0;
}

/** How many levels an overdue case should have gone up by `now`: one when due, one more per full working day after. */
export function escalationsDueAt(due: Date, now: Date, cal: WorkCalendar): number {
  if (now.getTime() < due.getTime()) return 0;
  return 1 + Math.floor(workingMinutesBetween(due, now, cal) / workdayMinutes(cal));
}

/** What one run changed. */
export interface DeadlineRun {
  warned: number;
  escalated: number;
  /** Cases someone changed between the job's reading and writing; looked at again next run. */
  skipped: number;
}

/** Brings every watched case's warning and escalation up to `now`. Idempotent. */
export async function checkDeadlines(env: Env, now: Date): Promise<DeadlineRun> {
  const cal = await workCalendar(env);
  // A case with at most a working day left is due by the end of one working day from now.
  const warnBefore = dueAt(now, { amount: workdayMinutes(cal) / 60, unit: 'hours' }, cal);
  const run: DeadlineRun = { warned: 0, escalated: 0, skipped: 0 };
  for (let afterId = 0; ;) {
    const page = await deadlinesRepo.casesToWatch(env.db, { statuses: WATCHED, now, warnBefore, warnShare: WARN_SHARE, afterId, limit: PAGE });
    for (const c of page) {
      const outcome = await checkCase(env, c, now, cal);
      if (outcome === 'stale') run.skipped += 1;
      else if (outcome) {
        if (outcome.warned) run.warned += 1;
        if (outcome.escalated) run.escalated += 1;
      }
    }
    if (page.length < PAGE) return run;
    afterId = page[page.length - 1].id;
  }
}

async function checkCase(env: Env, c: deadlinesRepo.DeadlineRow, now: Date, cal: WorkCalendar) {
  const level = warningLevelAt(c.registered_at ?? c.created_at, c.due_at, now, cal);
  const chain = await geo.getAdminUnitChain(env, c.admin_unit_id); // root (city) first
  const own = chain.length - 1;
  const current = c.escalated_to_unit_id === null ? own : chain.findIndex((u) => u.id === c.escalated_to_unit_id);
  const target = Math.max(0, own - escalationsDueAt(c.due_at, now, cal));
  // From the unit after the current one up to the target; none if the current unit left the chain.
  const ups = current > target ? chain.slice(target, current).reverse() : [];
  if (level === c.warning_level && ups.length === 0) return null;

  const patch: Updateable<CasesTable> = { warning_level: level };
  if (ups.length) Object.assign(patch, { escalation_level: c.escalation_level + ups.length, escalated_to_unit_id: ups.at(-1)!.id, last_escalated_at: now });
  const status = c.status;
  const events: { action: 'warn' | 'escalate'; detail: unknown }[] = [];
  const audit: AuditEntry[] = [];
  const base = { targetType: 'case', targetId: c.id, scopePath: c.path };
  if (level !== c.warning_level) {
    const detail = { level, was: c.warning_level, dueAt: c.due_at };
    events.push({ action: 'warn', detail });
    audit.push({ ...base, action: 'case.warn', before: { warningLevel: c.warning_level, version: c.version }, after: { warningLevel: level, version: c.version + 1 } });
  }
  let from = chain[current];
  ups.forEach((to, i) => {
    const detail = { level: c.escalation_level + i + 1, from: from ?? null, to, automatic: true, dueAt: c.due_at };
    events.push({ action: 'escalate', detail });
    audit.push({ ...base, action: 'case.escalate', before: { escalationLevel: detail.level - 1, unitId: from?.id ?? null, version: c.version }, after: { escalationLevel: detail.level, unitId: to.id, version: c.version + 1 } });
    from = to;
  });

  return env.db.transaction().execute(async (trx) => {
    if (!(await repo.updateCaseAt(trx, c.id, c.version, patch))) return 'stale' as const;
    for (const e of events) {
      const eventId = await repo.insertEvent(trx, { caseId: c.id, actorId: null, actorName: 'system', fromStatus: status, toStatus: status, note: null, ...e });
      // The lead department hears of a warning or an escalation; the reporter does not.
      await queueCaseNotices(trx, {
        caseId: c.id, eventId, ticketNo: c.ticket_no, path: c.path, action: e.action, fromStatus: status, toStatus: status, answer: null,
        reporter: { emailEnc: null, phoneEnc: null }, newDepartments: [], leadDepartment: c.department_id,
      });
    }
    await recordAudit(trx, SYSTEM, audit);
    return { warned: level !== c.warning_level, escalated: ups.length > 0 };
  });
}

/** The scheduled job: every minute, on the database's clock. */
export const deadlinesJob: Job = {
  name: 'cases.deadlines',
  everySeconds: 60,
  async run({ env, now }) {
    await checkDeadlines(env, now);
  },
};
