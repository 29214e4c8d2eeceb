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
