import type { MetricsService } from '../../metrics/service';
import type { Handlers } from '../registry';

type MetricsCalls = 'metrics.subscribe' | 'metrics.unsubscribe' | 'metrics.history' | 'metrics.latest' | 'metrics.exportCsv' | 'metrics.rules' | 'metrics.setRules' | 'metrics.alerts';

export function metricsHandlers(m: MetricsService): Pick<Handlers, MetricsCalls> {
  return {
    'metrics.subscribe': ({ targets }, ctx) => m.subscribe(ctx, targets),
    'metrics.unsubscribe': ({ subscriptionId }) => m.unsubscribe(subscriptionId),
    'metrics.history': ({ hostId, uuid, from, to, maxPoints }) => m.history(hostId, uuid, from, to, maxPoints),
    'metrics.latest': () => m.latest(),
    'metrics.exportCsv': ({ hostId, uuid, from, to }) => m.exportCsv(hostId, uuid, from, to),
    'metrics.rules': () => m.rules(),
    'metrics.setRules': ({ rules }) => m.setRules(rules),
    'metrics.alerts': () => m.activeAlerts(),
  };
}
