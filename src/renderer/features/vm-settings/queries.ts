import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CallInput, CallName, CallOutput } from '../../../shared/ipc/contract';
import type { ApplyResult } from '../../../shared/model/vm-settings';
import { request } from '../../app/api';
import { domainKeys } from '../domains/queries';
import { hostKeys } from '../hosts/queries';

export const settingsKeys = {
  settings: (hostId: string, uuid: string) => [...hostKeys.host(hostId), 'domain', uuid, 'settings'] as const,
  choices: (hostId: string, uuid: string) => [...hostKeys.host(hostId), 'domain', uuid, 'choices'] as const,
  xml: (hostId: string, uuid: string) => [...hostKeys.host(hostId), 'domain', uuid, 'xml'] as const,
};

export const useVmSettings = (hostId: string, uuid: string) =>
  useQuery({ queryKey: settingsKeys.settings(hostId, uuid), queryFn: () => request('vmSettings.get', { hostId, uuid }) });

export const useChoices = (hostId: string, uuid: string) =>
  useQuery({ queryKey: settingsKeys.choices(hostId, uuid), queryFn: () => request('vmSettings.choices', { hostId, uuid }), staleTime: 5 * 60_000 });

type ApplyCall = { [K in CallName]: CallOutput<K> extends ApplyResult ? K : never }[CallName];
/** One settings call and its input without the VM's ids (the hook adds them). */
export type ApplyVars = { [K in ApplyCall]: { call: K; input: Omit<CallInput<K>, 'hostId' | 'uuid'> } }[ApplyCall];

/** One settings change; afterwards the page re-reads the definition (and the overview its summary). */
export function useApply(hostId: string, uuid: string) {
  const qc = useQueryClient();
  return useMutation<ApplyResult, Error, ApplyVars>({
    mutationFn: (v) => request(v.call, { ...v.input, hostId, uuid } as never) as Promise<ApplyResult>,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: settingsKeys.settings(hostId, uuid) });
      void qc.invalidateQueries({ queryKey: domainKeys.detail(hostId, uuid) });
    },
  });
}

/** A section's form state: null while viewing; Edit copies the saved value, Revert drops the draft. */
export function useDraft<T>(saved: T, apply: { reset(): void }) {
  const [draft, setDraft] = useState<T | null>(null);
  const value = draft ?? saved;
  return {
    editing: draft !== null,
    value,
    set: (p: Partial<T>) => setDraft({ ...value, ...p }),
    edit: () => {
      setDraft(saved);
      apply.reset();
    },
    revert: () => setDraft(null),
  };
}
