// Multi-select rules shared by the tree and the host's VM table, kept pure so
// they can be tested without a DOM.

/** Keys from `anchor` to `target` inclusive, in display order. */
export function rangeBetween(order: readonly string[], anchor: string | null, target: string): string[] {
  const b = order.indexOf(target);
  if (b < 0) return [];
  const a = anchor === null ? -1 : order.indexOf(anchor);
  if (a < 0) return [target];
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return order.slice(lo, hi + 1);
}

export type Picked = Readonly<Record<string, true>>;

export interface ClickMods {
  shift: boolean;
  /** Ctrl on Linux/Windows, Cmd on macOS. */
  toggle: boolean;
}

/**
 * File-manager semantics: click picks one, Ctrl/Cmd toggles, Shift picks the
 * range from the anchor (Ctrl+Shift adds the range to what is picked).
 * Returns the new set and anchor; Shift keeps the anchor so ranges can be redrawn.
 */
export function applyClick(
  order: readonly string[],
  picked: Picked,
  anchor: string | null,
  target: string,
  mods: ClickMods,
): { picked: Picked; anchor: string | null } {
  if (mods.shift) {
    const range = rangeBetween(order, anchor, target);
    const base: Record<string, true> = mods.toggle ? { ...picked } : {};
    for (const k of range) base[k] = true;
    return { picked: base, anchor: anchor ?? target };
  }
  if (mods.toggle) {
    const next: Record<string, true> = { ...picked };
    if (next[target]) delete next[target];
    else next[target] = true;
    return { picked: next, anchor: target };
  }
  return { picked: { [target]: true }, anchor: target };
}

export const pickedKeys = (p: Picked): string[] => Object.keys(p);

/** `hostId/uuid` back into its parts; uuids never contain '/', host ids neither. */
export function splitSelKey(key: string): { hostId: string; uuid: string } {
  const i = key.indexOf('/');
  return { hostId: key.slice(0, i), uuid: key.slice(i + 1) };
}
