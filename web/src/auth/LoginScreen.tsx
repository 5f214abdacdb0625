import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, fieldError } from '../api/client';
import { useAuth } from '../app/auth';
import { homeFor } from '../app/homes';
import { Alert, Button, ScreenTitle, TextField, useErrorMessage } from '../ui';

/** Only paths inside the app may be returned to after signing in. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

/** Staff sign-in: POST /api/v1/auth/login, then to ?next= or the role's home. */
export function LoginScreen() {
  const { t } = useTranslation();
  const auth = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const messageOf = useErrorMessage();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Fields left empty are named here, in the reader's language, rather than in the server's words.
  const [missing, setMissing] = useState<ReadonlySet<'username' | 'password'>>(new Set());

  if (auth.status === 'signedIn' && auth.user && !busy) {
    return <Navigate to={safeNext(params.get('next')) ?? homeFor(auth.user.role)} replace />;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const empty = new Set([...(username.trim() ? [] : ['username' as const]), ...(password ? [] : ['password' as const])]);
    setMissing(empty);
    if (empty.size) return;
    setBusy(true);
    try {
      const user = await auth.login(username.trim(), password);
      navigate(safeNext(params.get('next')) ?? homeFor(user.role), { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const formError = error instanceof ApiError && error.field ? null : error;
  // Locked out: say for how long, since waiting is the only way on.
  const retryAfter = error instanceof ApiError && error.status === 429 ? Number((error.details as { retryAfter?: unknown } | undefined)?.retryAfter) : NaN;
  return (
    <section className="login">
      <ScreenTitle>{t('auth.title')}</ScreenTitle>
      <p>{t('auth.intro')}</p>
      {auth.expired && !error && <Alert kind="info">{t('auth.sessionExpired')}</Alert>}
      {formError !== null && <Alert>{Number.isFinite(retryAfter) ? t('auth.lockedOut', { minutes: Math.max(1, Math.ceil(retryAfter / 60)) }) : messageOf(formError)}</Alert>}
      <form onSubmit={submit} noValidate className="form">
        <TextField
          label={t('auth.username')}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={missing.has('username') ? t('auth.required') : fieldError(error, 'username')}
        />
        <TextField
          label={t('auth.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={missing.has('password') ? t('auth.required') : fieldError(error, 'password')}
        />
        <Button type="submit" variant="primary" busy={busy}>{busy ? t('auth.submitting') : t('auth.submit')}</Button>
      </form>
      <p className="login-aside"><Link to="/report">{t('auth.citizenLink')}</Link></p>
    </section>
  );
}
