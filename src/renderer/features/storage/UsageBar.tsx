import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../i18n/format';

/** Allocation of capacity as a bar, with free space in words; amber past 85 %, red past 95 %. */
export function UsageBar({ used, total, free, label }: { used: number; total: number; free?: number; label: string }) {
  const { t } = useTranslation('storage');
  const f = total > 0 ? Math.min(1, used / total) : 0;
  const level = f > 0.95 ? 'bad' : f > 0.85 ? 'warn' : 'ok';
  return (
    <div className="usage">
      <div className={`usage-bar ${level}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={used} aria-valuetext={t('usedOf', { used: formatBytes(used), total: formatBytes(total) })}>
        <div className="usage-fill" style={{ width: `${(f * 100).toFixed(1)}%` }} />
      </div>
      <div className="usage-text small">
        <span>
          {t('of', { used: formatBytes(used), total: formatBytes(total) })}
        </span>
        {free !== undefined && <span className={level === 'ok' ? 'muted' : `${level}-text`}>{t('free', { size: formatBytes(free) })}</span>}
      </div>
    </div>
  );
}
