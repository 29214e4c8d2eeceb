import { z } from 'zod';
import { call, event } from '../define';
import { HostIdSchema } from '../../model/host';
import { UuidSchema } from '../../model/domain';
import { ActiveAlertSchema, AlertRuleSchema, HistorySchema, MetricTargetSchema, SampledSchema, TopRowSchema } from '../../model/metrics';

/** A series: a host's totals (no uuid) or one VM. */
const seriesRef = z.object({ hostId: HostIdSchema, uuid: UuidSchema.optional() });
const window = seriesRef.extend({
  /** Unix ms, inclusive. */
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
});

export const metricsCalls = {
  'metrics.subscribe': call(
    z.object({ targets: z.array(MetricTargetSchema).min(1).max(1000) }).strict(),
    z.object({ subscriptionId: z.string() }),
    'Pushes `metrics.sampled` for these series to this window until unsubscribed or closed; watched VMs are sampled every second.',
  ),
  'metrics.unsubscribe': call(z.object({ subscriptionId: z.string().max(64) }).strict(), z.object({ removed: z.boolean() }), 'Ends a subscription.'),
  'metrics.history': call(
    window.extend({ maxPoints: z.number().int().min(10).max(5000).default(600) }).strict(),
    HistorySchema,
    'Stored history of a series (1 s points for the last hour, 1 min points for 7 days), averaged down to maxPoints.',
  ),
  'metrics.latest': call(z.object({}).strict(), z.array(TopRowSchema), 'The newest values of every running VM on every host (top consumers).'),
  'metrics.exportCsv': call(window.strict(), z.object({ filename: z.string(), csv: z.string() }), 'A chart window as CSV text.'),
  'metrics.rules': call(z.object({}).strict(), z.array(AlertRuleSchema), 'Threshold alert rules.'),
  'metrics.setRules': call(z.object({ rules: z.array(AlertRuleSchema).max(200) }).strict(), z.array(AlertRuleSchema), 'Replaces the alert rules.'),
  'metrics.alerts': call(z.object({}).strict(), z.array(ActiveAlertSchema), 'Alerts firing now.'),
};

export const metricsEvents = {
  'metrics.sampled': event(SampledSchema, 'New values of the series this window subscribed to (sent to that window only).'),
  'metrics.alertsChanged': event(z.array(ActiveAlertSchema), 'The set of firing alerts changed.'),
};
