import { create } from 'zustand';
import { persist } from 'zustand/middleware';

// Client state of the sidebar tree. Collapsed hosts/groups survive restarts
// (an admin who folded away the lab rack expects it folded tomorrow); the
// filter and keyboard focus do not.
interface TreeState {
  filter: string;
  setFilter(f: string): void;
  collapsedHosts: Record<string, boolean>;
  collapsedGroups: Record<string, boolean>;
  setHostCollapsed(hostId: string, collapsed: boolean): void;
  setGroupCollapsed(group: string, collapsed: boolean): void;
  /** Row key holding the roving tabindex. */
  focusedKey: string | null;
  setFocusedKey(key: string | null): void;
}

const without = (rec: Record<string, boolean>, key: string, on: boolean) => {
  const next = { ...rec };
  if (on) next[key] = true;
  else delete next[key];
  return next;
};

export const useTree = create<TreeState>()(
  persist(
    (set) => ({
      filter: '',
      setFilter: (filter) => set({ filter }),
      collapsedHosts: {},
      collapsedGroups: {},
      setHostCollapsed: (hostId, c) => set((s) => ({ collapsedHosts: without(s.collapsedHosts, hostId, c) })),
      setGroupCollapsed: (group, c) => set((s) => ({ collapsedGroups: without(s.collapsedGroups, group, c) })),
      focusedKey: null,
      setFocusedKey: (focusedKey) => set({ focusedKey }),
    }),
    { name: 'virtdeck-tree', partialize: (s) => ({ collapsedHosts: s.collapsedHosts, collapsedGroups: s.collapsedGroups }) },
  ),
);
