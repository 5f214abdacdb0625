import type { Env } from '../core/env.js';
import type { Db } from '../core/db.js';
import { CHINA_PUBLIC_HOLIDAYS, defaultCalendar, type WorkCalendar } from './calendar.js';
import { catalogueChanged } from './cases.catalogue.js';
import * as repo from './cases.repo.js';
import { CATEGORY_SEEDS } from './taxonomy.js';

/**
 * Fills an empty catalogue on start: the category taxonomy and the State Council's
 * holiday arrangements. After that both belong to the city's administrators.
 */
export async function ensureCaseCatalogue(env: Env): Promise<void> {
  if ((await repo.countCategories(env.db)) === 0) {
    await repo.insertCategories(env.db, CATEGORY_SEEDS.map((c) => ({
      code: c.code, parent_code: c.parentCode, name: c.name, name_en: c.nameEn, kind: c.kind,
      triage: c.triage ?? null, department_kind: c.departmentKind ?? null,
      register_condition: c.registerCondition ?? null, close_condition: c.closeCondition ?? null,
      limits: c.limits ? JSON.stringify(c.limits) : null,
    })));
  }
  await repo.insertCalendarDays(env.db, CHINA_PUBLIC_HOLIDAYS.flatMap((year) => [
    ...year.holidays.map((day) => ({ day, working: false, note: `${year.year} public holiday` })),
    ...year.workdays.map((day) => ({ day, working: true, note: `${year.year} make-up working day` })),
  ]));
  calendars.delete(env.db);
  catalogueChanged(env);
}

/**
 * Gives the cases taken in before the phone index its values, a thousand at a time, in the
 * background of a start: a city's years of cases must not hold the server from answering. Two
 * processes doing it at once write the same values. Answers how many were filled.
 */
export async function indexReporterPhones(env: Env): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await repo.phonesWithoutIndex(env.db, 1000);
    if (rows.length === 0) return filled;
    await repo.setPhoneIndexes(env.db, rows.map((r) => ({ id: r.id, index: env.cipher.phoneIndex(env.cipher.decrypt(r.reporter_phone_enc)) ?? '' })));
    filled += rows.length;
  }
}

const calendars = new WeakMap<Db, { at: number; calendar: Promise<WorkCalendar> }>();

/** The city's working calendar from the database, cached for a minute. */
export function workCalendar(env: Env): Promise<WorkCalendar> {
  const cached = calendars.get(env.db);
  if (cached && Date.now() - cached.at < 60_000) return cached.calendar;
  const calendar = repo.calendarDays(env.db).then((days) => defaultCalendar({
    holidays: days.filter((d) => !d.working).map((d) => d.day),
    workdays: days.filter((d) => d.working).map((d) => d.day),
  }));
  calendars.set(env.db, { at: Date.now(), calendar });
  return calendar;
}
