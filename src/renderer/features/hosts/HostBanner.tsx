import type { Host } from '../../../shared/model/host';
import { HOST_KEY_CHANGED_TEXT } from '../tree/model';
import { HostKeyRefusal } from './HostKeyRefusal';
import { RetryCountdown, isHostKeyMismatch } from './HostStatus';
import { usePrompts } from './queries';
import { targetText } from './target';

/** Why a host isn't connected, in words an admin can act on. */
export function HostBanner({ host }: { host: Host }) {
  const { state, config } = host;
  const prompts = usePrompts();
  const waiting = prompts.data?.some((p) => p.hostId === config.id);

  if (isHostKeyMismatch(state)) {
    // The core's facts as fields; an older core gave only its sentence.
    if (state.hostKey) return <HostKeyRefusal k={state.hostKey} />;
    const hostname = config.target.transport === 'ssh' ? config.target.hostname : config.id;
    return (
      <div className="banner bad" role="alert" data-testid="host-key-mismatch">
        <strong>Host key changed: connection refused</strong>
        <p className="wrap-anywhere">{state.reason ?? HOST_KEY_CHANGED_TEXT}</p>
        {!state.reason && (
          <p className="muted">
            VirtDeck will not connect while the key differs from the one on record. If the host was reinstalled, confirm the new key with its
            admin, then remove the old entry (<code>ssh-keygen -R {hostname}</code>) and connect again.
          </p>
        )}
      </div>
    );
  }
  if (waiting) {
    return (
      <div className="banner warn" role="status">
        <strong>Waiting for you</strong>
        <p>The connection needs an answer (host key, password or code) in the dialog.</p>
      </div>
    );
  }
  if (state.status === 'unreachable' || state.status === 'needs-auth') {
    return (
      <div className={`banner ${state.status === 'needs-auth' ? 'warn' : 'bad'}`} role="alert" data-testid="host-error">
        <strong>{state.status === 'needs-auth' ? 'Authentication needed' : 'Host unreachable'}</strong>
        <p>
          {state.reason ?? 'No reason given.'}
          {state.errorCode && <span className="code"> ({state.errorCode})</span>}
        </p>
        {state.retryAt !== undefined && (
          <p className="muted">
            Reconnecting automatically: <RetryCountdown retryAt={state.retryAt} attempt={state.attempt} />
          </p>
        )}
      </div>
    );
  }
  if (state.status === 'connecting') {
    // Keeps the banner slot filled between retries, so the page doesn't jump as the state flips.
    return (
      <div className="banner" role="status">
        <strong>Connecting…</strong>
        <p>
          Opening SSH to <span className="mono">{targetText(host)}</span>
          {state.attempt !== undefined && state.attempt > 1 ? ` (attempt ${state.attempt})` : ''}.
        </p>
      </div>
    );
  }
  if (state.status === 'disconnected' && state.reason) {
    return (
      <div className="banner" role="status">
        <strong>Disconnected</strong>
        <p>{state.reason}</p>
      </div>
    );
  }
  return null;
}
