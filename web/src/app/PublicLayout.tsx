import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet } from 'react-router-dom';
import { LanguageSwitch, LargeTextToggle } from './Controls';
import { useFocusMainOnNavigate } from './Layout';
import { navFor, navPath } from './registry';

/** The light frame of the citizen portal and the sign-in screen: no account needed. */
export function PublicLayout() {
  const { t } = useTranslation();
  const main = useFocusMainOnNavigate();
  return (
    <div className="shell shell-public">
      <a className="skip-link" href="#main">{t('app.skipToContent')}</a>
      <header className="topbar">
        <Link to="/report" className="brand">{t('app.name')}</Link>
        <nav className="nav nav-inline" aria-label={t('app.mainNav')}>
          <ul>
            {navFor(null).map((r) => (
              <li key={r.path}><NavLink to={navPath(r)}>{t(r.nav!.label)}</NavLink></li>
            ))}
          </ul>
        </nav>
        <div className="topbar-tools">
          <LanguageSwitch />
          <LargeTextToggle />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
