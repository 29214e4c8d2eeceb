import { useMutation, useQuery } from '@tanstack/react-query';
import type { Capabilities, SessionInfo } from '../../../shared/model/account';
import { api, request } from '../../app/api';

export const sessionKeys = { me: () => ['session', 'me'] as const };

/** Who this window is and what the core lets it do; re-read when the link to the core comes back. */
export const useSession = () => useQuery({ queryKey: sessionKeys.me(), queryFn: () => request('session.get', {}), staleTime: Infinity });

const NOTHING: Capabilities = {
  manageHosts: false,
  connectHosts: false,
  hostShell: false,
  consoles: false,
  lifecycle: [],
  configure: false,
  create: false,
  migrate: false,
  deleteVms: false,
  audit: false,
  accounts: false,
};

/**
 * What the UI offers. It only mirrors the core, which checks every call and
 * console token on its own (docs/access.md); until the answer is in, nothing
 * extra is offered.
 */
export function useCan(): Capabilities {
  return useSession().data?.can ?? NOTHING;
}

/** The help-desk layout: forced for help-desk accounts, a setting for everyone else. */
export const isHelpdesk = (s: SessionInfo | undefined, profile: boolean) => s?.role === 'helpdesk' || profile;

export function useSignOut() {
  return useMutation({
    mutationFn: (everywhere: boolean) => request('session.logout', { everywhere }),
    // Forget the credential whatever the answer: a sign-out must never leave this tab signed in.
    onSettled: () => api.signOut(),
  });
}

export const useChangePassword = () => useMutation({ mutationFn: (a: { current: string; password: string }) => request('session.changePassword', a) });
