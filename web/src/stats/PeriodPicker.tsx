import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useOwnEchoes } from '../app/echoes';
import { Button, Select, TextField } from '../ui';
import { isDay, PERIOD_KINDS, type PeriodKind } from './periods';

export interface PeriodChoice {
  kind: PeriodKind;
  /** The first and last day of a custom period ('YYYY-MM-DD'). */
  first?: string;
  last?: string;
}

/**
 * The period of the figures: this month, last month, this year, or custom days. A preset applies
 * at once; custom days apply with their button, once both are dates in order.
 */
export function PeriodPicker({ value, onChange }: { value: PeriodChoice; onChange: (choice: PeriodChoice) => void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<PeriodKind>(value.kind);
  const [first, setFirst] = useState(value.first ?? '');
  const [last, setLast] = useState(value.last ?? '');
  const [error, setError] = useState<string>();
  // The address may change under the picker: take that in, but not the late echoes of its own choices.
  const sent = useOwnEchoes(value, sameChoice, (outside) => {
    setKind(outside.kind);
    setFirst(outside.first ?? '');
    setLast(outside.last ?? '');
    setError(undefined);
  });

  const send = (choice: PeriodChoice) => {
    sent(choice);
    onChange(choice);
  };
  const pick = (next: PeriodKind) => {
    setKind(next);
    setError(undefined);
    if (next !== 'custom') send({ kind: next });
  };
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (!isDay(first) || !isDay(last)) return setError(t('stats.needDates'));
    if (last < first) return setError(t('stats.badRange'));
    setError(undefined);
    send({ kind: 'custom', first, last });
  };

  return (
    <form className="toolbar period-picker" onSubmit={apply} noValidate>
      <Select label={t('stats.period')} value={kind} onChange={(e) => pick(e.target.value as PeriodKind)} options={PERIOD_KINDS.map((k) => ({ value: k, label: t(`stats.periods.${k}`) }))} />
      {kind === 'custom' && (
        <>
          <TextField label={t('stats.first')} type="date" name="first" value={first} onChange={(e) => setFirst(e.target.value)} error={error && !isDay(first) ? error : undefined} />
          <TextField label={t('stats.last')} type="date" name="last" value={last} onChange={(e) => setLast(e.target.value)} error={error && isDay(first) ? error : undefined} />
          <Button type="submit" variant="primary">{t('stats.apply')}</Button>
        </>
      )}
    </form>
  );
}

function sameChoice(a: PeriodChoice, b: PeriodChoice): boolean {
  return a.kind === b.kind && (a.first ?? '') === (b.first ?? '') && (a.last ?? '') === (b.last ?? '');
}
