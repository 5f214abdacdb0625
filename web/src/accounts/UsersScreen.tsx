import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { STAFF_ROLES, type Role, type User } from '../api/types';
import { useAddressParams } from '../app/address';
import { useUser } from '../app/auth';
import { positiveInt } from '../app/record-id';
import { useCatalogue, useLoad } from '../cases/hooks';
import { Alert, Button, ConfirmButton, Pager, ScreenTitle, Select, Table, TextField, useErrorMessage, useToast, type Column } from '../ui';
import { AccountImport } from './AccountImport';
import { deactivateUser, listUsers, updateUser } from './api';
import { UserForm } from './UserForm';
import './accounts.css';

const PAGE_SIZE = 30;

/**
 * 用户管理: the staff accounts of the jurisdiction, by role or by a name or username. Administrators
 * add accounts, one by one or from a file, change them (a move to another area, role or department;
 * a lost password), and deactivate them (sessions end at once, history stays) or let them back in;
 * leaders and auditors read.
 * Phone numbers come masked for leaders and auditors and whole for administrators, each whole reading audited.
 */
export default function UsersScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const toast = useToast();
  const me = useUser();
  const { departments } = useCatalogue();
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));
  const [params, updateAddress] = useAddressParams();
  const role = (STAFF_ROLES as string[]).includes(params.get('role') ?? '') ? (params.get('role') as Role) : undefined;
  const q = params.get('q') ?? '';
  const page = positiveInt(params.get('page')) ?? 1;
  const [search, setSearch] = useState(q);
  // The form open above the list: a new account, the one being changed, or an import of many.
  const [form, setForm] = useState<{ user?: User } | 'import' | null>(null);
  const [round, setRound] = useState(0);
  const users = useLoad((signal) => listUsers({ role, q: q || undefined, page, pageSize: PAGE_SIZE }, signal), [role, q, page, round]);
  const admin = me.role === 'admin';

  const find = (e: FormEvent) => {
    e.preventDefault();
    updateAddress((next) => {
      if (search.trim()) next.set('q', search.trim());
      else next.delete('q');
      next.delete('page');
    });
  };
  const standing = async (user: User, active: boolean) => {
    try {
      if (active) await updateUser(user.id, { active: true });
      else await deactivateUser(user.id);
      toast.show('success', t(active ? 'accounts.reactivated' : 'accounts.deactivated', { username: user.username }));
      setRound((r) => r + 1);
    } catch (err) {
      toast.error(err);
    }
  };
  const saved = () => { setForm(null); setRound((r) => r + 1); };

  const columns: Column<User>[] = [
    { key: 'username', header: t('accounts.username'), render: (u) => u.username },
    { key: 'name', header: t('accounts.displayName'), render: (u) => u.displayName },
    { key: 'role', header: t('accounts.role'), render: (u) => t(`role.${u.role}`) },
    { key: 'area', header: t('accounts.jurisdiction'), render: (u) => u.jurisdiction?.name ?? t('accounts.everywhere') },
    { key: 'department', header: t('accounts.department'), render: (u) => (u.departmentId ? departmentName.get(u.departmentId) ?? '—' : '—'), wideOnly: true },
    { key: 'phone', header: t('accounts.phone'), render: (u) => u.phone ?? '—', wideOnly: true },
    { key: 'state', header: t('accounts.state'), render: (u) => (u.active ? t('accounts.active') : <span className="muted">{t('accounts.inactive')}</span>) },
    // Hidden during an import: opening a form would close it, and with it passwords shown only once.
    ...(admin && form !== 'import' ? [{
      key: 'actions', header: <span className="visually-hidden">{t('accounts.actions')}</span>,
      render: (u: User) => (
        <span className="user-actions">
          <Button onClick={() => setForm({ user: u })} aria-label={t('accounts.editOne', { username: u.username })}>{t('accounts.edit')}</Button>
          {u.id !== me.id && (u.active
            ? (
              <ConfirmButton onConfirm={() => standing(u, false)} aria-label={t('accounts.deactivateOne', { username: u.username })}
                question={t('accounts.deactivateAsk', { username: u.username })} confirmLabel={t('accounts.deactivateConfirm')}>
                {t('accounts.deactivate')}
              </ConfirmButton>
            )
            : <Button onClick={() => standing(u, true)} aria-label={t('accounts.reactivateOne', { username: u.username })}>{t('accounts.reactivate')}</Button>)}
        </span>
      ),
    }] : []),
  ];

  return (
    <section className="users-screen">
      <ScreenTitle>{t('accounts.title')}</ScreenTitle>
      <p className="muted">{t('accounts.intro')}</p>
      <div className="users-tools">
        <Select label={t('accounts.role')} name="role" value={role ?? ''} placeholder={t('accounts.anyRole')}
          onChange={(e) => updateAddress((next) => { if (e.target.value) next.set('role', e.target.value); else next.delete('role'); next.delete('page'); })}
          options={STAFF_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        <form className="users-search" role="search" onSubmit={find}>
          <TextField label={t('accounts.search')} type="search" name="q" value={search} onChange={(e) => setSearch(e.target.value)} />
          <Button type="submit">{t('accounts.find')}</Button>
        </form>
        {admin && form === null && (
          <>
            <Button variant="primary" onClick={() => setForm({})}>{t('accounts.new')}</Button>
            <Button onClick={() => setForm('import')}>{t('accounts.import.open')}</Button>
          </>
        )}
      </div>
      {form === 'import' && <AccountImport departments={departments} onImported={() => setRound((r) => r + 1)} onClose={() => setForm(null)} />}
      {form && form !== 'import' && <UserForm key={form.user?.id ?? 'new'} user={form.user} departments={departments} onSaved={saved} onCancel={() => setForm(null)} />}
      {users.error !== null && <Alert>{messageOf(users.error)}</Alert>}
      <Table caption={t('accounts.caption')} captionHidden columns={columns} rows={users.value?.items ?? []} rowKey={(u) => u.id} busy={users.loading}
        empty={users.loading ? t('ui.loading') : t('accounts.none')} />
      {users.value && (
        <Pager page={users.value.page} pageSize={users.value.pageSize} total={users.value.total}
          onPage={(n) => updateAddress((next) => next.set('page', String(n)))} />
      )}
    </section>
  );
}
