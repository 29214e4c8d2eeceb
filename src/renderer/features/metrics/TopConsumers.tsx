import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useNow } from '../../ui/useNow';
import { AlertsPanel } from './AlertsPanel';
import { useLatest } from './queries';
import { freshRows, useMetricsStore } from './store';
import { TopTable } from './TopTable';
import { useLiveMetrics } from './useLiveMetrics';
import './metrics.css';

/** Every running VM on every host, sortable by each metric. Updates at the background rate (10 s). */
export function TopConsumers() {
  const { t } = useTranslation('metrics');
  useLiveMetrics([{ kind: 'all' }]);
  const seed = useLatest();
  const seedLatest = useMetricsStore((s) => s.seedLatest);
  useEffect(() => {
    if (seed.data) seedLatest(seed.data);
  }, [seed.data, seedLatest]);
  const latest = useMetricsStore((s) => s.latest);
  const now = useNow(true, 5000);
  const rows = useMemo(() => freshRows(latest, now, 30_000), [latest, now]);
  return (
    <section className="mx page" data-testid="top-consumers" aria-label={t('top.title')}>
      <header className="page-head">
        <div className="page-title">
          <h1>{t('top.title')}</h1>
        </div>
        <div className="page-sub">{t('top.sub')}</div>
      </header>
      <AlertsPanel />
      <TopTable rows={rows} showHost testId="top" />
    </section>
  );
}
