import type { HostState, HostStatus } from '../../../shared/model/host';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n';
import { formatIn } from '../../i18n/format';
import { useNow } from '../../ui/useNow';

export const statusLabel = (s: HostStatus): string => i18n.t(`statusLabel.${s}`, { ns: 'hosts' });

/** "retrying in 12 s" that ticks on its own, so only this text re-renders each second. */
export function RetryCountdown({ retryAt, attempt }: { retryAt: number; attempt?: number | undefined }) {
  const { t } = useTranslation('hosts');
  const now = useNow(true);
  const due = retryAt <= now;
  return (
    <span className="retry" aria-live="off">
      {due ? t('retryingNow') : t('retryIn', { d: formatIn(retryAt, now) })}
      {attempt !== undefined && attempt > 1 ? ` ${t('attempt', { n: attempt })}` : ''}
    </span>
  );
}

/** The status word (in English the raw one, as e2e tests and the filter `state:unreachable` know it). */
export function HostStatusText({ state, testId }: { state: HostState; testId?: string }) {
  const { t } = useTranslation('hosts');
  return (
    <span className={`host-status s-${state.status}`} data-testid={testId} data-status={state.status}>
      {t(`status.${state.status}`)}
    </span>
  );
}

export const isHostKeyMismatch = (s: HostState) => s.errorCode === 'HOST_KEY_MISMATCH';
