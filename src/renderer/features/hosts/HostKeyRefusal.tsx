import { useState } from 'react';
import type { HostKeyProblem } from '../../../shared/model/host';
import { removeKeyCommand } from './host-key';

/**
 * A changed or revoked host key, laid out from the core's fields: which hop,
 * the key offered now, the one on record and where it is written. There is
 * deliberately no "accept" here (VirtDeck never replaces a key it was told to
 * trust); the fix is the user's own, in their terminal.
 */
export function HostKeyRefusal({ k }: { k: HostKeyProblem }) {
  const [copied, setCopied] = useState(false);
  const where = `${k.hostname}${k.port === 22 ? '' : `:${k.port}`}`;
  const changed = k.kind === 'changed';
  const cmd = removeKeyCommand(k);
  return (
    <div className="banner bad key-refusal" role="alert" data-testid="host-key-mismatch">
      <strong>{changed ? 'Host key changed' : 'Host key revoked'}: connection refused</strong>
      <p>
        {changed ? (
          <>
            <span className="mono">{where}</span>
            {k.role ? ` (${k.role})` : ''} offered a different {k.keyType} key than the one on record. Someone may be intercepting the connection,
            or the host was reinstalled.
          </>
        ) : (
          <>
            <span className="mono">{where}</span>
            {k.role ? ` (${k.role})` : ''} offered a key that your known_hosts marks <code>@revoked</code>. VirtDeck will not connect with it.
          </>
        )}
      </p>
      <dl className="kv" data-testid="host-key-facts">
        <dt>Host</dt>
        <dd className="mono" data-testid="host-key-host">
          {where}
          {k.role ? ` (${k.role})` : ''}
        </dd>
        <dt>Key type</dt>
        <dd className="mono">{k.keyType}</dd>
        <Fingerprint label="Offered now" value={k.offered} testId="host-key-offered" />
        {k.expected && <Fingerprint label="On record" value={k.expected} testId="host-key-expected" />}
        <dt>{changed ? 'Recorded in' : 'Revoked in'}</dt>
        <dd className="mono" data-testid="host-key-where">
          {k.file}, line {k.line}
        </dd>
      </dl>
      {changed ? (
        <>
          <p className="muted">Confirm the new fingerprint with the host’s admin first. If it is right, remove the old entry and connect again:</p>
          <div className="fix">
            <code data-testid="host-key-fix">{cmd}</code>
            <button
              type="button"
              className="ghost"
              onClick={() => void navigator.clipboard?.writeText(cmd).then(() => setCopied(true), () => setCopied(false))}
              data-testid="host-key-copy"
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </>
      ) : (
        <p className="muted">The host needs a new key; ask its admin. Do not remove the @revoked line to get in.</p>
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
