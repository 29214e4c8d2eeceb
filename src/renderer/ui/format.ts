// Parsing helpers for form text. Display formatting (sizes, dates, durations)
// lives in ../i18n/format so that it follows the chosen language.

export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  for (const t of text.split(',')) {
    const v = t.trim();
    if (v) seen.add(v);
  }
  return [...seen];
}
