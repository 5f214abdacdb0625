import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n';
import { largeTextEnabled, setLargeText } from './preferences';

/** The language switch; its label is in both languages, so anyone can find it. */
export function LanguageSwitch() {
  const { i18n } = useTranslation();
  return (
    <div className="control">
      <label htmlFor="language-switch">语言 Language</label>
      <select id="language-switch" value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => <option key={l.code} value={l.code} lang={l.code}>{l.label}</option>)}
      </select>
    </div>
  );
}

/** Large text and high contrast (适老化), on or off. */
export function LargeTextToggle() {
  const { t } = useTranslation();
  const [on, setOn] = useState(largeTextEnabled);
  return (
    <button
      type="button"
      className="btn btn-secondary toggle"
      aria-pressed={on}
      onClick={() => { setLargeText(!on); setOn(!on); }}
    >
      <span aria-hidden="true" className="toggle-icon">A+</span> {t('app.largeText')}
    </button>
  );
}
