import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { pickLanguage, type Language, type LanguageChoice } from './detect';
import { en, zhCN } from './locales';
import { useLanguageChoice } from './store';

// One i18next instance for the renderer, initialised synchronously from bundled
// resources (no backend: the UI must render translated on the first frame, and
// the CSP allows no fetches of our own assets beyond the bundle).
const preferred = (): readonly string[] => (typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]);

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en, 'zh-CN': zhCN },
  lng: pickLanguage(useLanguageChoice.getState().choice, preferred()),
  fallbackLng: 'en',
  supportedLngs: ['en', 'zh-CN'],
  defaultNS: 'common',
  ns: Object.keys(en),
  initAsync: false,
  // React escapes; i18next escaping would show &amp; in names like "a&b".
  interpolation: { escapeValue: false },
  returnNull: false,
});

export const currentLanguage = (): Language => (i18n.language === 'zh-CN' ? 'zh-CN' : 'en');

export function applyLanguageChoice(choice: LanguageChoice): void {
  const lng = pickLanguage(choice, preferred());
  if (i18n.language !== lng) void i18n.changeLanguage(lng);
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}

useLanguageChoice.subscribe((s) => applyLanguageChoice(s.choice));
if (typeof window !== 'undefined') window.addEventListener('languagechange', () => applyLanguageChoice(useLanguageChoice.getState().choice));
applyLanguageChoice(useLanguageChoice.getState().choice);
