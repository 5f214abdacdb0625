import { useTranslation } from 'react-i18next';
import { Alert, Button, StatusBadge, Table } from '../ui';
import type { BulkAnswer, BulkResult } from './types';

/** Refusals a bulk action meets, in words; others show the server's message. */
const KNOWN = ['conflict', 'action_not_allowed', 'not_found', 'invalid_input', 'forbidden'] as const;
type Known = (typeof KNOWN)[number];

/** What became of each case of a bulk action: its new state, or why it was refused. */
export function BulkResults({ answer, tickets, onDismiss }: { answer: BulkAnswer; tickets: ReadonlyMap<number, string>; onDismiss: () => void }) {
  const { t } = useTranslation();
  const { succeeded, failed } = answer.summary;
  return (
    <div className="bulk-results" data-testid="bulk-results">
      <Alert kind={failed ? 'error' : 'success'}>{t('cases.bulk.summary', { action: t(`cases.action.${answer.action}`), succeeded, failed })}</Alert>
      <Table<BulkResult>
        caption={t('cases.bulk.resultsCaption')}
        rows={answer.results}
        rowKey={(r) => r.id}
        columns={[
          { key: 'ticket', header: t('cases.column.ticket'), render: (r) => tickets.get(r.id) ?? `#${r.id}` },
          { key: 'outcome', header: t('cases.bulk.outcome'), render: (r) => (r.ok ? <span className="outcome-ok">{t('cases.bulk.ok')}</span> : <span className="outcome-failed">{t('cases.bulk.failed')}</span>) },
          {
            key: 'detail', header: t('cases.bulk.detail'),
            render: (r) => {
              if (r.ok) return <StatusBadge status={r.status} />;
              const known = (KNOWN as readonly string[]).includes(r.error.code) ? t(`cases.bulk.error.${r.error.code as Known}`) : null;
              return <span title={r.error.message}>{known ?? r.error.message}</span>;
            },
          },
        ]}
      />
      <Button variant="link" onClick={onDismiss}>{t('cases.bulk.dismiss')}</Button>
    </div>
  );
}
