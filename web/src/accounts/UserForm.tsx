import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../api/client';
import { STAFF_ROLES, type Role, type User } from '../api/types';
import { useUser } from '../app/auth';
import { areaTree } from '../cases/api';
import { areaOptions } from '../cases/area-options';
import { DepartmentPicker } from '../cases/DepartmentPicker';
import { useLoad } from '../cases/hooks';
import type { Department } from '../cases/types';
import { Button, Select, TextField, useSubmit } from '../ui';
import { createUser, resetPassword, updateUser, type UserChange } from './api';

/** The choice meaning "no area": the whole instance, for those whose own jurisdiction is the whole instance. */
const EVERYWHERE = 'all';

interface Draft {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  jurisdiction: string;
  departmentId: number | undefined;
  phone: string;
  active: boolean;
}

const draftOf = (user: User | undefined): Draft => ({
  username: user?.username ?? '',
  displayName: user?.displayName ?? '',
  password: '',
  role: user?.role ?? 'grid_worker',
  jurisdiction: user ? (user.jurisdiction ? String(user.jurisdiction.id) : EVERYWHERE) : '',
  departmentId: user?.departmentId ?? undefined,
  phone: user?.phone ?? '',
  active: user?.active ?? true,
});

/** Only what the administrator changed, so that a masked phone or an untouched field is never written back. */
function changeOf(user: User, before: Draft, draft: Draft): UserChange {
  const change: UserChange = {};
  if (draft.displayName.trim() !== before.displayName) change.displayName = draft.displayName.trim();
  if (draft.role !== before.role) change.role = draft.role;
  if (draft.jurisdiction !== before.jurisdiction) change.jurisdictionId = draft.jurisdiction === EVERYWHERE ? null : Number(draft.jurisdiction);
  if (draft.departmentId !== before.departmentId) change.departmentId = draft.departmentId ?? null;
  // A handler's department goes with the role: choosing another role first keeps it, as the server does.
  if (change.role === 'department_handler' && draft.departmentId !== undefined) change.departmentId = draft.departmentId;
  if (draft.phone.trim() !== before.phone) change.phone = draft.phone.trim() || null;
  if (draft.active !== user.active) change.active = draft.active;
  return change;
}

/**
 * A staff account as an administrator makes or changes it: who, the role, the area they see,
 * their department (handlers). A new account gets a first password; an existing one keeps its
 * username, can be let in or kept out, and can be given a new password when its owner lost theirs.
 */
export function UserForm({ user, departments, onSaved, onCancel }: { user?: User; departments: readonly Department[]; onSaved: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { saving, error, submit } = useSubmit();
  const [before] = useState(() => draftOf(user));
  const [draft, setDraft] = useState(before);
  const me = useUser();
  const areas = useLoad(() => areaTree(), []);
  // Only an administrator of the whole instance may make staff of the whole instance.
  const everywhere = me.jurisdiction === null;
  const areaChoices = useMemo(() => {
    const choices = [...(everywhere ? [{ value: EVERYWHERE, label: t('accounts.everywhere') }] : []), ...areaOptions(areas.value ?? [])];
    // The user's own area stays choosable even where the area list does not reach (a unit below its depth).
    const own = user?.jurisdiction;
    if (own && !choices.some((c) => c.value === String(own.id))) choices.push({ value: String(own.id), label: own.name });
    return choices;
  }, [areas.value, everywhere, t, user]);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const oneself = user?.id === me.id;
  const change = user ? changeOf(user, before, draft) : null;
  const needsDepartment = draft.role === 'department_handler' && draft.departmentId === undefined;

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (user) {
      void submit(() => updateUser(user.id, change!), (saved) => t('accounts.saved', { username: saved.username }), onSaved);
      return;
    }
    void submit(() => createUser({
      username: draft.username.trim(), displayName: draft.displayName.trim(), password: draft.password, role: draft.role,
      jurisdictionId: draft.jurisdiction === EVERYWHERE || draft.jurisdiction === '' ? null : Number(draft.jurisdiction),
      departmentId: draft.role === 'department_handler' ? draft.departmentId ?? null : null,
      phone: draft.phone.trim() || null,
    }), (created) => t('accounts.created', { username: created.username }), onSaved);
  };
  const title = user ? t('accounts.editTitle', { username: user.username }) : t('accounts.newTitle');

  return (
    <div className="user-form">
      <form onSubmit={save} aria-label={title}>
        <h2>{title}</h2>
        {oneself && <p className="muted">{t('accounts.oneself')}</p>}
        <div className="user-form-grid">
          {!user && (
            <>
              <TextField label={t('accounts.username')} name="username" required autoComplete="off" value={draft.username} onChange={(e) => set({ username: e.target.value })} hint={t('accounts.usernameHint')} error={fieldError(error, 'username')} />
              <TextField label={t('accounts.password')} name="password" type="password" required minLength={8} autoComplete="new-password" value={draft.password} onChange={(e) => set({ password: e.target.value })} hint={t('accounts.passwordHint')} error={fieldError(error, 'password')} />
            </>
          )}
          <TextField label={t('accounts.displayName')} name="displayName" required maxLength={100} value={draft.displayName} onChange={(e) => set({ displayName: e.target.value })} error={fieldError(error, 'displayName')} />
          <TextField label={t('accounts.phone')} name="phone" type="tel" value={draft.phone} onChange={(e) => set({ phone: e.target.value })} error={fieldError(error, 'phone')} />
          <Select label={t('accounts.role')} name="role" value={draft.role} disabled={oneself} onChange={(e) => set({ role: e.target.value as Role })}
            options={STAFF_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} error={fieldError(error, 'role')} />
          <Select label={t('accounts.jurisdiction')} name="jurisdiction" required disabled={oneself} value={draft.jurisdiction} onChange={(e) => set({ jurisdiction: e.target.value })}
            placeholder={t('accounts.pickJurisdiction')} options={areaChoices} error={fieldError(error, 'jurisdictionId')} />
        </div>
        {draft.role === 'department_handler' && (
          <DepartmentPicker label={t('accounts.department')} departments={departments} value={draft.departmentId} onChange={(departmentId) => set({ departmentId })}
            placeholder={t('accounts.pickDepartment')} hint={t('accounts.departmentHint')} error={fieldError(error, 'departmentId')} />
        )}
        {user && !oneself && (
          <label className="check">
            <input type="checkbox" name="active" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} /> {t('accounts.maySignIn')}
          </label>
        )}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={saving} disabled={needsDepartment || (change !== null && Object.keys(change).length === 0)}>
            {user ? t('accounts.save') : t('accounts.create')}
          </Button>
          <Button onClick={onCancel}>{t('cases.cancel')}</Button>
        </div>
      </form>
      {user && !oneself && <PasswordReset user={user} />}
    </div>
  );
}

/** A new password for someone who lost theirs: every session of theirs ends, and they sign in with it. */
function PasswordReset({ user }: { user: User }) {
  const { t } = useTranslation();
  const { saving, error, submit } = useSubmit();
  const [password, setPassword] = useState('');
  const reset = (e: FormEvent) => {
    e.preventDefault();
    void submit(() => resetPassword(user.id, password), () => t('accounts.passwordReset', { username: user.username }), () => setPassword(''));
  };
  return (
    <form className="password-reset" onSubmit={reset} aria-label={t('accounts.resetTitle')}>
      <h3>{t('accounts.resetTitle')}</h3>
      <TextField label={t('accounts.newPassword')} name="newPassword" type="password" required minLength={8} autoComplete="new-password"
        value={password} onChange={(e) => setPassword(e.target.value)} hint={t('accounts.resetHint')} error={fieldError(error, 'newPassword')} />
      <div className="form-actions">
        <Button type="submit" busy={saving}>{t('accounts.reset')}</Button>
      </div>
    </form>
  );
}
