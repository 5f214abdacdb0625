import { useId, type SelectHTMLAttributes } from 'react';

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  label: string;
  options: readonly SelectOption[];
  error?: string;
  id?: string;
  /** A first, empty choice ("all", "choose…"). */
  placeholder?: string;
  /** Keeps the label for screen readers only (compact toolbars). */
  hideLabel?: boolean;
}

/** A labelled native select: keyboard and screen-reader friendly on every device. */
export function Select({ label, options, error, id, placeholder, hideLabel, className, ...rest }: SelectProps) {
  const generated = useId();
  const selectId = id ?? generated;
  const errorId = error ? `${selectId}-error` : undefined;
  return (
    <div className={['field', error ? 'field-invalid' : '', className].filter(Boolean).join(' ')}>
      <label htmlFor={selectId} className={hideLabel ? 'visually-hidden' : undefined}>{label}</label>
      <select {...rest} id={selectId} aria-invalid={error ? true : undefined} aria-describedby={errorId}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      {error && <p id={errorId} className="field-error">{error}</p>}
    </div>
  );
}
