import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, request } from '../../app/api';
import { useDomainSummary } from '../domains/queries';

export type Tone = 'info' | 'ok' | 'warn' | 'bad';
export interface StatusAction {
  label: string;
  onClick(): void;
  testId?: string;
}
/** What the console says about its link; `phase` is for tests to wait on. */
export interface ConsoleStatusInfo {
  phase: 'connecting' | 'open' | 'reconnecting' | 'guest-off' | 'busy' | 'taken-over' | 'auth' | 'failed' | 'closed';
  tone: Tone;
  text: string;
  actions?: StatusAction[];
}

export function ConsoleStatus({ status, children }: { status: ConsoleStatusInfo; children?: ReactNode }) {
  return (
    <div className={`console-status tone-${status.tone}`} data-testid="console-status" data-phase={status.phase} role={status.tone === 'bad' ? 'alert' : 'status'}>
      <span className="console-status-text">{status.text}</span>
      {children}
      {status.actions?.map((a) => (
        <button key={a.label} type="button" className="small" onClick={a.onClick} data-testid={a.testId}>
          {a.label}
        </button>
      ))}
    </div>
  );
}

/**
 * Reconnect pacing: `now()` bumps the key a console connects on, `later()`
 * does so after a growing delay (0.5 s doubling to 5 s), `opened()` resets it.
 */
export function useReconnect() {
  const [key, setKey] = useState(0);
  const attempts = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const now = useCallback(() => {
    clearTimeout(timer.current);
    setKey((k) => k + 1);
  }, []);
  const later = useCallback(() => {
    clearTimeout(timer.current);
    const delay = Math.min(500 * 2 ** attempts.current++, 5000);
    timer.current = setTimeout(() => setKey((k) => k + 1), delay);
  }, []);
  const opened = useCallback(() => {
    attempts.current = 0;
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  return { key, now, later, opened };
}

/**
 * The guest's live state (pushed by `domain.changed`); calls `onRunning` on
 * every transition into a running state, so a console waiting for the guest
 * reconnects by itself after a start or a reset.
 */
export function useGuestRunning(hostId: string, uuid: string, onRunning: () => void): { state: string | undefined; running: boolean | undefined; name: string | undefined } {
  const { summary } = useDomainSummary(hostId, uuid, true);
  const state = summary?.state;
  const running = state === undefined ? undefined : !['shutoff', 'crashed', 'nostate'].includes(state);
  const prev = useRef(running);
  const cb = useRef(onRunning);
  cb.current = onRunning;
  useEffect(() => {
    if (running && prev.current === false) cb.current();
    prev.current = running;
  }, [running]);
  return { state, running, name: summary?.name };
}

export async function startGuest(hostId: string, uuid: string): Promise<void> {
  const [r] = await request('domains.lifecycle', { hostId, uuids: [uuid], action: 'start' });
  if (r && !r.ok) throw new ApiError(r.error);
}

export const isBusy = (e: unknown) => e instanceof ApiError && e.code === 'CONFLICT' && (e.error.detail as { busy?: boolean } | undefined)?.busy === true;
export const isOff = (e: unknown) => e instanceof ApiError && e.code === 'CONFLICT' && (e.error.detail as { off?: boolean } | undefined)?.off === true;
export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
