/** The user routes the administrators' screen calls (README, API: /api/v1/users). */
import { api } from '../api/client';
import type { Role, User } from '../api/types';

export interface UserPage {
  items: User[];
  total: number;
  page: number;
  pageSize: number;
}

export function listUsers(query: { role?: Role; q?: string; page: number; pageSize: number }, signal?: AbortSignal): Promise<UserPage> {
  return api.get('/api/v1/users', { query: { ...query }, signal });
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  /** The admin unit whose cases and records the user sees; null for the whole instance. */
  jurisdictionId: number | null;
  departmentId?: number | null;
  phone?: string | null;
}

export function createUser(input: NewUser): Promise<User> {
  return api.post('/api/v1/users', input);
}

/** What an administrator may change of an account; absent fields stay as they are. */
export interface UserChange {
  displayName?: string;
  role?: Role;
  jurisdictionId?: number | null;
  departmentId?: number | null;
  phone?: string | null;
  /** false ends the user's sessions; true lets them sign in again. */
  active?: boolean;
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
