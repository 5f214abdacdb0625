import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { STAFF_ROLES, type Role, type User } from '../api/types';
import { useAddressParams } from '../app/address';
import { useUser } from '../app/auth';
import { useCatalogue, useLoad } from '../cases/hooks';
import { Alert, Button, Pager, ScreenTitle, Select, Table, TextField, useErrorMessage, useToast, type Column } from '../ui';
import { deactivateUser, listUsers } from './api';
import { NewUserForm } from './NewUserForm';
import './accounts.css';

const PAGE_SIZE = 30;

/**
 * 用户管理: the staff accounts of the jurisdiction, by role or by a name or username. Administrators
 * add accounts and deactivate them (sessions end at once, history stays); leaders and auditors read.
 * Phone numbers come masked, and reading them is audited like any personal data.
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
  const page = Number(params.get('page')) || 1;
  const [search, setSearch] = useState(q);
  const [adding, setAdding] = useState(false);
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
  const deactivate = async (user: User) => {
    try {
      await deactivateUser(user.id);
      toast.show('success', t('accounts.deactivated', { username: user.username }));
      setRound((r) => r + 1);
    } catch (err) {
      toast.error(err);
    }
  };

  const columns: Column<User>[] = [
    { key: 'username', header: t('accounts.username'), render: (u) => u.username },
    { key: 'name', header: t('accounts.displayName'), render: (u) => u.displayName },
    { key: 'role', header: t('accounts.role'), render: (u) => t(`role.${u.role}`) },
    { key: 'area', header: t('accounts.jurisdiction'), render: (u) => u.jurisdiction?.name ?? t('accounts.everywhere') },
    { key: 'department', header: t('accounts.department'), render: (u) => (u.departmentId ? departmentName.get(u.departmentId) ?? '—' : '—'), wideOnly: true },
    { key: 'phone', header: t('accounts.phone'), render: (u) => u.phone ?? '—', wideOnly: true },
    { key: 'state', header: t('accounts.state'), render: (u) => (u.active ? t('accounts.active') : <span className="muted">{t('accounts.inactive')}</span>) },
    ...(admin ? [{
      key: 'deactivate', header: <span className="visually-hidden">{t('accounts.deactivate')}</span>,
      render: (u: User) => (u.active && u.id !== me.id
        ? <Button onClick={() => deactivate(u)} aria-label={t('accounts.deactivateOne', { username: u.username })}>{t('accounts.deactivate')}</Button>
        : null),
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
        {admin && !adding && <Button variant="primary" onClick={() => setAdding(true)}>{t('accounts.new')}</Button>}
      </div>
      {adding && <NewUserForm departments={departments} onCreated={() => { setAdding(false); setRound((r) => r + 1); }} onCancel={() => setAdding(false)} />}
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
