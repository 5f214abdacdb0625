import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/format';
import { Button } from '../ui';
import type { GridFeature, GridMember } from './api';
import { GridTeamForm } from './GridTeamForm';

/** The people of a grid: its workers and leader, and its liaisons (三官一律); administrators change them here. */
export function GridDetail({ grid, editable, onChanged }: { grid: GridFeature; editable: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const p = grid.properties;
  return (
    <section className="panel grid-detail" aria-labelledby="grid-detail-title" data-grid-id={p.id}>
      <h2 id="grid-detail-title">{t('geo.gridTitle', { name: p.name })}</h2>
      <dl className="facts">
        <div><dt>{t('geo.gridCode')}</dt><dd>{p.code}</dd></div>
        <div><dt>{t('geo.chain')}</dt><dd>{p.adminUnits.map((u) => u.name).join(' / ')}</dd></div>
        <div><dt>{t('geo.households')}</dt><dd>{formatNumber(p.households)}</dd></div>
        <div><dt>{t('geo.area')}</dt><dd>{t('geo.areaKm2', { value: formatNumber(p.areaM2 / 1e6, 2) })}</dd></div>
      </dl>
      {editing ? (
        <GridTeamForm grid={grid} onSaved={() => { setEditing(false); onChanged(); }} onCancel={() => setEditing(false)} />
      ) : (
        <>
          <Team grid={grid} />
          {editable && <Button onClick={() => setEditing(true)}>{t('geo.teamForm.edit')}</Button>}
        </>
      )}
    </section>
  );
}

/** Who works the grid, as everyone with access to it reads it. */
function Team({ grid }: { grid: GridFeature }) {
  const { t } = useTranslation();
  const p = grid.properties;
  const liaisons = [
    ['policeOfficer', p.liaisons.policeOfficer],
    ['judge', p.liaisons.judge],
    ['prosecutor', p.liaisons.prosecutor],
    ['lawyer', p.liaisons.lawyer],
  ] as const;
  return (
    <>
      <h3>{t('geo.team')}</h3>
      <ul className="members">
        {p.workers.map((w) => <Member key={w.id} role={t('geo.worker')} member={w} />)}
        <Member role={t('geo.leader')} member={p.leader} />
      </ul>
      <h3>{t('geo.liaisons')}</h3>
      <ul className="members">
        {liaisons.map(([key, m]) => <Member key={key} role={t(`geo.${key}`)} member={m} />)}
      </ul>
    </>
  );
}

function Member({ role, member }: { role: string; member: GridMember | null }) {
  const { t } = useTranslation();
  return (
    <li>
      <span className="member-role">{role}</span>
      {member ? (
        <span className="member-name">
          {member.name}
          {member.organization && <span className="member-org"> · {member.organization}</span>}
          {member.phone && <span className="member-phone"> · <span className="visually-hidden">{t('geo.phone')} </span>{member.phone}</span>}
        </span>
      ) : <span className="member-none">{t('geo.nobody')}</span>}
    </li>
  );
}
