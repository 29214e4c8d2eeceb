import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { HostKeyProblem } from '../../../shared/model/host';
import { removeKeyCommand } from './host-key';

/**
 * A changed or revoked host key, laid out from the core's fields: which hop,
 * the key offered now, the one on record and where it is written. There is
 * deliberately no "accept" here (VirtDeck never replaces a key it was told to
 * trust); the fix is the user's own, in their terminal.
 */
export function HostKeyRefusal({ k }: { k: HostKeyProblem }) {
  const { t } = useTranslation('hosts');
  const [copied, setCopied] = useState(false);
  const where = `${k.hostname}${k.port === 22 ? '' : `:${k.port}`}`;
  const changed = k.kind === 'changed';
  const cmd = removeKeyCommand(k);
  return (
    <div className="banner bad key-refusal" role="alert" data-testid="host-key-mismatch">
      <strong>{changed ? t('key.changed') : t('key.revoked')}</strong>
      <p>
        {changed ? (
          <>
            <Trans t={t} i18nKey="key.changedBody" values={{ where: `${where}${k.role ? ` (${k.role})` : ''}`, type: k.keyType }} components={{ m: <span className="mono" /> }} />
          </>
        ) : (
          <>
            <Trans t={t} i18nKey="key.revokedBody" values={{ where: `${where}${k.role ? ` (${k.role})` : ''}` }} components={{ m: <span className="mono" />, code: <code /> }} />
          </>
        )}
      </p>
      <dl className="kv" data-testid="host-key-facts">
        <dt>{t('key.host')}</dt>
        <dd className="mono" data-testid="host-key-host">
          {where}
          {k.role ? ` (${k.role})` : ''}
        </dd>
        <dt>{t('key.type')}</dt>
        <dd className="mono">{k.keyType}</dd>
        <Fingerprint label={t('key.offered')} value={k.offered} testId="host-key-offered" />
        {k.expected && <Fingerprint label={t('key.onRecord')} value={k.expected} testId="host-key-expected" />}
        <dt>{changed ? t('key.recordedIn') : t('key.revokedIn')}</dt>
        <dd className="mono" data-testid="host-key-where">
          {t('key.fileLine', { file: k.file, line: k.line })}
        </dd>
      </dl>
      {changed ? (
        <>
          <p className="muted">{t('key.confirmFirst')}</p>
          <div className="fix">
            <code data-testid="host-key-fix">{cmd}</code>
            <button
              type="button"
              className="ghost"
              onClick={() => void navigator.clipboard?.writeText(cmd).then(() => setCopied(true), () => setCopied(false))}
              data-testid="host-key-copy"
            >
              {copied ? t('key.copied') : t('key.copy')}
            </button>
          </div>
        </>
      ) : (
        <p className="muted">{t('key.needsNew')}</p>
      )}
    </div>
  );
}

function Fingerprint({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <code className="fingerprint" data-testid={testId}>
          {value}
        </code>
      </dd>
    </>
  );
}
