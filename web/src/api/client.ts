/**
 * The one way the web app talks to the server: JSON over fetch, the bearer token of the
 * signed-in user, and every failure turned into an ApiError carrying the server's
 * `{"error":{"code","message","field"}}`.
 */

import type { ImportProblem } from './types';

const TOKEN_KEY = 'shiyu.token';

/** An answer other than 2xx, or no answer at all (status 0, code `network`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field the server blames (`username`, `boundary.coordinates.0`), when it names one. */
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The token of this tab's session; sessionStorage, so it ends with the tab. */
export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** Called when a signed-in request answers 401 (expired or revoked session); the auth context signs out. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** Query values; undefined, null and '' are left out, arrays repeat the key. */
export type Query = Record<string, string | number | boolean | null | undefined | Array<string | number>>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export interface RequestOptions {
  query?: Query;
  /** A JSON body (objects) or a raw one (FormData, Blob, File). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send without the bearer token (public door, sign-in). */
  anonymous?: boolean;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // Not JSON (a proxy's error page): fall through to the status alone.
  }
  const error = (payload as { error?: { code?: string; message?: string; field?: string; details?: unknown } } | null)?.error;
  return new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? response.statusText, error?.field, error?.details);
}

/** Sends a request and answers the parsed JSON (undefined for 204). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = options.anonymous ? null : session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData || options.body instanceof Blob) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), { method, headers, body, signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : 'network error');
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && token) onUnauthorized?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

/** Shorthands: `api.get<Page<CaseSummary>>('/api/v1/cases', { query: { status: 'registered' } })`. */
export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

/** The problems of a rejected import (422 `import_rejected`), when the error is one. */
export function importProblems(err: unknown): ImportProblem[] | null {
  if (!(err instanceof ApiError) || err.code !== 'import_rejected') return null;
  const problems = (err.details as { problems?: ImportProblem[] } | undefined)?.problems;
  return Array.isArray(problems) ? problems : [];
}

/** The message for one form field, when the error names it: `<TextField error={fieldError(err, 'username')} />`. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError && error.field === field ? error.message : undefined;
}
