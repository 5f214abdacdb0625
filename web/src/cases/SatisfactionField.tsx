import { useId } from 'react';
import { useTranslation } from 'react-i18next';

export interface SatisfactionFieldProps {
  legend: string;
  value: number | undefined;
  onChange: (value: number) => void;
  error?: string;
}

/** 1 to 5, each with its words (1 or 2 reopens the case): radio buttons, so arrow keys move between them. */
export function SatisfactionField({ legend, value, onChange, error }: SatisfactionFieldProps) {
  const { t } = useTranslation();
  const name = useId();
  return (
    <fieldset className={['field', 'satisfaction', error ? 'field-invalid' : ''].filter(Boolean).join(' ')} aria-describedby={error ? `${name}-error` : undefined}>
      <legend>{legend}</legend>
      <div className="satisfaction-choices">
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className="satisfaction-choice">
            <input type="radio" name={name} value={n} checked={value === n} onChange={() => onChange(n)} />
            <span aria-hidden="true" className="satisfaction-stars">{'★'.repeat(n)}</span>
            <span>{t(`cases.satisfaction.${n as 1 | 2 | 3 | 4 | 5}`)}</span>
          </label>
        ))}
      </div>
      {value !== undefined && value <= 2 && <p className="field-hint">{t('cases.satisfaction.reopens')}</p>}
      {error && <p id={`${name}-error`} className="field-error">{error}</p>}
    </fieldset>
  );
}
