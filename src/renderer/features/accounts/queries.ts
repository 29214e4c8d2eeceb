import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CallInput } from '../../../shared/ipc/contract';
import { request } from '../../app/api';
import { i18n } from '../../i18n';
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

export const useCreateAccount = () => useAccountMutation((a: CallInput<'accounts.create'>) => request('accounts.create', a), (a) => i18n.t('access:accounts.toast.created', { name: a.name }));
export const useUpdateAccount = () => useAccountMutation((a: CallInput<'accounts.update'>) => request('accounts.update', a), (a) => i18n.t('access:accounts.toast.changed', { name: a.name }));
export const useResetPassword = () => useAccountMutation((a: CallInput<'accounts.setPassword'>) => request('accounts.setPassword', a), (a) => i18n.t('access:accounts.toast.reset', { name: a.name }));
export const useEndSessions = () => useAccountMutation((a: { name: string }) => request('accounts.endSessions', a), (a) => i18n.t('access:accounts.toast.ended', { name: a.name }));
export const useRemoveAccount = () => useAccountMutation((a: { name: string }) => request('accounts.remove', a), (a) => i18n.t('access:accounts.toast.removed', { name: a.name }));
