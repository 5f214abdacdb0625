import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../i18n/format';
import type { PublicCase } from './api';

/** Steps the public hears of, in plain words; the rest (photos, warnings) are left out. */
const SHOWN = ['receive', 'register', 'dispatch', 'joint_dispatch', 'accept', 'return', 'transfer', 'report_back', 'verify_ok', 'verify_fail',
  'callback', 'close', 'reopen', 'rate', 'reject', 'refer_out', 'merge', 'void', 'defer', 'hang', 'resume', 'extend', 'supervise', 'escalate'] as const;
type Shown = (typeof SHOWN)[number];

/** The public timeline (GET /api/v1/public/cases/{ticketNo}): when, what happened, and the official answers. */
export function PublicTimeline({ entries }: { entries: PublicCase['timeline'] }) {
  const { t } = useTranslation();
  const shown = entries.filter((e): e is typeof e & { action: Shown } => (SHOWN as readonly string[]).includes(e.action));
  return (
    <ol className="timeline public-timeline">
      {shown.map((e, i) => (
        <li key={i} className="timeline-entry" data-action={e.action}>
          <div className="timeline-head">
            <strong>{t(`public.step.${e.action}`)}</strong>
            <time dateTime={e.at}>{formatDateTime(e.at)}</time>
          </div>
          {e.answer && <p className="timeline-note"><span className="answer-label">{t('public.track.answer')}</span>{e.answer}</p>}
        </li>
      ))}
    </ol>
  );
}
