import type { ApplyResult } from '../../../shared/model/vm-settings';
import { useTranslation } from 'react-i18next';


/** What a change did, in the three kinds the issue asks for, plus any refusal in words. */
export function ApplyOutcome({ result, error }: { result?: ApplyResult; error?: unknown }) {
  const { t } = useTranslation('settings');
  if (error) return <p className="apply-error" role="alert" data-testid="apply-error">{error instanceof Error ? error.message : String(error)}</p>;
  if (!result) return null;
  if (result.applied === 'nothing') return <p className="muted small" data-testid="apply-outcome">{t('nothingChanged')}</p>;
  return (
    <div className="apply-outcome" data-testid="apply-outcome" role="status">
      <ul>
        {result.changes.map((c, i) => (
          <li key={i} className={`when-${c.when}`}>
            <span className="when">{t(`when.${c.when}`)}</span> {c.what}
          </li>
        ))}
      </ul>
      {result.warnings.map((w, i) => (
        <p key={i} className="apply-warning">
          {w}
        </p>
      ))}
    </div>
  );
}

/** "Pending until restart": what the definition holds that the running VM does not have yet. */
export function Pending({ lines }: { lines: string[] }) {
  const { t } = useTranslation('settings');
  if (!lines.length) return null;
  return (
    <div className="pending" data-testid="pending">
      <span className="badge s-shutdown">{t('pendingRestart')}</span>
      <ul>
        {lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
    </div>
  );
}
