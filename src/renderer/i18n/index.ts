// The renderer's i18n entry: import once (main.tsx) before rendering.
export { i18n, applyLanguageChoice, currentLanguage } from './instance';
export { LANGUAGES, type Language, type LanguageChoice } from './detect';
export { useLanguageChoice } from './store';
export { coreMessage, enumLabel, errorTitle, stateLabel, taskPhase, taskTitle } from './labels';
