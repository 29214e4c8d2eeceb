import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VM_METRICS } from '../../../shared/model/metrics';
import { ApiError } from '../../app/api';
import { useNotifications } from '../notifications/store';
import { MetricChart, type ChartLine } from './MetricChart';
import { downloadCsv } from './queries';
import { useLiveMetrics } from './useLiveMetrics';
import { useSeriesRows } from './useSeriesRows';
import { WindowPicker } from './WindowPicker';
import './metrics.css';

const CHARTS: { id: 'cpu' | 'mem' | 'disk' | 'net'; unit: 'percent' | 'bytes' | 'bytesPerSec'; max?: number; lines: ChartLine[] }[] = [
  { id: 'cpu', unit: 'percent', max: 100, lines: [{ metric: 'cpu', label: 'total', color: 'var(--mx-1)' }, { metric: 'vcpu', label: 'vCPUs', color: 'var(--mx-2)' }] },
  { id: 'mem', unit: 'bytes', lines: [{ metric: 'mem', label: 'used', color: 'var(--mx-1)' }, { metric: 'memRss', label: 'rss', color: 'var(--mx-2)' }, { metric: 'memCache', label: 'cache', color: 'var(--mx-3)' }] },
  { id: 'disk', unit: 'bytesPerSec', lines: [{ metric: 'diskRd', label: 'read', color: 'var(--mx-1)' }, { metric: 'diskWr', label: 'write', color: 'var(--mx-4)' }] },
  { id: 'net', unit: 'bytesPerSec', lines: [{ metric: 'netRx', label: 'rx', color: 'var(--mx-1)' }, { metric: 'netTx', label: 'tx', color: 'var(--mx-4)' }] },
];

/** Live and historical charts of one VM; mounting it makes the core sample this VM every second. */
export function VmMetrics({ hostId, uuid }: { hostId: string; uuid: string }) {
  const { t } = useTranslation('metrics');
  const [windowId, setWindowId] = useState('5m');
  useLiveMetrics([{ kind: 'vm', hostId, uuid }]);
  const { rows, from, to, history } = useSeriesRows(hostId, uuid, windowId, VM_METRICS);
  const notify = useNotifications((s) => s.push);
  const exportCsv = () =>
    downloadCsv(hostId, uuid, from, to).then(
      (name) => notify({ level: 'success', title: t('csv.exported'), message: name }),
      (e: unknown) => notify({ level: 'error', title: t('csv.failed'), message: e instanceof ApiError ? e.message : String(e) }),
    );
  return (
    <section className="mx section" data-testid="vm-metrics" aria-labelledby="vm-metrics-h">
      <h2 id="vm-metrics-h">{t('title')}</h2>
      <div className="mx-bar">
        <WindowPicker value={windowId} onChange={setWindowId} />
        <button type="button" className="btn" onClick={() => void exportCsv()} data-testid="metrics-export-csv">
          {t('csv.export')}
        </button>
        {history.error && <span className="mx-error">{t('historyUnavailable', { message: history.error.message })}</span>}
      </div>
      <div className="mx-grid">
        {CHARTS.map((c) => (
          <MetricChart key={c.id} testId={`chart-${c.id}`} title={t(`chart.${c.id}`)} unit={c.unit} max={c.max} lines={c.lines} rows={rows} from={from} to={to} />
        ))}
      </div>
    </section>
  );
}
