import { useMemo, useState } from 'react';
import { VM_METRICS, type TopRow } from '../../../shared/model/metrics';
import { useUi } from '../../app/ui-store';
import { formatMetric } from '../../i18n/format';

export const TOP_COLUMNS: { metric: string; label: string }[] = [
  { metric: 'cpu', label: 'CPU' },
  { metric: 'mem', label: 'Memory' },
  { metric: 'diskRd', label: 'Disk read' },
  { metric: 'diskWr', label: 'Disk write' },
  { metric: 'netRx', label: 'Net rx' },
  { metric: 'netTx', label: 'Net tx' },
];

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
  if (!rows.length) return <p className="muted small" data-testid={`${testId}-empty`}>No running virtual machines reported yet (values arrive within 10 s).</p>;
  return (
    <table className="mx-table" data-testid={testId}>
      <thead>
        <tr>
          <th>Virtual machine</th>
          {showHost && <th>Host</th>}
          {th('cores', 'Cores')}
          {TOP_COLUMNS.map((c) => th(c.metric, c.label))}
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
            <td className="num">{coresUsed(r)?.toFixed(2) ?? '—'}</td>
            {TOP_COLUMNS.map((c) => (
              <td key={c.metric} className="num" data-metric={c.metric}>
                {formatMetric(c.metric, r.v[VM_METRICS.indexOf(c.metric as never)])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
