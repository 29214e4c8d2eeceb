import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Prompt } from '../../../shared/model/host';
import { request } from '../../app/api';
import { useQueryClient } from '@tanstack/react-query';
import { formatNumber } from '../../i18n/format';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { hostKeys, useHosts, usePrompts } from './queries';
import { useSources } from '../p2v/queries';
import { removePrompt } from './reducers';
import './hosts.css';

/**
 * Connections that wait for the user (host key, password, 2FA) queue here;
 * one dialog at a time, oldest first. Closing it rejects the prompt, which
 * cancels that connection attempt: nothing hangs half-answered.
 */
export function PromptDialog() {
  const prompts = usePrompts();
  const first = prompts.data?.[0];
  if (!first) return null;
  // Keyed by id: a fresh prompt gets fresh fields.
  return <PromptForm key={first.id} prompt={first} queued={(prompts.data?.length ?? 1) - 1} />;
}

function PromptForm({ prompt, queued }: { prompt: Prompt; queued: number }) {
  const { t } = useTranslation('hosts');
  const qc = useQueryClient();
  const hosts = useHosts();
  const host = hosts.data?.find((h) => h.config.id === prompt.hostId);
  // P2V source machines ask through the same prompts.
  const sources = useSources();
  const hostName = host?.config.name ?? sources.data?.find((s) => s.config.id === prompt.hostId)?.config.name ?? prompt.hostId;
  const fieldCount = prompt.kind === 'keyboard-interactive' ? prompt.fields.length : prompt.kind === 'host-key' ? 0 : 1;
  const [answers, setAnswers] = useState<string[]>(() => Array.from({ length: fieldCount }, () => ''));
  // Unticked by default: a password is kept after this connection only when the user asks.
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const answer = async (accept: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await request('hosts.answerPrompt', { promptId: prompt.id, accept, answers: accept ? answers : [], remember: accept && remember });
      // host.promptResolved follows; drop it now so the next prompt shows at once.
      qc.setQueryData<Prompt[]>(hostKeys.prompts(), (old) => removePrompt(old, prompt.id));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  const isKey = prompt.kind === 'host-key';
  const title = isKey ? t('prompt.unknownKey') : prompt.kind === 'keyboard-interactive' ? t('prompt.verification', { name: hostName }) : prompt.kind === 'passphrase' ? t('prompt.passphraseTitle') : t('prompt.passwordTitle', { name: hostName });

  return (
    <Modal
      title={title}
      onClose={() => void answer(false)}
      busy={busy}
      role={isKey ? 'alertdialog' : 'dialog'}
      testId="prompt-dialog"
      footer={
        <>
          {queued > 0 && <span className="foot-note muted">{t('prompt.moreWaiting', { count: queued, n: formatNumber(queued) })}</span>}
          <button type="button" className="ghost" onClick={() => void answer(false)} disabled={busy} data-testid="prompt-reject" data-autofocus={isKey ? true : undefined}>
            {isKey ? t('prompt.reject') : t('prompt.cancel')}
          </button>
          <button type="submit" form="prompt-form" disabled={busy} data-testid="prompt-accept">
            {busy && <Spinner />}
            {isKey ? t('prompt.accept') : t('prompt.continue')}
          </button>
        </>
      }
    >
      <form
        id="prompt-form"
        className="prompt-form"
        onSubmit={(e) => {
          e.preventDefault();
          void answer(true);
        }}
      >
        {prompt.kind === 'host-key' ? (
          <>
            <p>
              <Trans t={t} i18nKey="prompt.authenticity" values={{ where: `${prompt.hostname}${prompt.port !== 22 ? `:${prompt.port}` : ''}`, name: hostName }} components={{ b: <strong /> }} />
            </p>
            <dl className="kv key-facts">
              <dt>{t('prompt.keyType')}</dt>
              <dd className="mono">{prompt.keyType}</dd>
              <dt>{t('prompt.fingerprint')}</dt>
              <dd>
                <code className="fingerprint" data-testid="prompt-fingerprint">
                  {prompt.fingerprint}
                </code>
              </dd>
            </dl>
            {prompt.message && <p className="muted">{prompt.message}</p>}
            <p className="muted small">{t('prompt.compare', { cmd: 'ssh-keygen -lf' })}</p>
          </>
        ) : (
          <>
            <p>{prompt.message || (prompt.kind === 'passphrase' ? t('prompt.enterPassphrase') : t('prompt.enterPassword', { name: hostName }))}</p>
            {(prompt.kind === 'keyboard-interactive' ? prompt.fields : [{ prompt: prompt.kind === 'passphrase' ? t('prompt.passphrase') : t('prompt.password'), echo: false }]).map((f, i) => (
              <div className="field" key={i}>
                <label htmlFor={`prompt-field-${i}`}>{f.prompt.replace(/:\s*$/, '')}</label>
                <input
                  id={`prompt-field-${i}`}
                  type={f.echo ? 'text' : 'password'}
                  value={answers[i] ?? ''}
                  onChange={(e) => setAnswers((a) => a.map((v, j) => (j === i ? e.target.value : v)))}
                  autoComplete={f.echo ? 'one-time-code' : 'current-password'}
                  data-autofocus={i === 0 ? true : undefined}
                  data-testid={`prompt-field-${i}`}
                />
              </div>
            ))}
            {prompt.kind !== 'keyboard-interactive' && prompt.remember && (
              <div className="prompt-remember">
                <label>
                  <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="prompt-remember" /> {prompt.kind === 'passphrase' ? t('prompt.rememberPassphrase') : t('prompt.rememberPassword')}
                </label>
                <span className="field-hint" data-testid="prompt-remember-note">
                  {prompt.remember.note}
                </span>
              </div>
            )}
          </>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </form>
    </Modal>
  );
}
