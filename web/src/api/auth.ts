import { api } from './client';
import type { LoginResult, User } from './types';

/** POST /api/v1/auth/login: a 401 `unauthorized` for a wrong name or password, 429 when throttled. */
export function login(username: string, password: string): Promise<LoginResult> {
  return api.post<LoginResult>('/api/v1/auth/login', { username, password }, { anonymous: true });
}

/** GET /api/v1/auth/me: the signed-in user. */
export function fetchMe(signal?: AbortSignal): Promise<User> {
  return api.get<User>('/api/v1/auth/me', { signal });
}

/** POST /api/v1/auth/logout: ends the session on the server. */
export function logout(): Promise<void> {
  return api.post<void>('/api/v1/auth/logout');
}
