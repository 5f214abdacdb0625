import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department } from './types';
import './DepartmentPicker.css';

export interface DepartmentPickerProps {
  label: string;
  departments: readonly Department[];
  value: number | undefined;
  onChange: (id: number | undefined) => void;
  /** Admin units of the case, city first: their departments are offered before any search. */
  nearUnitIds?: readonly number[];
  /** The empty choice ("按派单目录", "全部部门"). */
  placeholder: string;
  error?: string;
  hint?: string;
  name?: string;
}

const MATCHES = 60;

/**
 * A department out of thousands (every community committee is one): the departments of the
 * case's own area by default, grouped by admin unit, and a search over all of them.
 */
export function DepartmentPicker({ label, departments, value, onChange, nearUnitIds, placeholder, error, hint, name }: DepartmentPickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim();
    let shown: Department[];
    if (q) {
      shown = departments.filter((d) => d.name.includes(q) || d.code.startsWith(q)).slice(0, MATCHES);
    } else if (nearUnitIds?.length) {
      const order = new Map(nearUnitIds.map((u, i) => [u, i]));
      shown = departments.filter((d) => d.adminUnit && order.has(d.adminUnit.id)).sort((a, b) => order.get(a.adminUnit!.id)! - order.get(b.adminUnit!.id)!);
    } else {
      shown = departments.filter((d) => d.adminUnit?.level === 'city' || d.adminUnit?.level === 'district');
    }
    const selected = departments.find((d) => d.id === value);
    if (selected && !shown.includes(selected)) shown = [selected, ...shown];
    const byUnit = new Map<string, Department[]>();
    for (const d of shown) {
      const unit = d.adminUnit?.name ?? '—';
      byUnit.set(unit, [...(byUnit.get(unit) ?? []), d]);
    }
    return [...byUnit.entries()];
  }, [departments, nearUnitIds, query, value]);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={['field', 'department-picker', error ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
      <legend>{label}</legend>
      {hint && <p id={`${id}-hint`} className="field-hint">{hint}</p>}
      <div className="department-picker-row">
        <label htmlFor={`${id}-search`} className="visually-hidden">{t('cases.field.departmentSearch')}</label>
        <input id={`${id}-search`} type="search" value={query} placeholder={t('cases.field.departmentSearch')} onChange={(e) => setQuery(e.target.value)} />
        <label htmlFor={id} className="visually-hidden">{label}</label>
        <select id={id} name={name} value={value ?? ''} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : undefined)} aria-invalid={error ? true : undefined} aria-describedby={describedBy}>
          <option value="">{placeholder}</option>
          {groups.map(([unit, list]) => (
            <optgroup key={unit} label={unit}>
              {list.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
            </optgroup>
          ))}
        </select>
      </div>
      {query.trim() && groups.length === 0 && <p className="field-hint" role="status">{t('cases.field.departmentNone')}</p>}
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </fieldset>
  );
}
