import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricUnit } from '../../../shared/model/metrics';
import { formatDateTime, formatTick, formatValue } from '../../i18n/format';
import type en from '../../i18n/locales/en/metrics';
import { lastValue, type ChartRow } from './merge';

/** A line's legend word, a key of the metrics namespace's `line` group. */
export type LineLabel = keyof (typeof en)['line'];

export interface ChartLine {
  metric: string;
  label: LineLabel;
  color: string;
}

interface Props {
  title: string;
  unit: MetricUnit;
  rows: ChartRow[];
  lines: ChartLine[];
  from: number;
  to: number;
  testId: string;
  /** Fixed upper bound (e.g. 100 for percent); otherwise fitted to the data. */
  max?: number;
}

/** One chart card: the newest value of each line above a recharts line chart. */
export const MetricChart = memo(function MetricChart({ title, unit, rows, lines, from, to, testId, max }: Props) {
  const { t } = useTranslation('metrics');
  const span = to - from;
  // Explicit ticks: recharts' own for a numeric time axis bunch at the data's end on a fresh window.
  const ticks = Array.from({ length: 6 }, (_, i) => Math.round(from + (i * span) / 5));
  return (
    <figure className="mx-card" data-testid={testId} aria-label={title}>
      <figcaption className="mx-card-head">
        <span className="mx-card-title">{title}</span>
        <span className="mx-readouts">
          {lines.map((l) => (
            <span key={l.metric} className="mx-readout" data-testid={`${testId}-${l.metric}`} data-value={lastValue(rows, l.metric) ?? ''}>
              <i style={{ background: l.color }} aria-hidden />
              {t(`line.${l.label}`)} <b>{formatValue(lastValue(rows, l.metric), unit)}</b>
            </span>
          ))}
        </span>
      </figcaption>
      <div className="mx-plot">
        {rows.length === 0 ? (
          <div className="mx-empty">{t('noSamples')}</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="t" type="number" scale="time" domain={[from, to]} ticks={ticks} allowDataOverflow tickFormatter={(t: number) => formatTick(t, span)} stroke="var(--muted)" fontSize={11} minTickGap={40} />
              <YAxis
                domain={[0, max ?? 'auto']}
                allowDataOverflow={false}
                tickFormatter={(v: number) => formatValue(v, unit)}
                stroke="var(--muted)"
                fontSize={11}
                width={72}
              />
              <Tooltip
                isAnimationActive={false}
                labelFormatter={(x) => formatDateTime(Number(x))}
                formatter={(v, name) => [formatValue(typeof v === 'number' ? v : null, unit), ((l) => (l ? t(`line.${l.label}`) : String(name)))(lines.find((l) => l.metric === name))]}
                contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 12 }}
              />
              {lines.map((l) => (
                <Line key={l.metric} dataKey={l.metric} stroke={l.color} dot={false} strokeWidth={1.6} isAnimationActive={false} connectNulls={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
});
