// Chart time windows. Up to an hour the 1 s tier answers and live samples
// extend the chart every second; beyond, minute rows refresh once a minute.
export interface TimeWindow {
  id: '5m' | '15m' | '1h' | '6h' | '24h' | '7d';
  spanMs: number;
  /** Points asked from the core (it averages down to this many). */
  maxPoints: number;
  live: boolean;
}

export const WINDOWS: TimeWindow[] = [
  { id: '5m', spanMs: 5 * 60_000, maxPoints: 300, live: true },
  { id: '15m', spanMs: 15 * 60_000, maxPoints: 900, live: true },
  { id: '1h', spanMs: 3_600_000, maxPoints: 900, live: true },
  { id: '6h', spanMs: 6 * 3_600_000, maxPoints: 360, live: false },
  { id: '24h', spanMs: 86_400_000, maxPoints: 720, live: false },
  { id: '7d', spanMs: 7 * 86_400_000, maxPoints: 1008, live: false },
];

export const windowById = (id: string): TimeWindow => WINDOWS.find((w) => w.id === id) ?? WINDOWS[0]!;
