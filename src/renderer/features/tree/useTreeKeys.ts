import { useRef, type KeyboardEvent } from 'react';
import { usePicked } from '../domains/store';
import { isFocusable, type GroupRow, type HostRow, type TreeRow } from './model';
import { rangeBetween } from './selection';
import { useTree } from './store';
import { i18n } from '../../i18n/instance';

// WAI-ARIA tree keyboard model (APG "tree view"), plus the multi-select keys
// file managers taught everyone: Space toggles, Shift+arrows extend, Ctrl/Cmd+A.

interface Args {
  rows: TreeRow[];
  focusIndex: number;
  order: readonly string[];
  open(row: TreeRow): void;
  toggle(row: GroupRow | HostRow): void;
  isMac: boolean;
}

const labelOf = (r: TreeRow) =>
  r.kind === 'domain' ? r.domain.name : r.kind === 'host' ? r.host.config.name : r.kind === 'group' ? r.name || i18n.t('tree:ungrouped') : '';

export function useTreeKeys({ rows, focusIndex, order, open, toggle, isMac }: Args) {
  const wantFocus = useRef(false);

  const step = (from: number, dir: 1 | -1): number => {
    for (let i = from + dir; i >= 0 && i < rows.length; i += dir) if (rows[i] && isFocusable(rows[i]!)) return i;
    return from;
  };
  const moveTo = (i: number) => {
    const row = rows[i];
    if (!row) return;
    wantFocus.current = true;
    useTree.getState().setFocusedKey(row.key);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const row = rows[focusIndex];
    if (!row || (e.target as HTMLElement).closest('input, button, textarea')) return;
    const mod = isMac ? e.metaKey : e.ctrlKey;
    const picks = usePicked.getState();
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        const next = step(focusIndex, e.key === 'ArrowDown' ? 1 : -1);
        const target = rows[next];
        if (e.shiftKey && target?.kind === 'domain') {
          // Shift+arrow grows the range from the anchor, like Shift+click.
          const anchor = picks.anchor ?? (row.kind === 'domain' ? row.selKey : target.selKey);
          picks.setPicked(rangeBetween(order, anchor, target.selKey), anchor);
        }
        moveTo(next);
        break;
      }
      case 'Home':
        moveTo(step(-1, 1));
        break;
      case 'End':
        moveTo(step(rows.length, -1));
        break;
      case 'ArrowRight':
        if ((row.kind === 'group' || (row.kind === 'host' && row.expandable)) && !row.expanded) toggle(row);
        else if (row.kind !== 'domain' && rows[step(focusIndex, 1)]?.parentKey === row.key) moveTo(step(focusIndex, 1));
        break;
      case 'ArrowLeft':
        if ((row.kind === 'group' || row.kind === 'host') && row.expanded) toggle(row);
        else if (row.parentKey) moveTo(rows.findIndex((r) => r.key === row.parentKey));
        break;
      case 'Enter':
        open(row);
        break;
      case ' ':
        if (row.kind === 'domain') picks.toggle(row.selKey);
        else if (row.kind === 'group' || (row.kind === 'host' && row.expandable)) toggle(row);
        break;
      case 'Escape':
        picks.clear();
        break;
      default:
        if (mod && e.key.toLowerCase() === 'a') {
          picks.setPicked(order, order[0] ?? null);
        } else if (e.key.length === 1 && !mod && !e.altKey && e.key !== ' ') {
          // Type-ahead: jump to the next row whose name starts with the letter.
          const ch = e.key.toLowerCase();
          for (let k = 1; k <= rows.length; k++) {
            const i = (focusIndex + k) % rows.length;
            const r = rows[i];
            if (r && isFocusable(r) && labelOf(r).toLowerCase().startsWith(ch)) {
              moveTo(i);
              break;
            }
          }
        } else handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  return { onKeyDown, wantFocus };
}
