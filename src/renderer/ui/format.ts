// Parsing helpers for form text. Display formatting (sizes, dates, durations)
// lives in ../i18n/format so that it follows the chosen language; the names
// below are re-exported from there for code written before it.
import { formatNumber } from '../i18n/format';

export { formatIn, formatKiB, nameList } from '../i18n/format';

/** @deprecated English only: use t('key', { count }) with _one/_other forms in a locale file. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  for (const t of text.split(',')) {
    const v = t.trim();
    if (v) seen.add(v);
  }
  return [...seen];
}
