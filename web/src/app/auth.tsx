import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import * as authApi from '../api/auth';
import { ApiError, session, setUnauthorizedHandler } from '../api/client';
import { announceSignOut, borrowSession, lendSession } from '../api/session-share';
import type { User } from '../api/types';
import { Spinner } from '../ui/Spinner';

type AuthState =
  | { status: 'loading'; user: null }
  | { status: 'signedIn'; user: User }
  | { status: 'signedOut'; user: null; expired?: boolean; loggedOut?: boolean };

export interface Auth {
  status: AuthState['status'];
  /** The signed-in user; null while loading or signed out. */
  user: User | null;
  /** True when the last session ended by itself (expired, revoked): the login screen says so. */
  expired: boolean;
  /** True right after the user signed out: no "come back here" link is kept. */
  loggedOut: boolean;
  /** Signs in; throws ApiError (401 `unauthorized`, 429 `too_many_requests`) on failure. */
  login(username: string, password: string): Promise<User>;
  /** Ends the session here and on the server. */
  logout(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

/**
 * Holds who is signed in. The token lives in sessionStorage (api/client `session`), the user here;
 * a new tab borrows the session of an open one (api/session-share).
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading', user: null });

  // Signed out in another tab: the session is over here too.
  useEffect(() => lendSession(() => {
    if (!session.token()) return;
    session.clear();
    setState({ status: 'signedOut', user: null, loggedOut: true });
  }), []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      session.clear();
      setState({ status: 'signedOut', user: null, expired: true });
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void (async () => {
      const borrowed = session.token() ? null : await borrowSession();
      if (controller.signal.aborted) return;
      // Signed in on the login screen while the other tabs were asked: that session wins.
      const token = session.token() ?? borrowed;
      if (!token) return setState({ status: 'signedOut', user: null });
      session.set(token);
      try {
        setState({ status: 'signedIn', user: await authApi.fetchMe(controller.signal) });
      } catch (err) {
        if (controller.signal.aborted) return;
        if (err instanceof ApiError && err.status === 401) session.clear();
        setState({ status: 'signedOut', user: null, expired: err instanceof ApiError && err.status === 401 });
      }
    })();
    return () => controller.abort();
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const result = await authApi.login(username, password);
    session.set(result.token);
    setState({ status: 'signedIn', user: result.user });
    return result.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      // The session may be gone already; signing out here is what matters.
    }
    session.clear();
    announceSignOut();
    setState({ status: 'signedOut', user: null, loggedOut: true });
  }, []);

  const value = useMemo<Auth>(() => ({
    status: state.status,
    user: state.user,
    expired: state.status === 'signedOut' && !!state.expired,
    loggedOut: state.status === 'signedOut' && !!state.loggedOut,
    login,
    logout,
  }), [state, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The signed-in user, inside screens behind RequireAuth. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser outside RequireAuth');
  return user;
}

/** Renders its children for a signed-in user; sends anyone else to /login?next=<here>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, loggedOut } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <div className="page-center"><Spinner /></div>;
  if (status === 'signedOut') {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' || loggedOut ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}
