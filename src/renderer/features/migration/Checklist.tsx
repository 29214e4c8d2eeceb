import { useTranslation } from 'react-i18next';
import type { PreflightCheck } from '../../../shared/model/migration';
import { formatNumber } from '../../i18n/format';
import { VERDICT_ICON } from './format';

/** The preflight as a checklist: a verdict per line, details folded under it. */
export function Checklist({ checks, stale }: { checks: PreflightCheck[]; stale?: boolean }) {
  const { t } = useTranslation('common');
  return (
    <ul className={`checklist${stale ? ' stale' : ''}`} data-testid="preflight-checklist" aria-busy={stale}>
      {checks.map((c) => (
        <li key={c.id} className={`check v-${c.verdict}`} data-testid={`check-${c.id}`} data-verdict={c.verdict}>
          <span className="check-icon" aria-label={c.verdict}>
            {VERDICT_ICON[c.verdict]}
          </span>
          <span className="check-label">{c.label}</span>
          <span className="check-msg">{c.message}</span>
          {c.details.length > 0 && (
            <details className="check-details">
              <summary>{t('detailCount', { count: c.details.length, n: formatNumber(c.details.length) })}</summary>
              <ul>
                {c.details.map((d, i) => (
                  <li key={i} className="mono small">
                    {d}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}
