import { AppFailure, type ErrorCode } from '../../shared/ipc/result';

/**
 * How a connection attempt (or a live connection) ended. `reason` is what the
 * host list shows: it starts with a short phrase a person can act on
 * ("connection refused", "host key changed", ...) followed by specifics.
 * `retry` decides what the state machine does next: back off and redial,
 * redial at once (the user just answered a prompt the server got tired of
 * waiting for), or wait for the user (never redial into a changed host key).
 */
export type RetryPolicy = 'backoff' | 'now' | 'never';

export class ConnectError extends AppFailure {
  readonly retry: RetryPolicy;
  constructor(code: ErrorCode, reason: string, retry: RetryPolicy, extra: { hostId?: string; detail?: unknown } = {}) {
    super(code, reason, extra);
    this.name = 'ConnectError';
    this.retry = retry;
  }
  get reason(): string {
    return this.message;
  }
}

const NET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route',
  ENETUNREACH: 'no route',
  EHOSTDOWN: 'no route',
  EADDRNOTAVAIL: 'no route',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'unknown host name',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOENT: 'socket not found',
  EACCES: 'permission denied',
};

/** Socket-level errors (ours or ssh2's) to a reason; `where` names what we dialled. */
export function networkError(e: unknown, where: string): ConnectError {
  if (e instanceof ConnectError) return e;
  const err = e as NodeJS.ErrnoException & { level?: string };
  const code = err?.code ?? '';
  const phrase =
    NET_REASONS[code] ??
    (err?.level === 'client-timeout' || /timed? ?out/i.test(err?.message ?? '') ? 'timed out' : undefined) ??
    channelFailure(err?.message ?? '');
  if (phrase) return new ConnectError(phrase === 'timed out' ? 'TIMEOUT' : 'HOST_UNREACHABLE', `${phrase} (${where})`, 'backoff');
  return new ConnectError('HOST_UNREACHABLE', `connection failed (${where}): ${err?.message ?? String(e)}`, 'backoff');
}

// A jump host reports why it could not reach the next hop in words from the
// server's own errno ("Connection refused", "No route to host").
function channelFailure(message: string): string | undefined {
  if (/refused/i.test(message)) return 'connection refused';
  if (/no route|unreachable/i.test(message)) return 'no route';
  if (/timed out/i.test(message)) return 'timed out';
  return undefined;
}

export const cancelled = (what = 'connection attempt') => new ConnectError('CANCELLED', `cancelled: ${what} stopped`, 'never');
