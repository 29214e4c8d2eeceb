import { useTranslation } from 'react-i18next';
import { LANGUAGES, type LanguageChoice } from './detect';
import { useLanguageChoice } from './store';

/** Top-bar picker: "system" follows the OS/browser languages; each language is named in its own script. */
export function LanguagePicker() {
  const { t } = useTranslation();
  const choice = useLanguageChoice((s) => s.choice);
  const setChoice = useLanguageChoice((s) => s.setChoice);
  return (
    <select className="language-picker" aria-label={t('language.label')} title={t('language.label')} value={choice} onChange={(e) => setChoice(e.target.value as LanguageChoice)} data-testid="language-picker">
      <option value="system">{t('language.system')}</option>
      {LANGUAGES.map((l) => (
        <option key={l} value={l}>
          {t(`language.${l}`)}
        </option>
      ))}
    </select>
  );
}
