import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminUnitNode } from './api';

export interface AdminTreeProps {
  units: AdminUnitNode[];
  selectedId: number | null;
  onSelect: (unit: AdminUnitNode) => void;
  /** Units open from the start (the selected unit's ancestors). */
  initiallyOpen?: ReadonlySet<number>;
}

/**
 * The admin tree (市 → 区县 → 乡镇街道 → 村社区) as nested lists: a disclosure button opens a
 * unit's children, the unit's name selects it. Only open branches are drawn, so a city's
 * thousands of communities cost nothing until asked for.
 */
export function AdminTree({ units, selectedId, onSelect, initiallyOpen }: AdminTreeProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Set<number>>(() => new Set(initiallyOpen ?? units.map((u) => u.id)));
  const toggle = (id: number) => setOpen((s) => {
    const next = new Set(s);
    if (!next.delete(id)) next.add(id);
    return next;
  });
  const branch = (list: AdminUnitNode[]) => (
    <ul>
      {list.map((u) => (
        <li key={u.id}>
          <div className="tree-row">
            {u.children.length > 0 ? (
              <button
                type="button" className="tree-toggle" aria-expanded={open.has(u.id)}
                aria-label={t(open.has(u.id) ? 'geo.collapse' : 'geo.expand', { name: u.name })}
                onClick={() => toggle(u.id)}
              >
                <span aria-hidden="true">{open.has(u.id) ? '−' : '+'}</span>
              </button>
            ) : <span className="tree-toggle-space" aria-hidden="true" />}
            <button
              type="button" className="tree-unit" aria-current={u.id === selectedId ? 'true' : undefined}
              onClick={() => onSelect(u)}
            >
              {u.name} <span className="tree-level">{t(`geo.level.${u.level}`)}</span>
            </button>
          </div>
          {u.children.length > 0 && open.has(u.id) && branch(u.children)}
        </li>
      ))}
    </ul>
  );
  return <nav className="admin-tree" aria-label={t('geo.tree')}>{branch(units)}</nav>;
}

/** A unit and its ancestors' ids, root first, or null when it is not in the tree. */
export function pathTo(units: AdminUnitNode[], id: number): AdminUnitNode[] | null {
  for (const u of units) {
    if (u.id === id) return [u];
    const below = pathTo(u.children, id);
    if (below) return [u, ...below];
  }
  return null;
}
