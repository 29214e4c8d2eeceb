import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CallInput } from '../../../shared/ipc/contract';
import { request } from '../../app/api';
import { useNotifications } from '../notifications/store';

export const accountKeys = { list: () => ['accounts', 'list'] as const };

/** Accounts change only through these calls or the CLI: re-read on show and after each change. */
export const useAccounts = () => useQuery({ queryKey: accountKeys.list(), queryFn: () => request('accounts.list', {}), refetchOnWindowFocus: true });

function useAccountMutation<A>(run: (a: A) => Promise<unknown>, done: (a: A) => string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (_r, a) => useNotifications.getState().push({ level: 'success', title: done(a) }),
    onSettled: () => qc.invalidateQueries({ queryKey: accountKeys.list() }),
  });
}

export const useCreateAccount = () => useAccountMutation((a: CallInput<'accounts.create'>) => request('accounts.create', a), (a) => `Account ${a.name} created`);
export const useUpdateAccount = () => useAccountMutation((a: CallInput<'accounts.update'>) => request('accounts.update', a), (a) => `Account ${a.name} changed`);
export const useResetPassword = () => useAccountMutation((a: CallInput<'accounts.setPassword'>) => request('accounts.setPassword', a), (a) => `Password of ${a.name} reset`);
export const useEndSessions = () => useAccountMutation((a: { name: string }) => request('accounts.endSessions', a), (a) => `${a.name} signed out everywhere`);
export const useRemoveAccount = () => useAccountMutation((a: { name: string }) => request('accounts.remove', a), (a) => `Account ${a.name} removed`);
