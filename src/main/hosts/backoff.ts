// Reconnect schedule: 1 s doubling to a 60 s ceiling. Jitter (±20%) keeps a
// fleet of hosts that dropped together (workstation sleep, VPN flap) from
// redialling in lockstep.
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;
export const BACKOFF_JITTER = 0.2;

/** Delay before retry number `attempt` (1 = first retry after a failure). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(n - 1, 30));
  const jittered = base * (1 - BACKOFF_JITTER + 2 * BACKOFF_JITTER * random());
  return Math.round(Math.min(BACKOFF_MAX_MS, jittered));
}
