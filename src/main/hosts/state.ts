import type { ErrorCode } from '../../shared/ipc/result';
import type { HostKeyProblem, HostState, HostStatus } from '../../shared/model/host';

// The host connection's state as a pure function of events, so every
// transition can be tested without sockets or timers:
//
//   disconnected --connect--> connecting --up--> connected
//        ^                      |  ^  \--prompt--> needs-auth --answered--> connecting
//        |                      |  |
//        +--disconnect-- (any)  |  +--retry-- unreachable <--failed/dropped--+
//
// `unreachable` carries a reason in words, the error code, and when a retry
// is scheduled, its time; failures that need a person (changed host key,
// refused credentials, a dismissed prompt) have no retry.

export type ConnEvent =
  | { type: 'connecting'; attempt: number }
  | { type: 'prompt' }
  | { type: 'answered' }
  | { type: 'up' }
  | { type: 'failed'; reason: string; code: ErrorCode; retryAt?: number; attempt: number; hostKey?: HostKeyProblem }
  | { type: 'disconnected' };

export function initialState(hostId: string, now: number): HostState {
  return { hostId, status: 'disconnected', since: now };
}

export function nextState(prev: HostState, ev: ConnEvent, now: number): HostState {
  const to = (status: HostStatus, extra: Partial<HostState> = {}): HostState => ({
    hostId: prev.hostId,
    status,
    since: status === prev.status ? prev.since : now,
    ...extra,
  });
  switch (ev.type) {
    case 'connecting':
      return to('connecting', { attempt: ev.attempt });
    case 'prompt':
      // Only an attempt in progress can be waiting on a person.
      return prev.status === 'connecting' || prev.status === 'needs-auth' ? to('needs-auth', pick(prev)) : prev;
    case 'answered':
      return prev.status === 'needs-auth' ? to('connecting', pick(prev)) : prev;
    case 'up':
      return to('connected');
    case 'failed':
      return to('unreachable', {
        reason: ev.reason,
        errorCode: ev.code,
        attempt: ev.attempt,
        ...(ev.retryAt !== undefined ? { retryAt: ev.retryAt } : {}),
        ...(ev.hostKey ? { hostKey: ev.hostKey } : {}),
      });
    case 'disconnected':
      return to('disconnected');
  }
}

const pick = (s: HostState): Partial<HostState> => (s.attempt !== undefined ? { attempt: s.attempt } : {});

/** Same state for listeners (ignoring `since`)? Avoids emitting no-op changes. */
export function sameState(a: HostState, b: HostState): boolean {
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    a.errorCode === b.errorCode &&
    a.retryAt === b.retryAt &&
    a.attempt === b.attempt &&
    JSON.stringify(a.hostKey) === JSON.stringify(b.hostKey)
  );
}
