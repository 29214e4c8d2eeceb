// Which UI language to use: the user's saved choice, else the first of the
// OS/browser's preferred languages we have (navigator.languages; in Electron
// Chromium fills it from the OS locale), else English.
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export type LanguageChoice = Language | 'system';

/** Map a BCP 47 tag to one we ship: any zh that isn't Traditional -> zh-CN, any en-* -> en. */
export function supported(tag: string): Language | undefined {
  const t = tag.toLowerCase();
  if (t === 'zh' || t.startsWith('zh-cn') || t.startsWith('zh-sg') || t.startsWith('zh-hans')) return 'zh-CN';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return undefined;
}

export function pickLanguage(choice: LanguageChoice, preferred: readonly string[]): Language {
  if (choice !== 'system') return choice;
  for (const tag of preferred) {
    const l = supported(tag);
    if (l) return l;
  }
  return 'en';
}
