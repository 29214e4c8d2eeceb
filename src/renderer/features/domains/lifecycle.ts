import type { AppError, ErrorCode } from '../../../shared/ipc/result';
import type { DomainState, DomainSummary, LifecycleAction } from '../../../shared/model/domain';
import { i18n } from '../../i18n';

// Which lifecycle actions libvirt accepts in which state. Buttons are enabled
// from this, and bulk actions skip VMs it rules out instead of collecting
// "domain is already running" errors.
const ACTIVE: readonly DomainState[] = ['running', 'blocked', 'paused', 'shutdown', 'crashed', 'pmsuspended'];
const RUNNING: readonly DomainState[] = ['running', 'blocked'];

export const ALLOWED: Record<LifecycleAction, readonly DomainState[]> = {
  start: ['shutoff', 'crashed', 'nostate'],
  // ACPI shutdown needs a running guest to react to the button press.
  shutdown: RUNNING,
  reboot: RUNNING,
  // virDomainReset works on any active domain, paused included.
  reset: ['running', 'blocked', 'paused'],
  forceOff: ACTIVE,
  pause: RUNNING,
  resume: ['paused'],
};

export const canRun = (action: LifecycleAction, state: DomainState): boolean => ALLOWED[action].includes(state);

export const actionLabel = (a: LifecycleAction): string => i18n.t(`action.${a}`, { ns: 'domains' });

/** Why a button is disabled, for its tooltip. */
export const actionNeeds = (a: LifecycleAction): string => i18n.t(`actionNeeds.${a}`, { ns: 'domains' });

export const DESTRUCTIVE: readonly LifecycleAction[] = ['forceOff', 'reset'];

/**
 * How long a row spinner may wait for `domain.changed` after the call
 * succeeded. ACPI shutdown waits on the guest OS, which can take a while or
 * never happen; reboot and reset don't change the state at all.
 */
export function pendingWindowMs(action: LifecycleAction): number {
  if (action === 'reboot' || action === 'reset') return 0;
  if (action === 'shutdown') return 90_000;
  return 15_000;
}

/** One VM a bulk call could not act on, with the core's error (its code decides the wording). */
export interface BulkFailure {
  domain: Pick<DomainSummary, 'name' | 'hostId'>;
  error: AppError;
}

// Codes whose own words say it better than the message, whatever host or VM it was.
const CODE_TEXT: readonly ErrorCode[] = ['NOT_FOUND', 'NOT_CONNECTED', 'HOST_UNREACHABLE', 'UNAUTHORIZED'];
const codeText = (code: ErrorCode) => (CODE_TEXT.includes(code) ? i18n.t(`bulkCode.${code as 'NOT_FOUND'}`, { ns: 'domains' }) : undefined);

/**
 * Groups bulk failures by error code (and message, for libvirt's own errors)
 * so 200 identical refusals read as one line: "web, db and 198 more: …".
 */
export function groupFailures(failed: readonly BulkFailure[]): Array<{ code: ErrorCode; text: string; names: string[] }> {
  const groups = new Map<string, { code: ErrorCode; text: string; names: string[] }>();
  for (const f of failed) {
    const text = codeText(f.error.code) ?? f.error.message;
    const key = `${f.error.code}\0${text}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { code: f.error.code, text, names: [] }));
    g.names.push(f.domain.name);
  }
  return [...groups.values()].sort((a, b) => b.names.length - a.names.length);
}

/** Hosts whose list a failure proved stale (a VM we showed is gone): re-list them. */
export const staleHosts = (failed: readonly BulkFailure[]): string[] => [...new Set(failed.filter((f) => f.error.code === 'NOT_FOUND').map((f) => f.domain.hostId))];
