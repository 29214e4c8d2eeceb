// Chart time windows. Up to an hour the 1 s tier answers and live samples
// extend the chart every second; beyond, minute rows refresh once a minute.
export interface TimeWindow {
  id: string;
  label: string;
  spanMs: number;
  /** Points asked from the core (it averages down to this many). */
  maxPoints: number;
  live: boolean;
}

export const WINDOWS: TimeWindow[] = [
  { id: '5m', label: '5 min', spanMs: 5 * 60_000, maxPoints: 300, live: true },
  { id: '15m', label: '15 min', spanMs: 15 * 60_000, maxPoints: 900, live: true },
  { id: '1h', label: '1 hour', spanMs: 3_600_000, maxPoints: 900, live: true },
  { id: '6h', label: '6 hours', spanMs: 6 * 3_600_000, maxPoints: 360, live: false },
  { id: '24h', label: '24 hours', spanMs: 86_400_000, maxPoints: 720, live: false },
  { id: '7d', label: '7 days', spanMs: 7 * 86_400_000, maxPoints: 1008, live: false },
];

export const windowById = (id: string): TimeWindow => WINDOWS.find((w) => w.id === id) ?? WINDOWS[0]!;
