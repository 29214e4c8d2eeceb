import type { CreateOptions } from '../../../shared/ipc/calls/create';
import type { OsProfile } from '../../../shared/create/os';
import type { CreateSpecInput } from '../../../shared/create/spec';

// The wizard's working copy: plain form values, turned into the contract's
// CreateSpec only when previewing or creating (zod checks it in the core).

export type SourceKind = 'iso' | 'url' | 'import' | 'cloud' | 'pxe';

export interface Draft {
  hostId: string;
  source: SourceKind;
  /** "pool/volume" of a pool volume, or an absolute path. */
  media: string;
  mediaPath: string;
  url: string;
  fetchBy: 'host' | 'workstation';
  kernelArgs: string;
  importUse: 'in-place' | 'copy';
  cloudUse: 'backing' | 'copy';
  osId: string;
  name: string;
  vcpus: number;
  memoryMiB: number;
  machine: 'q35' | 'pc';
  firmware: 'bios' | 'uefi';
  accel: 'kvm' | 'qemu';
  disk: boolean;
  diskGiB: number;
  diskFormat: 'qcow2' | 'raw';
  diskPool: string;
  diskBus: 'virtio' | 'sata' | 'scsi' | 'ide';
  nicType: 'network' | 'bridge' | 'none';
  nicSource: string;
  nicModel: 'virtio' | 'e1000e' | 'e1000' | 'rtl8139';
  mac: string;
  vnc: boolean;
  vncPassword: string;
  video: 'virtio' | 'qxl' | 'vga' | 'bochs' | 'cirrus';
  tpm: boolean;
  serialBios: boolean;
  customise: boolean;
  tags: string;
  ci: boolean;
  ciHostname: string;
  ciUser: string;
  ciPassword: string;
  ciKeys: string;
  ciPackages: string;
  ciRuncmd: string;
  ciRaw: string;
  ciStatic: boolean;
  ciAddress: string;
  ciGateway: string;
  ciDns: string;
  copies: number;
  /** Host per copy (index = copy). */
  hosts: string[];
  /** The admin chose hosts by hand: the advice no longer moves them. */
  hostsOverridden: boolean;
  cpuOvercommit: number;
  /** The edited XML of the review step (one VM only). */
  xml?: string;
}

export const emptyDraft = (hostId: string): Draft => ({
  hostId,
  source: 'iso',
  media: '',
  mediaPath: '',
  url: '',
  fetchBy: 'host',
  kernelArgs: 'console=ttyS0',
  importUse: 'in-place',
  cloudUse: 'backing',
  osId: 'linux2022',
  name: '',
  vcpus: 2,
  memoryMiB: 2048,
  machine: 'q35',
  firmware: 'bios',
  accel: 'kvm',
  disk: true,
  diskGiB: 20,
  diskFormat: 'qcow2',
  diskPool: 'default',
  diskBus: 'virtio',
  nicType: 'network',
  nicSource: 'default',
  nicModel: 'virtio',
  mac: '',
  vnc: true,
  vncPassword: '',
  video: 'virtio',
  tpm: false,
  serialBios: false,
  customise: false,
  tags: '',
  ci: false,
  ciHostname: '',
  ciUser: '',
  ciPassword: '',
  ciKeys: '',
  ciPackages: '',
  ciRuncmd: '',
  ciRaw: '',
  ciStatic: false,
  ciAddress: '',
  ciGateway: '',
  ciDns: '',
  copies: 1,
  hosts: [hostId],
  hostsOverridden: false,
  cpuOvercommit: 4,
});

/** What picking an OS sets: the OS's defaults, kept within what the host offers. */
export function applyOs(d: Draft, os: OsProfile, opts: CreateOptions | undefined): Draft {
  const uefi = os.firmware === 'uefi' && (opts?.uefi ?? false);
  return {
    ...d,
    osId: os.id,
    machine: opts && !opts.machines.includes(os.machine) ? 'q35' : os.machine,
    firmware: uefi ? 'uefi' : 'bios',
    accel: opts && !opts.accel.includes('kvm') ? 'qemu' : d.accel,
    diskBus: os.diskBus,
    nicModel: os.nicModel,
    video: os.video,
    memoryMiB: Math.max(os.memoryMiB, os.minMemoryMiB),
    vcpus: os.vcpus,
    diskGiB: os.diskGiB || d.diskGiB,
    tpm: os.tpm && (opts?.tpm ?? false),
  };
}

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

/** The contract's spec from the form. */
export function toSpec(d: Draft): CreateSpecInput {
  const [pool, ...vol] = d.media.split('/');
  const media = d.media ? { kind: 'volume' as const, pool: pool!, volume: vol.join('/') } : { kind: 'path' as const, path: d.mediaPath };
  const source: CreateSpecInput['source'] =
    d.source === 'iso'
      ? { kind: 'iso', media }
      : d.source === 'url'
        ? { kind: 'url', url: d.url, fetchBy: d.fetchBy, kernelArgs: d.kernelArgs }
        : d.source === 'import'
          ? { kind: 'import', media, use: d.importUse }
          : d.source === 'cloud'
            ? { kind: 'cloud', media, use: d.cloudUse }
            : { kind: 'pxe' };
  return {
    name: d.name,
    osId: d.osId,
    tags: lines(d.tags.replace(/,/g, '\n')),
    source,
    hardware: {
      vcpus: d.vcpus,
      memoryMiB: d.memoryMiB,
      machine: d.machine,
      firmware: d.firmware,
      accel: d.accel,
      cpuMode: d.accel === 'kvm' ? 'host-passthrough' : 'default',
      disk: d.disk ? { sizeGiB: d.diskGiB, format: d.diskFormat, pool: d.diskPool, bus: d.diskBus } : null,
      nic: d.nicType === 'none' ? null : { type: d.nicType, source: d.nicSource, model: d.nicModel, ...(d.mac ? { mac: d.mac } : {}) },
      vnc: d.vnc,
      ...(d.vncPassword ? { vncPassword: d.vncPassword } : {}),
      video: d.video,
      tpm: d.tpm,
      serialBios: d.serialBios,
    },
    ...(d.ci
      ? {
          cloudInit: {
            ...(d.ciHostname ? { hostname: d.ciHostname } : {}),
            ...(d.ciUser ? { user: { name: d.ciUser, ...(d.ciPassword ? { password: d.ciPassword } : {}), sshKeys: lines(d.ciKeys), sudo: true } } : {}),
            packages: lines(d.ciPackages.replace(/[ ,]+/g, '\n')),
            runcmd: d.ciRuncmd,
            ...(d.ciRaw.trim() ? { userDataRaw: d.ciRaw } : {}),
            network: d.ciStatic ? { mode: 'static' as const, address: d.ciAddress, ...(d.ciGateway ? { gateway: d.ciGateway } : {}), dns: lines(d.ciDns.replace(/[ ,]+/g, '\n')) } : { mode: 'dhcp' as const },
          },
        }
      : {}),
    start: true,
    customise: d.customise,
    ...(d.xml ? { xml: d.xml } : {}),
  };
}

/** Copy names: the name itself for one VM, name-1…name-N for several. */
export const copyNames = (d: Draft): string[] => (d.copies <= 1 ? [d.name] : Array.from({ length: d.copies }, (_, i) => `${d.name}-${i + 1}`));
