import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VM_METRICS, type TopRow } from '../../../shared/model/metrics';
import { useUi } from '../../app/ui-store';
import { formatMetric, formatNumber } from '../../i18n/format';

export const TOP_COLUMNS = ['cpu', 'mem', 'diskRd', 'diskWr', 'netRx', 'netTx'] as const;

/** Cores in use: the CPU percent is of the VM's own vCPUs, so 50 % of 8 vCPUs outranks 90 % of 1. */
export const coresUsed = (r: TopRow): number | null => {
  const cpu = r.v[VM_METRICS.indexOf('cpu')];
  return cpu === null || cpu === undefined ? null : (cpu / 100) * (r.vcpus ?? 1);
};

export function sortRows(rows: readonly TopRow[], metric: string): TopRow[] {
  const i = VM_METRICS.indexOf(metric as never);
  const key = (r: TopRow) => (metric === 'cores' ? coresUsed(r) : (r.v[i] ?? null)) ?? -Infinity;
  return [...rows].sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));
}

export function TopTable({ rows, showHost, limit, testId }: { rows: readonly TopRow[]; showHost: boolean; limit?: number; testId: string }) {
  const { t } = useTranslation('metrics');
  const [sortBy, setSortBy] = useState('cpu');
  const select = useUi((s) => s.select);
  const sorted = useMemo(() => sortRows(rows, sortBy).slice(0, limit ?? rows.length), [rows, sortBy, limit]);
  const th = (metric: string, label: string) => (
    <th key={metric} aria-sort={sortBy === metric ? 'descending' : 'none'}>
      <button type="button" className={`mx-sort ${sortBy === metric ? 'on' : ''}`} onClick={() => setSortBy(metric)} data-testid={`${testId}-sort-${metric}`}>
        {label}
        {sortBy === metric ? ' ▼' : ''}
      </button>
    </th>
  );
  if (!rows.length) return <p className="muted small" data-testid={`${testId}-empty`}>{t('top.empty')}</p>;
  return (
    <table className="mx-table" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('top.vm')}</th>
          {showHost && <th>{t('top.host')}</th>}
          {th('cores', t('top.cores'))}
          {TOP_COLUMNS.map((c) => th(c, t(`col.${c}`)))}
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={`${r.hostId}/${r.uuid}`} data-testid={`${testId}-row`} data-name={r.name}>
            <td>
              <button type="button" className="link" onClick={() => select({ kind: 'domain', hostId: r.hostId, uuid: r.uuid })}>
                {r.name}
              </button>
            </td>
            {showHost && <td className="muted">{r.hostId}</td>}
            <td className="num">{((c) => (c === null ? '—' : formatNumber(c, 2)))(coresUsed(r))}</td>
            {TOP_COLUMNS.map((c) => (
              <td key={c} className="num" data-metric={c}>
                {formatMetric(c, r.v[VM_METRICS.indexOf(c)])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
