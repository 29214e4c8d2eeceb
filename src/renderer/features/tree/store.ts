import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { parseFilter } from './filter';

// Client state of the sidebar tree. Collapsed hosts/groups survive restarts
// (an admin who folded away the lab rack expects it folded tomorrow); the
// filter and keyboard focus do not. While a filter is active, matches start
// expanded and folds go to a separate set that each new filter text resets,
// so folding a search result never rewrites the saved layout.
interface TreeState {
  filter: string;
  setFilter(f: string): void;
  collapsedHosts: Record<string, boolean>;
  collapsedGroups: Record<string, boolean>;
  filterCollapsedHosts: Record<string, boolean>;
  filterCollapsedGroups: Record<string, boolean>;
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

const filtering = (text: string) => parseFilter(text).length > 0;

export const useTree = create<TreeState>()(
  persist(
    (set) => ({
      filter: '',
      setFilter: (filter) => set({ filter, filterCollapsedHosts: {}, filterCollapsedGroups: {} }),
      collapsedHosts: {},
      collapsedGroups: {},
      filterCollapsedHosts: {},
      filterCollapsedGroups: {},
      setHostCollapsed: (hostId, c) =>
        set((s) =>
          filtering(s.filter)
            ? { filterCollapsedHosts: without(s.filterCollapsedHosts, hostId, c) }
            : { collapsedHosts: without(s.collapsedHosts, hostId, c) },
        ),
      setGroupCollapsed: (group, c) =>
        set((s) =>
          filtering(s.filter)
            ? { filterCollapsedGroups: without(s.filterCollapsedGroups, group, c) }
            : { collapsedGroups: without(s.collapsedGroups, group, c) },
        ),
      focusedKey: null,
      setFocusedKey: (focusedKey) => set({ focusedKey }),
    }),
    { name: 'virtdeck-tree', partialize: (s) => ({ collapsedHosts: s.collapsedHosts, collapsedGroups: s.collapsedGroups }) },
  ),
);
