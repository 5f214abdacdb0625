import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../api/client';
import { useLoad } from '../cases/hooks';
import { Button, Select, TextField, useSubmit } from '../ui';
import { gridWorkersCovering, saveGridTeam, type GridFeature, type GridMember, type TeamMember, type TeamRole } from './api';

/** The places of a grid with one person each, in the order the grid shows them. */
const ONE_EACH = ['leader', 'police_officer', 'judge', 'prosecutor', 'lawyer'] as const;
type OneEach = (typeof ONE_EACH)[number];
const LABEL = { leader: 'geo.leader', police_officer: 'geo.policeOfficer', judge: 'geo.judge', prosecutor: 'geo.prosecutor', lawyer: 'geo.lawyer' } as const satisfies Record<OneEach, string>;

interface Person {
  userId: number | null;
  name: string;
  organization: string;
  phone: string;
}

const personOf = (m: GridMember | null): Person => ({ userId: m?.userId ?? null, name: m?.name ?? '', organization: m?.organization ?? '', phone: m?.phone ?? '' });

/** A person as the API takes them: an account keeps its link; a place whose name is cleared is left empty. */
function memberOf(role: TeamRole, p: Person): TeamMember | null {
  if (!p.name.trim()) return null;
  return {
    role, name: p.name.trim() || undefined, ...(p.userId !== null ? { userId: p.userId } : {}),
    organization: p.organization.trim() || null, phone: p.phone.trim() || null,
  };
}

/**
 * An administrator sets a grid's team: its grid workers, chosen from the accounts that may work
 * there (a worker verifies the grid's cases on site only through her account), its leader and its
 * liaisons (三官一律), who often have no account and are named with their organization and phone.
 */
export function GridTeamForm({ grid, onSaved, onCancel }: { grid: GridFeature; onSaved: (grid: GridFeature) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { saving, error, submit } = useSubmit();
  const p = grid.properties;
  const community = p.adminUnits.at(-1)!;
  const [workers, setWorkers] = useState<Person[]>(() => p.workers.map(personOf));
  const [places, setPlaces] = useState<Record<OneEach, Person>>(() => ({
    leader: personOf(p.leader), police_officer: personOf(p.liaisons.policeOfficer), judge: personOf(p.liaisons.judge),
    prosecutor: personOf(p.liaisons.prosecutor), lawyer: personOf(p.liaisons.lawyer),
  }));
  const [adding, setAdding] = useState('');
  const candidates = useLoad((signal) => gridWorkersCovering(community.id, signal), [community.id]);
  const free = (candidates.value ?? []).filter((u) => u.active && !workers.some((w) => w.userId === u.id));

  const add = () => {
    const user = free.find((u) => String(u.id) === adding);
    if (!user) return;
    setWorkers((ws) => [...ws, { userId: user.id, name: user.displayName, organization: '', phone: user.phone ?? '' }]);
    setAdding('');
  };
  const setPlace = (role: OneEach, change: Partial<Person>) => setPlaces((all) => ({ ...all, [role]: { ...all[role], ...change } }));
  const save = (e: FormEvent) => {
    e.preventDefault();
    const members = [
      ...workers.map((w) => memberOf('worker', w)),
      ...ONE_EACH.map((role) => memberOf(role, places[role])),
    ].filter((m): m is TeamMember => m !== null);
    void submit(() => saveGridTeam(p.id, members), () => t('geo.teamForm.saved', { name: p.name }), onSaved);
  };
  // The API names a member by its place in the list it was sent: workers first, then the places in order.
  const offset = (role: OneEach) => workers.length + ONE_EACH.slice(0, ONE_EACH.indexOf(role)).filter((r) => memberOf(r, places[r])).length;

  return (
    <form className="grid-team-form" onSubmit={save} aria-label={t('geo.teamForm.title', { name: p.name })}>
      <h3>{t('geo.teamForm.title', { name: p.name })}</h3>
      <fieldset className="field">
        <legend>{t('geo.worker')}</legend>
        <ul className="members">
          {workers.map((w, i) => (
            <li key={`${w.userId ?? 'n'}-${i}`}>
              <span className="member-name">{w.name}{w.userId === null && <span className="muted"> · {t('geo.teamForm.noAccount')}</span>}</span>
              <Button onClick={() => setWorkers((ws) => ws.filter((_, j) => j !== i))} aria-label={t('geo.teamForm.removeOne', { name: w.name })}>{t('geo.teamForm.remove')}</Button>
              {fieldError(error, `members.${i}.userId`) && <p className="field-error">{fieldError(error, `members.${i}.userId`)}</p>}
            </li>
          ))}
          {workers.length === 0 && <li className="member-none">{t('geo.nobody')}</li>}
        </ul>
        <div className="team-add">
          <Select label={t('geo.teamForm.addWorker')} name="addWorker" value={adding} onChange={(e) => setAdding(e.target.value)}
            placeholder={candidates.loading ? t('ui.loading') : t('geo.teamForm.pickAccount')}
            options={free.map((u) => ({ value: String(u.id), label: `${u.displayName}（${u.username}）` }))} />
          <Button onClick={add} disabled={!adding}>{t('geo.teamForm.add')}</Button>
        </div>
        <p className="field-hint">{t('geo.teamForm.workerHint', { name: community.name })}</p>
      </fieldset>
      {ONE_EACH.map((role) => {
        const at = offset(role);
        return (
          <fieldset key={role} className="field team-place">
            <legend>{t(LABEL[role])}</legend>
            <TextField label={t('geo.teamForm.name')} name={`${role}.name`} maxLength={50} value={places[role].name} onChange={(e) => setPlace(role, { name: e.target.value })} error={fieldError(error, `members.${at}.name`)} />
            {role !== 'leader' && (
              <TextField label={t('geo.teamForm.organization')} name={`${role}.organization`} maxLength={100} value={places[role].organization} onChange={(e) => setPlace(role, { organization: e.target.value })} />
            )}
            <TextField label={t('geo.phone')} name={`${role}.phone`} type="tel" value={places[role].phone} onChange={(e) => setPlace(role, { phone: e.target.value })} error={fieldError(error, `members.${at}.phone`)} />
          </fieldset>
        );
      })}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={saving}>{t('geo.teamForm.save')}</Button>
        <Button onClick={onCancel}>{t('cases.cancel')}</Button>
      </div>
    </form>
  );
}
