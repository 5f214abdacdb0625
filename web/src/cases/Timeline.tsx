import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { formatDateTime } from '../i18n/format';
import { StatusBadge } from '../ui';
import { eventLabel } from './labels';
import type { Department, TimelineEntry } from './types';

/** What a step's detail adds, in words: where it was sent, how satisfied, how much longer… */
function detailOf(t: TFunction, e: TimelineEntry, departmentName: (id: number) => string): string | null {
  const d = e.detail ?? {};
  const parts: string[] = [];
  if (typeof d.departmentId === 'number' && (e.action === 'dispatch' || e.action === 'joint_dispatch')) parts.push(t('cases.timeline.to', { department: departmentName(d.departmentId) }));
  if (Array.isArray(d.supportDepartmentIds) && d.supportDepartmentIds.length) parts.push(t('cases.timeline.support', { departments: d.supportDepartmentIds.map((id) => departmentName(Number(id))).join('、') }));
  if (typeof d.suggestedDepartmentId === 'number') parts.push(t('cases.timeline.suggested', { department: departmentName(d.suggestedDepartmentId) }));
  if (typeof d.satisfaction === 'number') parts.push(t('cases.timeline.satisfaction', { score: d.satisfaction }));
  if (d.reopened === true) parts.push(t('cases.timeline.reopened'));
  if (typeof d.stage === 'string' && e.action === 'photo') parts.push(t(`cases.stage.${d.stage as 'report' | 'handling' | 'verification'}`));
  if (typeof d.referTo === 'string') parts.push(t('cases.timeline.referTo', { to: d.referTo }));
  if (typeof d.ticketNo === 'string' && e.action === 'merge') parts.push(t('cases.timeline.mergedInto', { ticketNo: d.ticketNo }));
  if (typeof d.level === 'number' && e.action === 'escalate') parts.push(t('cases.timeline.escalation', { level: d.level }));
  if (typeof d.level === 'number' && e.action === 'warn') parts.push(t(d.level >= 2 ? 'cases.warning.red' : d.level === 1 ? 'cases.warning.yellow' : 'cases.warning.none'));
  if (d.automatic === true) parts.push(t('cases.timeline.automatic'));
  return parts.length ? parts.join(' · ') : null;
}

/** Staff by username; the doors (a citizen, an Open311 app, the scheduler) in the reader's words. */
function actorName(t: TFunction, actor: string): string {
  if (actor.startsWith('open311:')) return t('cases.timeline.door.open311', { client: actor.slice('open311:'.length) });
  if (actor === 'citizen' || actor === 'public' || actor === 'system') return t(`cases.timeline.door.${actor}`);
  return actor;
}
/** The case's history, oldest first: who did what, when, with the state it led to and the note. */
export function Timeline({ entries, departments }: { entries: readonly TimelineEntry[]; departments: readonly Department[] }) {
  const { t } = useTranslation();
  const departmentName = (id: number) => departments.find((d) => d.id === id)?.name ?? `#${id}`;
  return (
    <ol className="timeline">
      {entries.map((e, i) => {
        const detail = detailOf(t, e, departmentName);
        return (
          <li key={i} className="timeline-entry" data-action={e.action}>
            <div className="timeline-head">
              <strong>{eventLabel(t, e.action)}</strong>
              {e.from !== e.to && <StatusBadge status={e.to} />}
              <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              {e.actor && <span className="muted">{t('cases.timeline.by', { actor: actorName(t, e.actor) })}</span>}
            </div>
            {detail && <p className="timeline-detail">{detail}</p>}
            {e.note && <p className="timeline-note">{e.note}</p>}
          </li>
        );
      })}
    </ol>
  );
}
