// Pure time math for the daily schedule (local time, so "02:30" means the
// machine's 02:30 across DST changes), unit-tested without timers.

/** The most recent HH:MM at or before `now` (local time). */
export function lastSlot(time: string, now: number): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const d = new Date(now);
  d.setHours(h, m, 0, 0);
  if (d.getTime() > now) d.setDate(d.getDate() - 1);
  return d.getTime();
}

/** The next HH:MM strictly after `now` (local time). */
export function nextSlot(time: string, now: number): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const d = new Date(now);
  d.setHours(h, m, 0, 0);
  if (d.getTime() <= now) d.setDate(d.getDate() + 1);
  return d.getTime();
}

/**
 * A run was missed when a slot passed while nothing ran: after the last run
 * and after the schedule was set (setting it at 10:00 for 03:00 does not make
 * today's 03:00 "missed").
 */
export function missedRun(time: string, now: number, since: number): boolean {
  return lastSlot(time, now) > since;
}
