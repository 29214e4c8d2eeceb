import type { ConsoleRoute } from './route';

export interface PaletteItem {
  id: string;
  label: string;
  detail: string;
  /** Words matched besides the label (host name). */
  keywords: string;
  route: ConsoleRoute;
  /** Running guests first: their consoles have something to show. */
  live: boolean;
}

/**
 * Ranks items for a query: exact name, then prefix, then word start, then
 * substring; every space-separated term must match (in label or keywords).
 */
export function rankItems(items: readonly PaletteItem[], query: string, limit = 50): PaletteItem[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const scored: Array<{ item: PaletteItem; score: number }> = [];
  for (const item of items) {
    const label = item.label.toLowerCase();
    const hay = `${label} ${item.keywords.toLowerCase()}`;
    if (!terms.every((t) => hay.includes(t))) continue;
    const first = terms[0] ?? '';
    let score = 0;
    if (first && label === first) score += 1000;
    else if (first && label.startsWith(first)) score += 500;
    else if (first && new RegExp(`(^|[^a-z0-9])${escapeRe(first)}`).test(label)) score += 250;
    else if (first && label.includes(first)) score += 100;
    if (item.live) score += 50;
    score -= label.length / 100;
    scored.push({ item, score });
  }
  scored.sort((a, b) => b.score - a.score || a.item.label.localeCompare(b.item.label));
  return scored.slice(0, limit).map((s) => s.item);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
