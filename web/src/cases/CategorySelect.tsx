import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  /** A box that narrows the list by name or code: 180 subjects are too many to scroll on a call. */
  searchable?: boolean;
}

/** The taxonomy as a native select, its leaves grouped under their major class (GB/T 30428.2). */
export function CategorySelect({ label, categories, value, onChange, withClasses, placeholder, error, name, hideLabel, searchable }: CategorySelectProps) {
  const { t } = useTranslation();
  const id = useId();
  const nameOf = useCategoryName();
  const [search, setSearch] = useState('');
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
  // The chosen one stays listed whatever is typed, so the select never shows a value it lacks.
  const wanted = search.trim().toLowerCase();
  const shown = wanted ? groups.map((g) => ({ ...g, options: g.options.filter((o) => o.code === value || o.code.toLowerCase().includes(wanted) || o.label.toLowerCase().includes(wanted)) }))
    .filter((g) => g.options.length > 0) : groups;
  return (
    <div className={['field', error ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>{label}</label>
      {searchable && (
        <input type="search" className="category-search" value={search} onChange={(e) => setSearch(e.target.value)}
          aria-label={t('cases.category.search')} placeholder={t('cases.category.searchHint')} />
      )}
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        <option value="">{placeholder}</option>
        {shown.map((g) => (
          <optgroup key={g.major.code} label={nameOf(g.major)}>
            {g.options.map((o) => <option key={o.code} value={o.code}>{o.label}</option>)}
          </optgroup>
        ))}
      </select>
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </div>
  );
}
