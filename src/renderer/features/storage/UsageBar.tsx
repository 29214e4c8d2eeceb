import { formatBytes } from '../../../shared/libvirt/units';

/** Allocation of capacity as a bar, with free space in words; amber past 85 %, red past 95 %. */
export function UsageBar({ used, total, free, label }: { used: number; total: number; free?: number; label: string }) {
  const f = total > 0 ? Math.min(1, used / total) : 0;
  const level = f > 0.95 ? 'bad' : f > 0.85 ? 'warn' : 'ok';
  return (
    <div className="usage">
      <div className={`usage-bar ${level}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={used} aria-valuetext={`${formatBytes(used)} of ${formatBytes(total)} used`}>
        <div className="usage-fill" style={{ width: `${(f * 100).toFixed(1)}%` }} />
      </div>
      <div className="usage-text small">
        <span>
          {formatBytes(used)} of {formatBytes(total)}
        </span>
        {free !== undefined && <span className={level === 'ok' ? 'muted' : `${level}-text`}>{formatBytes(free)} free</span>}
      </div>
    </div>
  );
}
