import type { HostState, HostStatus } from '../../../shared/model/host';
import { formatIn } from '../../ui/format';
import { useNow } from '../../ui/useNow';

export const STATUS_LABEL: Record<HostStatus, string> = {
  disconnected: 'Disconnected',
  connecting: 'Connecting…',
  connected: 'Connected',
  'needs-auth': 'Needs authentication',
  unreachable: 'Unreachable',
};

/** "retrying in 12 s" that ticks on its own, so only this text re-renders each second. */
export function RetryCountdown({ retryAt, attempt }: { retryAt: number; attempt?: number | undefined }) {
  const now = useNow(true);
  const due = retryAt <= now;
  return (
    <span className="retry" aria-live="off">
      {due ? 'retrying now…' : `retry in ${formatIn(retryAt, now)}`}
      {attempt !== undefined && attempt > 1 ? ` (attempt ${attempt})` : ''}
    </span>
  );
}

/** The raw status word, as e2e tests and the filter (`state:unreachable`) know it. */
export function HostStatusText({ state, testId }: { state: HostState; testId?: string }) {
  return (
    <span className={`host-status s-${state.status}`} data-testid={testId}>
      {state.status}
    </span>
  );
}

export const isHostKeyMismatch = (s: HostState) => s.errorCode === 'HOST_KEY_MISMATCH';
