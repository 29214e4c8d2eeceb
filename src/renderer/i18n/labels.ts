import type { DomainState } from '../../shared/model/domain';
import { i18n } from './instance';

/**
 * A translated title for a core error code. Messages from the core (libvirt's
 * own text, host names) stay as they come; the code is what we can translate.
 * Codes added by other areas fall back to the generic title.
 */
export function errorTitle(code: string | undefined): string {
  const key = `errorCode.${code ?? 'unknown'}`;
  return i18n.exists(key, { ns: 'common' }) ? i18n.t(key as 'errorCode.unknown') : i18n.t('errorCode.unknown');
}

/**
 * libvirt's word for a device kind, NIC type, boot device or CPU mode in the
 * UI language. Identifiers that have no common translation (virtio, qcow2,
 * machine types) stay as libvirt writes them, as virsh and virt-manager show them.
 */
export function enumLabel(group: 'device' | 'nicType' | 'boot' | 'cpuMode' | 'charType', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const key = `enum.${group}.${value}`;
  return i18n.exists(key, { ns: 'common' }) ? i18n.t(key as 'enum.device.disk') : value;
}

/** A VM state as shown in badges and the tree (libvirt's names in English); unknown states (snapshot 'disk-snapshot') stay raw. */
export const stateLabel = (s: DomainState | string): string => (i18n.exists(`state.${s}`, { ns: 'common' }) ? i18n.t(`state.${s as DomainState}`) : s);

/**
 * Text the core wrote as a message (task titles and phases: key and
 * parameters, src/shared/i18n/core-text.ts) in the UI language; the core's
 * English when there is no message or this build does not know the key (a
 * newer core).
 */
export function coreMessage(msg: { key: string; params?: Record<string, string | number> } | undefined, english: string): string {
  // Keys come from the wire, not from a literal: i18next's typed t() cannot check them.
  const opts = { ns: 'core' as const, ...(msg?.params ?? {}) };
  if (!msg || !i18n.exists(msg.key, opts)) return english;
  return (i18n.t as unknown as (key: string, o: object) => string)(msg.key, opts);
}

/** A task's title and phase in the UI language. */
export const taskTitle = (t: { title: string; titleMsg?: { key: string; params?: Record<string, string | number> } }): string => coreMessage(t.titleMsg, t.title);
export const taskPhase = (t: { phase: string; phaseMsg?: { key: string; params?: Record<string, string | number> } }): string => coreMessage(t.phaseMsg, t.phase);
