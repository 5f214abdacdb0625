import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ScreenTitle } from '../ui/ScreenTitle';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <section>
      <ScreenTitle>{t('app.notFound')}</ScreenTitle>
      <p>{t('app.notFoundBody')}</p>
      <p><Link to="/">{t('app.backHome')}</Link></p>
    </section>
  );
}

export function Forbidden() {
  const { t } = useTranslation();
  return (
    <section>
      <ScreenTitle>{t('app.forbidden')}</ScreenTitle>
      <p>{t('app.forbiddenBody')}</p>
      <p><Link to="/">{t('app.backHome')}</Link></p>
    </section>
  );
}
