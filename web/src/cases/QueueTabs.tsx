import { useTranslation } from 'react-i18next';
import './QueueTabs.css';

export interface QueueTab<K extends string> {
  key: K;
  label: string;
}

/** Which part of the queue is shown: toggle buttons, one pressed. */
export function QueueTabs<K extends string>({ tabs, current, onChange }: { tabs: readonly QueueTab<K>[]; current: K; onChange: (key: K) => void }) {
  const { t } = useTranslation();
  return (
    <div className="queue-tabs" role="group" aria-label={t('cases.queueTabs')}>
      {tabs.map((tab) => (
        <button key={tab.key} type="button" className="queue-tab" aria-pressed={tab.key === current} onClick={() => onChange(tab.key)}>
          {tab.label}
        </button>
      ))}
    </div>
  );
}
