import { formatBytes } from '../../../shared/libvirt/units';
import type { CheckVerdict, MigrationMode } from '../../../shared/model/migration';

export const MODE_LABEL: Record<MigrationMode, string> = {
  'live-shared': 'Live, shared storage',
  'live-copy-all': 'Live, copy all disks',
  'live-copy-nonshared': 'Live, copy local disks only',
  offline: 'Offline (definition and disks)',
};

export const MODE_HELP: Record<MigrationMode, string> = {
  'live-shared': 'Only memory moves; the disks stay where both hosts see them. The guest pauses for a moment at the switchover.',
  'live-copy-all': 'Memory and every disk are copied while the guest runs. Needs room in a pool with the same directory on the target.',
  'live-copy-nonshared': 'Copies the disks the target cannot see; disks on shared storage stay where they are.',
  offline: 'For a shut-off VM: disks are copied through this workstation (sparse, checked with SHA-256), then the VM is defined on the target.',
};

export const VERDICT_ICON: Record<CheckVerdict, string> = { pass: '✓', warn: '!', fail: '✕', skip: '–' };

export const rate = (bps: number | undefined) => (bps === undefined ? '—' : `${formatBytes(bps)}/s`);
export const bytes = (n: number | undefined) => (n === undefined ? '—' : formatBytes(n));
export const ms = (n: number | undefined) => (n === undefined ? '—' : n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`);
