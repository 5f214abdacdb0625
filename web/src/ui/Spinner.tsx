import { useTranslation } from 'react-i18next';

/** A busy indicator; announced as "loading" unless decorative (inside a busy button). */
export function Spinner({ size = 'medium', label, decorative = false }: { size?: 'small' | 'medium'; label?: string; decorative?: boolean }) {
  const { t } = useTranslation();
  if (decorative) return <span className={`spinner spinner-${size}`} aria-hidden="true" />;
  return (
    <span role="status" className="spinner-wrap">
      <span className={`spinner spinner-${size}`} aria-hidden="true" />
      <span className="visually-hidden">{label ?? t('ui.loading')}</span>
    </span>
  );
}
