import { useTranslation } from 'react-i18next';
import { ScreenTitle } from '../ui/ScreenTitle';
import type zhCN from '../i18n/zh-CN.json';

type AreaKey = { [A in 'cases' | 'geo' | 'stats' | 'command' | 'public']: `${A}.${keyof (typeof zhCN)[A] & string}` }['cases' | 'geo' | 'stats' | 'command' | 'public'];

/** TEMPORARY: stands in for a screen still to be built. Delete once no screen uses it. */
export function Placeholder({ titleKey }: { titleKey: AreaKey }) {
  const { t } = useTranslation();
  return (
    <section data-placeholder="true">
      <ScreenTitle>{t(titleKey)}</ScreenTitle>
      <p>{t('app.placeholder')}</p>
    </section>
  );
}
