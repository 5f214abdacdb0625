import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../api/client';
import { STAFF_ROLES, type Role } from '../api/types';
import { useUser } from '../app/auth';
import { areaTree } from '../cases/api';
import { areaOptions } from '../cases/area-options';
import { DepartmentPicker } from '../cases/DepartmentPicker';
import { useLoad } from '../cases/hooks';
import type { Department } from '../cases/types';
import { Button, Select, TextField, useSubmit } from '../ui';
import { createUser } from './api';

/** The choice meaning "no area": the whole instance, for those whose own jurisdiction is the whole instance. */
const EVERYWHERE = 'all';

/** A staff account made by an administrator: who, the role, the area they see, their department (handlers), a first password. */
export function NewUserForm({ departments, onCreated, onCancel }: { departments: readonly Department[]; onCreated: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { saving, error, submit } = useSubmit();
  const [draft, setDraft] = useState({ username: '', displayName: '', password: '', role: 'grid_worker' as Role, jurisdiction: '', departmentId: undefined as number | undefined, phone: '' });
  const areas = useLoad(() => areaTree(), []);
  // Only an administrator of the whole instance may make staff of the whole instance.
  const everywhere = useUser().jurisdiction === null;
  const areaChoices = useMemo(
    () => [...(everywhere ? [{ value: EVERYWHERE, label: t('accounts.everywhere') }] : []), ...areaOptions(areas.value ?? [])],
    [areas.value, everywhere, t],
  );
  const set = (change: Partial<typeof draft>) => setDraft((d) => ({ ...d, ...change }));

  const save = (e: FormEvent) => {
    e.preventDefault();
    void submit(() => createUser({
      username: draft.username.trim(), displayName: draft.displayName.trim(), password: draft.password, role: draft.role,
      jurisdictionId: draft.jurisdiction === EVERYWHERE || draft.jurisdiction === '' ? null : Number(draft.jurisdiction),
      departmentId: draft.role === 'department_handler' ? draft.departmentId ?? null : null,
      phone: draft.phone.trim() || null,
    }), (created) => t('accounts.created', { username: created.username }), onCreated);
  };

  return (
    <form className="user-form" onSubmit={save} aria-label={t('accounts.newTitle')}>
      <h2>{t('accounts.newTitle')}</h2>
      <div className="user-form-grid">
        <TextField label={t('accounts.username')} name="username" required autoComplete="off" value={draft.username} onChange={(e) => set({ username: e.target.value })} hint={t('accounts.usernameHint')} error={fieldError(error, 'username')} />
        <TextField label={t('accounts.displayName')} name="displayName" required maxLength={100} value={draft.displayName} onChange={(e) => set({ displayName: e.target.value })} error={fieldError(error, 'displayName')} />
        <TextField label={t('accounts.password')} name="password" type="password" required minLength={8} autoComplete="new-password" value={draft.password} onChange={(e) => set({ password: e.target.value })} hint={t('accounts.passwordHint')} error={fieldError(error, 'password')} />
        <TextField label={t('accounts.phone')} name="phone" type="tel" value={draft.phone} onChange={(e) => set({ phone: e.target.value })} error={fieldError(error, 'phone')} />
        <Select label={t('accounts.role')} name="role" value={draft.role} onChange={(e) => set({ role: e.target.value as Role })} options={STAFF_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        <Select label={t('accounts.jurisdiction')} name="jurisdiction" required value={draft.jurisdiction} onChange={(e) => set({ jurisdiction: e.target.value })}
          placeholder={t('accounts.pickJurisdiction')} options={areaChoices} error={fieldError(error, 'jurisdictionId')} />
      </div>
      {draft.role === 'department_handler' && (
        <DepartmentPicker label={t('accounts.department')} departments={departments} value={draft.departmentId} onChange={(departmentId) => set({ departmentId })}
          placeholder={t('accounts.pickDepartment')} hint={t('accounts.departmentHint')} error={fieldError(error, 'departmentId')} />
      )}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={saving} disabled={draft.role === 'department_handler' && draft.departmentId === undefined}>{t('accounts.create')}</Button>
        <Button onClick={onCancel}>{t('cases.cancel')}</Button>
      </div>
    </form>
  );
}
