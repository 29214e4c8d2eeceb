import type { Host } from '../../../shared/model/host';
import { Trans, useTranslation } from 'react-i18next';
import { errorTitle } from '../../i18n';
import { hostKeyChangedText } from '../tree/model';
import { HostKeyRefusal } from './HostKeyRefusal';
import { RetryCountdown, isHostKeyMismatch } from './HostStatus';
import { usePrompts } from './queries';
import { targetText } from './target';

/** Why a host isn't connected, in words an admin can act on. */
export function HostBanner({ host }: { host: Host }) {
  const { t } = useTranslation('hosts');
  const { state, config } = host;
  const prompts = usePrompts();
  const waiting = prompts.data?.some((p) => p.hostId === config.id);

  if (isHostKeyMismatch(state)) {
    // The core's facts as fields; an older core gave only its sentence.
    if (state.hostKey) return <HostKeyRefusal k={state.hostKey} />;
    const hostname = config.target.transport === 'ssh' ? config.target.hostname : config.id;
    return (
      <div className="banner bad" role="alert" data-testid="host-key-mismatch">
        <strong>{t('banner.keyChanged')}</strong>
        <p className="wrap-anywhere">{state.reason ?? hostKeyChangedText()}</p>
        {!state.reason && (
          <p className="muted">
            <Trans t={t} i18nKey="banner.keyChangedHint" values={{ hostname }} components={{ code: <code /> }} />
          </p>
        )}
      </div>
    );
  }
  if (waiting) {
    return (
      <div className="banner warn" role="status">
        <strong>{t('banner.waiting')}</strong>
        <p>{t('banner.waitingHint')}</p>
      </div>
    );
  }
  if (state.status === 'unreachable' || state.status === 'needs-auth') {
    return (
      <div className={`banner ${state.status === 'needs-auth' ? 'warn' : 'bad'}`} role="alert" data-testid="host-error">
        <strong>{state.status === 'needs-auth' ? t('banner.authNeeded') : t('banner.unreachable')}</strong>
        <p>
          {state.reason ?? t('banner.noReason')}
          {state.errorCode && (
            <span className="code" title={state.errorCode} data-code={state.errorCode}>
              {' '}
              ({errorTitle(state.errorCode)})
            </span>
          )}
        </p>
        {state.retryAt !== undefined && (
          <p className="muted">
            {t('banner.reconnecting')} <RetryCountdown retryAt={state.retryAt} attempt={state.attempt} />
          </p>
        )}
      </div>
    );
  }
  if (state.status === 'connecting') {
    // Keeps the banner slot filled between retries, so the page doesn't jump as the state flips.
    return (
      <div className="banner" role="status">
        <strong>{t('banner.connecting')}</strong>
        <p>
          <Trans t={t} i18nKey="banner.opening" values={{ target: targetText(host) }} components={{ m: <span className="mono" /> }} />
          {state.attempt !== undefined && state.attempt > 1 ? ` ${t('attempt', { n: state.attempt })}` : ''}
        </p>
      </div>
    );
  }
  if (state.status === 'disconnected' && state.reason) {
    return (
      <div className="banner" role="status">
        <strong>{t('banner.disconnected')}</strong>
        <p>{state.reason}</p>
      </div>
    );
  }
  return null;
}
