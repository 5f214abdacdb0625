import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * The case figures kept as cases change (README, "Figures"), so that a year of a city's
 * figures reads a few thousand rows instead of millions of cases.
 *
 * - `case_figure_changes`: every change to a case that can move a figure, as the case's
 *   counted columns with a sign: +1 for what it is now, -1 for what it was. Written by a
 *   statement-level trigger, so no writer (intake, actions, history import, restore) can
 *   forget it and a batch of cases costs one INSERT … SELECT. No index: it is read whole
 *   and emptied by the fold (cases.stats.daily.ts).
 * - `case_daily_counts`: per Beijing day and per month, per scope (a city or a district), per
 *   dimension (department, category, channel, or the scope's child unit) and key, the counters
 *   the figures are sums of; a year reads twelve months and the odd days at its ends. `due`
 *   (应结案) is not additive over days, so it is kept in parts: closures of due cases by closing
 *   day, and cases falling due by due day with how many of those are closed.
 * - `case_late_closures`: due cases closed after their due day, by closing day and due day, so
 *   a period can find the cases due in it that were still open when it ended (read from the
 *   period's end on: few for a period ending now).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table case_figure_changes (
      sign smallint not null,
      path text not null,
      department_id bigint,
      category_code text,
      channel text not null,
      status text not null,
      created_at timestamptz not null,
      registered_at timestamptz,
      dispatched_at timestamptz,
      closed_at timestamptz,
      due_at timestamptz,
      reopen_count integer not null,
      extension_count integer not null,
      satisfaction smallint
    )`.execute(db);

  const counters = [
    'received', 'registered', 'dispatched', 'closed', 'closed_on_time', 'rated', 'satisfied',
    'closed_due', 'closed_due_reopened', 'closed_due_extended',
    'falling_due', 'falling_due_reopened', 'falling_due_extended',
    'falling_due_closed', 'falling_due_closed_reopened', 'falling_due_closed_extended',
  ];
  await sql`
    create table case_daily_counts (
      scope_id bigint not null,
      dim text not null,
      grain text not null check (grain in ('day', 'month')),
      day date not null,
      key text not null,
      ${sql.join(counters.map((c) => sql`${sql.ref(c)} integer not null default 0`))},
      handling_seconds numeric not null default 0,
      primary key (scope_id, dim, grain, day, key)
    ) with (fillfactor = 80)`.execute(db); // room on each page for a row's new version: folds update in place (HOT)
  await sql`
    create table case_late_closures (
      scope_id bigint not null,
      dim text not null,
      closed_day date not null,
      due_day date not null,
      key text not null,
      closed integer not null default 0,
      reopened integer not null default 0,
      extended integer not null default 0,
      primary key (scope_id, dim, closed_day, due_day, key)
    )`.execute(db);

  const counted = sql.raw('path, department_id, category_code, channel, status, created_at, registered_at, dispatched_at, closed_at, due_at, reopen_count, extension_count, satisfaction');
  const of = (alias: string) => sql.raw(
    ['path', 'department_id', 'category_code', 'channel', 'status', 'created_at', 'registered_at', 'dispatched_at', 'closed_at', 'due_at', 'reopen_count', 'extension_count', 'satisfaction']
      .map((c) => `${alias}.${c}`).join(', '),
  );
  await sql`
    create function case_figure_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        insert into case_figure_changes (sign, ${counted}) select 1, ${of('n')} from new_rows n;
      elsif tg_op = 'DELETE' then
        insert into case_figure_changes (sign, ${counted}) select -1, ${of('o')} from old_rows o;
      else
        -- Most updates (a warning level, a note's version bump) move no figure: nothing queued.
        insert into case_figure_changes (sign, ${counted})
          select c.* from old_rows o join new_rows n on n.id = o.id
          cross join lateral (values (-1, ${of('o')}), (1, ${of('n')})) c
          where row(${of('n')}) is distinct from row(${of('o')});
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger cases_figures_insert after insert on cases referencing new table as new_rows
    for each statement execute function case_figure_change()`.execute(db);
  await sql`create trigger cases_figures_update after update on cases referencing old table as old_rows new table as new_rows
    for each statement execute function case_figure_change()`.execute(db);
  await sql`create trigger cases_figures_delete after delete on cases referencing old table as old_rows
    for each statement execute function case_figure_change()`.execute(db);

  // The cases already there are counted by the first folds; until then the figures read the cases.
  await sql`insert into case_figure_changes (sign, ${counted}) select 1, ${counted} from cases`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['insert', 'update', 'delete']) await sql`drop trigger ${sql.raw(`cases_figures_${t}`)} on cases`.execute(db);
  await sql`drop function case_figure_change()`.execute(db);
  await sql`drop table case_late_closures`.execute(db);
  await sql`drop table case_daily_counts`.execute(db);
  await sql`drop table case_figure_changes`.execute(db);
}
