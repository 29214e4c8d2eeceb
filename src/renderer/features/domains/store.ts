import { create } from 'zustand';
import { applyClick, type ClickMods, type Picked } from '../tree/selection';

// The VM multi-select, shared by the tree and the host's VM table so the bulk
// bar acts on one set whichever was used. Keys are `hostId/uuid` (a selection
// may span hosts).
interface PickState {
  picked: Picked;
  anchor: string | null;
  click(order: readonly string[], key: string, mods: ClickMods): void;
  toggle(key: string): void;
  setPicked(keys: readonly string[], anchor?: string | null): void;
  clear(): void;
}

export const usePicked = create<PickState>((set) => ({
  picked: {},
  anchor: null,
  click: (order, key, mods) => set((s) => applyClick(order, s.picked, s.anchor, key, mods)),
  toggle: (key) => set((s) => applyClick([], s.picked, s.anchor, key, { shift: false, toggle: true })),
  setPicked: (keys, anchor) =>
    set((s) => ({ picked: Object.fromEntries(keys.map((k) => [k, true as const])), anchor: anchor === undefined ? s.anchor : anchor })),
  clear: () => set({ picked: {}, anchor: null }),
}));
