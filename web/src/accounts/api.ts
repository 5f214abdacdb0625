/** The user routes the administrators' screen calls (README, API: /api/v1/users). */
import { api } from '../api/client';
import type { AccountImportCheck, AccountImportResult, ImportedAccount, NewUser, ProposedAccount, UserChange } from '../../../src/accounts/accounts.contract';
import type { Role, User } from '../api/types';

export type { AccountImportCheck, AccountImportResult, ImportedAccount, ProposedAccount, UserChange };
export { ACCOUNT_IMPORT_MAX_ROWS } from '../../../src/accounts/accounts.contract';
export { initialPasswordsCsv } from '../../../src/accounts/initial-passwords';

export interface UserPage {
  items: User[];
  total: number;
  page: number;
  pageSize: number;
}

export function listUsers(query: { role?: Role; q?: string; page: number; pageSize: number }, signal?: AbortSignal): Promise<UserPage> {
  return api.get('/api/v1/users', { query: { ...query }, signal });
}

export function createUser(input: NewUser): Promise<User> {
  return api.post('/api/v1/users', input);
}

export function updateUser(id: number, change: UserChange): Promise<User> {
  return api.patch(`/api/v1/users/${id}`, change);
}

/** Gives a user a new password; every session of theirs ends. */
export function resetPassword(id: number, newPassword: string): Promise<unknown> {
  return api.post(`/api/v1/users/${id}/password`, { newPassword });
}

/** Deactivates a user and ends their sessions; their history stays. */
export function deactivateUser(id: number): Promise<unknown> {
  return api.delete(`/api/v1/users/${id}`);
}

function importForm(file: File): FormData {
  const form = new FormData();
  form.append('file', file);
  return form;
}

/** Checks a file of staff accounts and answers those it would make; nothing is written. */
export function checkAccountImport(file: File): Promise<AccountImportCheck> {
  return api.post('/api/v1/users/import', importForm(file), { query: { dryRun: true } });
}

/** Makes the accounts of a file, all or none; the answer holds their first passwords, which nobody can read again. */
export function importAccounts(file: File): Promise<AccountImportResult> {
  return api.post('/api/v1/users/import', importForm(file));
}
