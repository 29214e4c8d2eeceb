import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { create } from 'zustand';
import type { MigrationProgress, MigrationRequestInput } from '../../../shared/model/migration';
import type { PlacementRequestInput } from '../../../shared/model/placement';
import { api, request } from '../../app/api';
import { useUi } from '../../app/ui-store';
import { hostKeys } from '../hosts/queries';
import { openConsole, useConsoleRoute } from '../consoles/route';

export const migrationKeys = {
  all: ['migration'] as const,
  preflight: (r: MigrationRequestInput) => ['migration', 'preflight', r] as const,
  rank: (r: PlacementRequestInput) => ['placement', 'rank', r] as const,
  plan: (hostId: string, overrides: unknown) => ['migration', 'plan', hostId, overrides] as const,
  settings: () => ['placement', 'settings'] as const,
};

/** Preflight for the wizard's current choices; re-run when they change (never polled). */
export const usePreflight = (r: MigrationRequestInput | null) =>
  useQuery({
    queryKey: migrationKeys.preflight(r ?? ({} as MigrationRequestInput)),
    queryFn: () => request('migration.preflight', r!),
    enabled: !!r,
    staleTime: 0,
    gcTime: 0,
    retry: false,
    placeholderData: keepPreviousData,
  });

export const useRank = (r: PlacementRequestInput | null) =>
  useQuery({ queryKey: migrationKeys.rank(r ?? ({} as PlacementRequestInput)), queryFn: () => request('placement.rank', r!), enabled: !!r, staleTime: 10_000 });

export const useEvacuationPlan = (hostId: string, overrides: Record<string, { targetHostId: string } | { skip: true }>) =>
  useQuery({
    queryKey: migrationKeys.plan(hostId, overrides),
    queryFn: () => request('migration.planEvacuation', { hostId, overrides }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
    placeholderData: keepPreviousData,
  });

export const useStartMigration = () => useMutation({ mutationFn: (r: MigrationRequestInput) => request('migration.start', r) });

export const useEvacuate = () =>
  useMutation({
    mutationFn: (i: { hostId: string; moves: { uuid: string; targetHostId: string }[]; parallel: number }) => request('migration.evacuate', i),
  });

export function useSetMaintenance() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (i: { hostId: string; maintenance: boolean }) => request('hosts.setMaintenance', i),
    onSuccess: () => void qc.invalidateQueries({ queryKey: hostKeys.list() }),
  });
}

/**
 * The migrate dialog lives above the pages: the VM page remounts when the VM
 * moves to its new host, and the dialog showing that move must stay.
 */
export interface MigrateDialogState {
  hostId: string;
  uuid: string;
  name: string;
  taskId?: string;
}
export const useMigrateDialog = create<{ open: MigrateDialogState | null; show(o: MigrateDialogState): void; close(): void }>()((set) => ({
  open: null,
  show: (open) => set({ open }),
  close: () => set({ open: null }),
}));

/** Newest job figures per migration task, fed by `migration.progressed` (see useMigrationEvents). */
export const useMigrationProgress = create<{ byTask: Record<string, MigrationProgress>; put(p: MigrationProgress): void }>()((set) => ({
  byTask: {},
  put: (p) => set((s) => ({ byTask: { ...s.byTask, [p.taskId]: p } })),
}));

/**
 * Mounted once per page: keeps migration figures, and makes whatever shows a
 * VM that just moved follow it to its new host (the selected VM page, a
 * console page, which then reconnects there).
 */
export function useMigrationEvents(): void {
  const route = useConsoleRoute();
  useEffect(() => {
    const offProgress = api.on('migration.progressed', (p) => useMigrationProgress.getState().put(p));
    const offMoved = api.on('domain.migrated', (m) => {
      const { selection, select } = useUi.getState();
      if (selection.kind === 'domain' && selection.uuid === m.uuid && selection.hostId === m.fromHostId) select({ kind: 'domain', hostId: m.toHostId, uuid: m.uuid });
      if (route?.kind === 'domain' && route.uuid === m.uuid && route.hostId === m.fromHostId) openConsole({ ...route, hostId: m.toHostId }, 'here');
    });
    return () => {
      offProgress();
      offMoved();
    };
  }, [route]);
}
