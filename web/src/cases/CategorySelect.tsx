import { useId, useMemo } from 'react';
import { useCategoryName } from './hooks';
import type { Category } from './types';

export interface CategorySelectProps {
  label: string;
  categories: readonly Category[];
  value: string;
  onChange: (code: string) => void;
  /** Offer classes too (a filter matches a class and everything under it); intake and registration take leaves only. */
  withClasses?: boolean;
  placeholder: string;
  error?: string;
  name?: string;
  hideLabel?: boolean;
}

/** The taxonomy as a native select, its leaves grouped under their major class (GB/T 30428.2). */
export function CategorySelect({ label, categories, value, onChange, withClasses, placeholder, error, name, hideLabel }: CategorySelectProps) {
  const id = useId();
  const nameOf = useCategoryName();
  const groups = useMemo(() => {
    const byCode = new Map(categories.map((c) => [c.code, c]));
    const parents = new Set(categories.map((c) => c.parentCode).filter(Boolean));
    const top = (c: Category): Category => (c.parentCode && byCode.has(c.parentCode) ? top(byCode.get(c.parentCode)!) : c);
    const grouped = new Map<string, { major: Category; options: { code: string; label: string }[] }>();
    for (const c of categories) {
      if (!c.active || (!withClasses && parents.has(c.code))) continue;
      const major = top(c);
      const group = grouped.get(major.code) ?? { major, options: [] };
      const parent = c.parentCode ? byCode.get(c.parentCode) : undefined;
      // A third-level subject reads with its parent: 供水 · 停水.
      const text = parent && parent !== major ? `${nameOf(parent)} · ${nameOf(c)}` : nameOf(c);
      group.options.push({ code: c.code, label: c === major ? `${nameOf(c)} (${c.code})` : text });
      grouped.set(major.code, group);
    }
    return [...grouped.values()];
  }, [categories, withClasses, nameOf]);
  return (
    <div className={['field', error ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>{label}</label>
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        <option value="">{placeholder}</option>
        {groups.map((g) => (
          <optgroup key={g.major.code} label={nameOf(g.major)}>
            {g.options.map((o) => <option key={o.code} value={o.code}>{o.label}</option>)}
          </optgroup>
        ))}
      </select>
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </div>
  );
}
