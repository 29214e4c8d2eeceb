import { useEffect } from 'react';
import type { MetricTarget } from '../../../shared/model/metrics';
import { api } from '../../app/api';

/**
 * Subscribes this window to series while the component is mounted. The core
 * samples watched VMs every second only while someone subscribes; it also
 * drops the subscription if the window goes away without unmounting.
 */
export function useLiveMetrics(targets: MetricTarget[]): void {
  const key = JSON.stringify(targets);
  useEffect(() => {
    const list = JSON.parse(key) as MetricTarget[];
    if (!list.length) return;
    const ids = new Set<string>();
    let gone = false;
    const unsubscribe = (subscriptionId: string) => void api.call('metrics.unsubscribe', { subscriptionId });
    const subscribe = () =>
      void api.call('metrics.subscribe', { targets: list }).then((r) => {
        if (!r.ok) return;
        if (gone) return unsubscribe(r.value.subscriptionId);
        // A re-subscribe after reconnect replaces what the old link held.
        ids.forEach(unsubscribe);
        ids.clear();
        ids.add(r.value.subscriptionId);
      });
    subscribe();
    // A new core connection (serve restarted, socket dropped) lost our subscription.
    const off = api.onLink((s) => {
      if (s === 'open') subscribe();
    });
    return () => {
      gone = true;
      off();
      ids.forEach(unsubscribe);
    };
  }, [key]);
}
