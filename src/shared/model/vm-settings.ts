import { z } from 'zod';

// What the VM settings pages show and edit, read from a definition (the
// persistent one, and the live one while the VM runs). Sizes in KiB like
// libvirt's memory elements; I/O limits in bytes/s and ops/s like <iotune>.

const int = z.number().int();
const nonNeg = z.number().int().nonnegative();

/** A cpuset list as libvirt writes it: "0-3,^2,6". */
export const CpusetSchema = z.string().trim().regex(/^\^?\d+(-\d+)?(,\^?\d+(-\d+)?)*$/, 'a CPU list such as 0-3,6');

export const CpuModeSchema = z.enum(['default', 'host-passthrough', 'host-model', 'custom', 'maximum']);
export const TopologySchema = z.object({ sockets: int.min(1).max(256), cores: int.min(1).max(256), threads: int.min(1).max(16) });

export const CpuConfigSchema = z.object({
  vcpus: int.min(1).max(4096),
  maxVcpus: int.min(1).max(4096),
  mode: CpuModeSchema,
  model: z.string().max(100).optional(),
  topology: TopologySchema.optional(),
  pins: z.array(z.object({ vcpu: nonNeg.max(4095), cpuset: CpusetSchema })).max(4096),
  emulatorPin: CpusetSchema.optional(),
  /** cgroup weight (cputune/shares). */
  shares: int.min(2).max(262144).optional(),
  /** µs (cputune/period). */
  period: int.min(1000).max(1_000_000).optional(),
  /** µs, -1 = unlimited (cputune/quota). */
  quota: int.min(-1).max(17_592_186_044_415).optional(),
});
export type CpuConfig = z.infer<typeof CpuConfigSchema>;

export const NumaModeSchema = z.enum(['strict', 'preferred', 'interleave', 'restrictive']);
export const MemoryConfigSchema = z.object({
  /** <memory>: the most the guest can ever have (balloon ceiling). */
  maxKiB: nonNeg.min(4096),
  /** <currentMemory>: what the balloon gives it now. */
  currentKiB: nonNeg.min(4096),
  hardLimitKiB: nonNeg.optional(),
  softLimitKiB: nonNeg.optional(),
  swapHardLimitKiB: nonNeg.optional(),
  numa: z.object({ mode: NumaModeSchema, nodeset: CpusetSchema }).optional(),
  /** A balloon device exists (live memory changes need one). */
  balloon: z.boolean(),
});
export type MemoryConfig = z.infer<typeof MemoryConfigSchema>;

export const BootDeviceSchema = z.object({
  kind: z.enum(['disk', 'nic']),
  /** Disk target (vda) or NIC MAC. */
  key: z.string().max(64),
  label: z.string().optional(),
});
export type BootDevice = z.infer<typeof BootDeviceSchema>;

export const BootConfigSchema = z.object({
  /** Per-device order (<boot order='n'/>), first boots first. */
  order: z.array(BootDeviceSchema).max(64),
  /** The old os/boot dev list, when the definition uses it instead. */
  legacy: z.array(z.string()).default([]),
  menu: z.boolean(),
  menuTimeoutMs: nonNeg.max(65535).optional(),
  firmware: z.enum(['bios', 'uefi']),
  /** UEFI through pflash: internal snapshots are refused on libvirt < 10.9. */
  pflash: z.boolean().default(false),
  secureBoot: z.boolean().optional(),
  kernel: z.string().max(4096).optional(),
  initrd: z.string().max(4096).optional(),
  cmdline: z.string().max(4096).optional(),
});
export type BootConfig = z.infer<typeof BootConfigSchema>;

export const IoTuneSchema = z.object({
  total_bytes_sec: nonNeg.optional(),
  read_bytes_sec: nonNeg.optional(),
  write_bytes_sec: nonNeg.optional(),
  total_iops_sec: nonNeg.optional(),
  read_iops_sec: nonNeg.optional(),
  write_iops_sec: nonNeg.optional(),
  total_bytes_sec_max: nonNeg.optional(),
  read_bytes_sec_max: nonNeg.optional(),
  write_bytes_sec_max: nonNeg.optional(),
  total_iops_sec_max: nonNeg.optional(),
  read_iops_sec_max: nonNeg.optional(),
  write_iops_sec_max: nonNeg.optional(),
});
export type IoTune = z.infer<typeof IoTuneSchema>;
export const IOTUNE_KEYS = Object.keys(IoTuneSchema.shape) as (keyof IoTune)[];

export const DiskBusSchema = z.enum(['virtio', 'scsi', 'sata', 'ide', 'usb', 'fdc']);
export const DiskCacheSchema = z.enum(['default', 'none', 'writethrough', 'writeback', 'directsync', 'unsafe']);
export const DiskIoSchema = z.enum(['default', 'native', 'threads', 'io_uring']);
export const DiskDiscardSchema = z.enum(['default', 'unmap', 'ignore']);

export const DiskConfigSchema = z.object({
  target: z.string(),
  bus: z.string().optional(),
  device: z.string(),
  type: z.string(),
  /** File/device path, or pool/volume for type='volume'. */
  source: z.string().optional(),
  pool: z.string().optional(),
  volume: z.string().optional(),
  format: z.string().optional(),
  cache: z.string().optional(),
  io: z.string().optional(),
  discard: z.string().optional(),
  readonly: z.boolean(),
  bootOrder: int.optional(),
  iotune: IoTuneSchema,
  /** Live only: QEMU's device alias (for detach events). */
  alias: z.string().optional(),
});
export type DiskConfig = z.infer<typeof DiskConfigSchema>;

export const BandwidthSchema = z.object({
  /** KiB/s */
  average: nonNeg.min(1),
  peak: nonNeg.optional(),
  /** KiB */
  burst: nonNeg.optional(),
});
export const NicConfigSchema = z.object({
  mac: z.string(),
  type: z.string(),
  /** Network name, bridge or device. */
  source: z.string().optional(),
  model: z.string().optional(),
  linkUp: z.boolean(),
  inbound: BandwidthSchema.optional(),
  outbound: BandwidthSchema.optional(),
  bootOrder: int.optional(),
  /** Live only: host tap device and QEMU alias. */
  hostDev: z.string().optional(),
  alias: z.string().optional(),
});
export type NicConfig = z.infer<typeof NicConfigSchema>;

export const GraphicsConfigSchema = z.object({
  type: z.string(),
  listen: z.string().optional(),
  autoport: z.boolean(),
  port: int.optional(),
  /** Never the password itself. */
  hasPassword: z.boolean(),
});
export const CharDeviceSchema = z.object({ kind: z.enum(['serial', 'console']), type: z.string(), port: int.optional(), targetType: z.string().optional() });
export const DisplayConfigSchema = z.object({
  graphics: z.array(GraphicsConfigSchema),
  video: z.array(z.object({ model: z.string() })),
  chars: z.array(CharDeviceSchema),
});
export type DisplayConfig = z.infer<typeof DisplayConfigSchema>;

export const VmConfigSchema = z.object({
  name: z.string(),
  uuid: z.string(),
  virtType: z.string(),
  arch: z.string().optional(),
  machine: z.string().optional(),
  cpu: CpuConfigSchema,
  memory: MemoryConfigSchema,
  boot: BootConfigSchema,
  disks: z.array(DiskConfigSchema),
  nics: z.array(NicConfigSchema),
  display: DisplayConfigSchema,
});
export type VmConfig = z.infer<typeof VmConfigSchema>;

export const SectionSchema = z.enum(['cpu', 'memory', 'boot', 'disks', 'nics', 'display']);
export type Section = z.infer<typeof SectionSchema>;

export const VmSettingsSchema = z.object({
  hostId: z.string(),
  uuid: z.string(),
  state: z.string(),
  persistent: z.boolean(),
  /** The persistent definition (what the next boot uses). */
  config: VmConfigSchema,
  /** What runs now (absent while shut off). */
  live: VmConfigSchema.optional(),
  /** Per section: changes held in the persistent definition only ("pending until restart"). */
  pending: z.record(SectionSchema, z.array(z.string())),
  /** Created with “Customise before start” and not started yet: its first start must run the install plan (create.begin). */
  installPending: z.boolean().optional(),
});
export type VmSettings = z.infer<typeof VmSettingsSchema>;

/** What a settings change did: applied now, saved for the next boot, or both. */
export const ChangeWhenSchema = z.enum(['now', 'next-boot', 'both']);
export const ApplyResultSchema = z.object({
  applied: z.enum(['now', 'next-boot', 'both', 'nothing']),
  /** One line per change: in the running VM only (now), in the definition only (next-boot), or both. */
  changes: z.array(z.object({ what: z.string(), when: ChangeWhenSchema })),
  /** Partial failures (e.g. the guest refused an unplug), in words. */
  warnings: z.array(z.string()),
});
export type ApplyResult = z.infer<typeof ApplyResultSchema>;
