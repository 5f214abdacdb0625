import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation } from 'react-router-dom';
import { Button } from '../ui/Button';
import { useAuth, useUser } from './auth';
import { LanguageSwitch, LargeTextToggle } from './Controls';
import { homeFor } from './homes';
import { navFor, navPath } from './registry';

/** Moves focus to the main region after each navigation, so keyboard and screen-reader users start at the new screen. */
export function useFocusMainOnNavigate() {
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    main.current?.focus();
  }, [location.pathname]);
  return main;
}

/** The staff frame: header with the role's navigation, the user, language and large-text controls. */
export function Layout() {
  const { t } = useTranslation();
  const user = useUser();
  const { logout } = useAuth();
  const location = useLocation();
  const main = useFocusMainOnNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const nav = navFor(user.role);
  // What is new behind a closed menu on a phone shows on its button too.
  const badges = nav.flatMap((r) => (r.nav!.Badge ? [r.nav!.Badge] : []));

  // Signing out re-renders RequireAuth, which sends the user to /login.
  const signOut = async () => {
    setLeaving(true);
    await logout();
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t('app.skipToContent')}</a>
      <header className="topbar">
        <Link to={homeFor(user.role)} className="brand">{t('app.name')}</Link>
        <button type="button" className="btn btn-secondary menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          {t('app.menu')}
          {!menuOpen && badges.map((Badge, i) => <Badge key={i} />)}
        </button>
        <nav id="main-nav" className={menuOpen ? 'nav open' : 'nav'} aria-label={t('app.mainNav')}>
          <ul>
            {nav.map((r) => {
              const Badge = r.nav!.Badge;
              return <li key={r.path}><NavLink to={navPath(r)}>{t(r.nav!.label)}{Badge && <Badge />}</NavLink></li>;
            })}
          </ul>
        </nav>
        <div className="topbar-tools">
          <span className="who">{t('app.signedInAs', { name: user.displayName, role: t(`role.${user.role}`) })}</span>
          <LanguageSwitch />
          <LargeTextToggle />
          <Button onClick={signOut} busy={leaving}>{t('app.logout')}</Button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
