import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type Theme = 'system' | 'light' | 'dark';
/** App-level pages that are not a host or a VM. */
export type AppPage = 'audit' | 'accounts' | 'p2v' | 'backups' | 'create';
export type Selection =
  | { kind: 'none' }
  | { kind: 'host'; hostId: string }
  /** `tab` opens the VM page on that tab (e.g. settings after “Customise before start”). */
  | { kind: 'domain'; hostId: string; uuid: string; tab?: 'settings' }
  | { kind: 'network'; hostId: string; name: string }
  | { kind: 'page'; page: AppPage };

interface UiState {
  theme: Theme;
  setTheme(t: Theme): void;
  selection: Selection;
  select(s: Selection): void;
  addHostOpen: boolean;
  setAddHostOpen(open: boolean): void;
  /** Help-desk profile: only consoles (the tree and the quick console). Forced for help-desk accounts. */
  helpdeskProfile: boolean;
  setHelpdeskProfile(on: boolean): void;
}

export const useUi = create<UiState>()(
  persist(
    (set) => ({
      theme: 'system',
      setTheme: (theme) => set({ theme }),
      selection: { kind: 'none' },
      select: (selection) => set({ selection }),
      addHostOpen: false,
      setAddHostOpen: (addHostOpen) => set({ addHostOpen }),
      helpdeskProfile: false,
      setHelpdeskProfile: (helpdeskProfile) => set({ helpdeskProfile, selection: { kind: 'none' } }),
    }),
    { name: 'virtdeck-ui', partialize: (s) => ({ theme: s.theme, helpdeskProfile: s.helpdeskProfile }) },
  ),
);
