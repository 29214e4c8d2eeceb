import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HOST_METRICS } from '../../../shared/model/metrics';
import { useNow } from '../../ui/useNow';
import { MetricChart, type ChartLine } from './MetricChart';
import { freshRows, useMetricsStore } from './store';
import { TopTable } from './TopTable';
import { useLiveMetrics } from './useLiveMetrics';
import { useSeriesRows } from './useSeriesRows';
import { WindowPicker } from './WindowPicker';
import './metrics.css';

const CPU: ChartLine[] = [{ metric: 'cpu', label: 'busy', color: 'var(--mx-1)' }, { metric: 'iowait', label: 'iowait', color: 'var(--mx-4)' }];
const MEM: ChartLine[] = [{ metric: 'mem', label: 'used', color: 'var(--mx-1)' }, { metric: 'memCache', label: 'cache', color: 'var(--mx-3)' }, { metric: 'memTotal', label: 'total', color: 'var(--mx-2)' }];
const LOAD: ChartLine[] = [{ metric: 'load1', label: 'min1', color: 'var(--mx-1)' }, { metric: 'load5', label: 'min5', color: 'var(--mx-2)' }, { metric: 'load15', label: 'min15', color: 'var(--mx-3)' }];

/** A host's totals plus its hungriest VMs (all VMs at the background rate, the host every second). */
export function HostDashboard({ hostId }: { hostId: string }) {
  const { t } = useTranslation('metrics');
  const [windowId, setWindowId] = useState('5m');
  useLiveMetrics([{ kind: 'host', hostId }, { kind: 'all' }]);
  const { rows, from, to } = useSeriesRows(hostId, undefined, windowId, HOST_METRICS);
  const latest = useMetricsStore((s) => s.latest);
  const now = useNow(true, 5000);
  const vms = useMemo(() => freshRows(latest, now, 30_000).filter((r) => r.hostId === hostId), [latest, now, hostId]);
  return (
    <section className="mx section" data-testid="host-dashboard" aria-labelledby="host-metrics-h">
      <h2 id="host-metrics-h">{t('title')}</h2>
      <div className="mx-bar">
        <WindowPicker value={windowId} onChange={setWindowId} />
      </div>
      <div className="mx-grid">
        <MetricChart testId="host-chart-cpu" title={t('chart.cpu')} unit="percent" max={100} lines={CPU} rows={rows} from={from} to={to} />
        <MetricChart testId="host-chart-mem" title={t('chart.mem')} unit="bytes" lines={MEM} rows={rows} from={from} to={to} />
        <MetricChart testId="host-chart-load" title={t('chart.load')} unit="load" lines={LOAD} rows={rows} from={from} to={to} />
      </div>
      <h2>{t('topOnHost')}</h2>
      <TopTable rows={vms} showHost={false} limit={10} testId="host-top" />
    </section>
  );
}
