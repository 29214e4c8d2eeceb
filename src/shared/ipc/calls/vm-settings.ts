import { z } from 'zod';
import { call } from '../define';
import { HostIdSchema } from '../../model/host';
import { UuidSchema } from '../../model/domain';
import { TaskRefSchema } from '../../model/task';
import {
  ApplyResultSchema,
  BandwidthSchema,
  BootDeviceSchema,
  CpuConfigSchema,
  CpuModeSchema,
  DiskBusSchema,
  DiskCacheSchema,
  DiskDiscardSchema,
  DiskIoSchema,
  IoTuneSchema,
  MemoryConfigSchema,
  VmSettingsSchema,
} from '../../model/vm-settings';

// VM settings: every call edits the persistent definition (as a DOM, defined
// with VALIDATE) and applies what QEMU can change live; the answer says what
// took effect now, what waits for the next boot, and what was refused.

const vm = { hostId: HostIdSchema, uuid: UuidSchema };
const path = z.string().min(1).max(4096).regex(/^\//, 'an absolute path');
const target = z.string().regex(/^[a-z]{2,3}[a-z]{1,2}$/, 'a disk target such as vda');
const mac = z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'a MAC address');
const netName = z.string().min(1).max(200);

export const DiskSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path }),
  z.object({ kind: z.literal('block'), path }),
  z.object({ kind: z.literal('volume'), pool: z.string().min(1).max(200), volume: z.string().min(1).max(255) }),
  z.object({ kind: z.literal('none') }),
]);

export const SettingsChoicesSchema = z.object({
  cpuModes: z.array(CpuModeSchema),
  cpuModels: z.array(z.string()),
  hostModel: z.string().optional(),
  maxVcpus: z.number().int(),
  hostCpus: z.number().int(),
  numaCells: z.array(z.object({ id: z.number().int(), memoryKiB: z.number(), cpus: z.array(z.number().int()) })),
  firmware: z.array(z.string()),
  diskBuses: z.array(z.string()),
  videoModels: z.array(z.string()),
  nicModels: z.array(z.string()),
});
export type SettingsChoices = z.infer<typeof SettingsChoicesSchema>;

/** Stands in for a VNC/SPICE password in XML shown to people; sent back unchanged, it keeps the real one. */
export const PASSWORD_PLACEHOLDER = '__VIRTDECK_KEEP_PASSWORD__';

export const vmSettingsCalls = {
  'vmSettings.get': call(z.object(vm).strict(), VmSettingsSchema, 'The persistent and live settings of a VM, with what waits for a restart.'),
  'vmSettings.choices': call(z.object(vm).strict(), SettingsChoicesSchema, 'What the host offers this VM: CPU models, NUMA cells, firmware, buses, video models.'),
  'vmSettings.setCpu': call(z.object({ ...vm, cpu: CpuConfigSchema }).strict(), ApplyResultSchema, 'vCPUs (hotplug live), model, topology, pinning and CFS tuning.'),
  'vmSettings.setMemory': call(z.object({ ...vm, memory: MemoryConfigSchema.omit({ balloon: true }) }).strict(), ApplyResultSchema, 'Memory (balloon live), maximum, memtune limits, NUMA placement.'),
  'vmSettings.setBoot': call(
    z
      .object({
        ...vm,
        boot: z.object({
          order: z.array(BootDeviceSchema).max(64),
          menu: z.boolean(),
          menuTimeoutMs: z.number().int().min(0).max(65535).optional(),
          firmware: z.enum(['bios', 'uefi']).optional(),
          kernel: z.string().max(4096).optional(),
          initrd: z.string().max(4096).optional(),
          cmdline: z.string().max(4096).optional(),
        }),
      })
      .strict(),
    ApplyResultSchema,
    'Per-device boot order, boot menu, firmware and direct kernel boot (next boot).',
  ),
  'vmSettings.attachDisk': call(
    z
      .object({
        ...vm,
        disk: z.object({
          device: z.enum(['disk', 'cdrom']),
          bus: DiskBusSchema,
          source: DiskSourceSchema,
          format: z.enum(['raw', 'qcow2']).optional(),
          cache: DiskCacheSchema.optional(),
          io: DiskIoSchema.optional(),
          discard: DiskDiscardSchema.optional(),
        }),
        /** Create this volume first and use it as the source. */
        create: z.object({ pool: z.string().min(1).max(200), name: z.string().min(1).max(255).regex(/^[^/]+$/, 'no “/” in a volume name'), capacityBytes: z.number().int().min(1 << 20), format: z.enum(['raw', 'qcow2']) }).optional(),
      })
      .strict(),
    ApplyResultSchema,
    'Adds a disk or CD-ROM (new volume, existing volume, ISO or path); hot-plugged into a running VM.',
  ),
  'vmSettings.detachDisk': call(z.object({ ...vm, target }).strict(), ApplyResultSchema, 'Removes a disk; a running guest must release it (waits for the device-removed event).'),
  'vmSettings.changeMedia': call(z.object({ ...vm, target, source: DiskSourceSchema }).strict(), ApplyResultSchema, 'Inserts or ejects CD-ROM media, live and in the definition.'),
  'vmSettings.updateDisk': call(
    z.object({ ...vm, target, bus: DiskBusSchema.optional(), cache: DiskCacheSchema.optional(), io: DiskIoSchema.optional(), discard: DiskDiscardSchema.optional() }).strict(),
    ApplyResultSchema,
    'Bus, cache, I/O mode and discard of a disk (next boot).',
  ),
  'vmSettings.resizeDisk': call(z.object({ ...vm, target, sizeBytes: z.number().int().min(1 << 20) }).strict(), ApplyResultSchema, 'Grows a disk (BlockResize while running).'),
  'vmSettings.setDiskIoTune': call(z.object({ ...vm, target, iotune: IoTuneSchema }).strict(), ApplyResultSchema, 'Per-disk I/O limits, live and persistent.'),
  'vmSettings.attachNic': call(
    z.object({ ...vm, nic: z.object({ type: z.enum(['network', 'bridge']), source: netName, model: z.string().min(1).max(40), mac: mac.optional() }) }).strict(),
    ApplyResultSchema,
    'Adds a network interface (hot-plugged into a running VM).',
  ),
  'vmSettings.detachNic': call(z.object({ ...vm, mac }).strict(), ApplyResultSchema, 'Removes a network interface (waits for the guest to release it).'),
  'vmSettings.updateNic': call(
    z
      .object({
        ...vm,
        mac,
        type: z.enum(['network', 'bridge']).optional(),
        source: netName.optional(),
        model: z.string().min(1).max(40).optional(),
        newMac: mac.optional(),
        linkUp: z.boolean().optional(),
        inbound: BandwidthSchema.nullable().optional(),
        outbound: BandwidthSchema.nullable().optional(),
      })
      .strict(),
    ApplyResultSchema,
    'Source, link state and bandwidth (live); model and MAC (next boot).',
  ),
  'vmSettings.setGraphics': call(
    z
      .object({
        ...vm,
        index: z.number().int().min(0).max(16).default(0),
        listen: z.string().max(255).regex(/^[0-9a-fA-F.:]+$/, 'an IP address').optional(),
        password: z.union([z.object({ set: z.string().min(1).max(8, 'VNC passwords are at most 8 characters') }), z.object({ clear: z.literal(true) })]).optional(),
      })
      .strict(),
    ApplyResultSchema,
    'VNC/SPICE listen address (next boot) and password (live); the password is never sent back.',
  ),
  'vmSettings.setVideo': call(z.object({ ...vm, model: z.string().min(1).max(40) }).strict(), ApplyResultSchema, 'Video model (next boot).'),
  'vmSettings.setSerial': call(z.object({ ...vm, add: z.literal(true).optional(), remove: z.number().int().min(0).max(31).optional() }).strict(), ApplyResultSchema, 'Adds or removes a serial port (next boot).'),
  'vmSettings.getXml': call(z.object(vm).strict(), z.object({ xml: z.string() }), 'The persistent definition for the raw editor (passwords replaced by a placeholder).'),
  'vmSettings.defineXml': call(
    z.object({ ...vm, xml: z.string().min(1).max(4 * 1024 * 1024) }).strict(),
    z.object({ stored: z.string(), storedDiff: z.string() }),
    'Defines edited XML (VALIDATE); answers with what libvirt stored and its diff against what was sent.',
  ),
  'domains.clone': call(
    z.object({ ...vm, names: z.array(z.string().trim().min(1).max(200).regex(/^[^/]+$/, 'no “/” in a VM name')).min(1).max(100), linked: z.boolean().default(false) }).strict(),
    TaskRefSchema,
    'Clones a shut-off VM (new name, UUID, MACs; disks copied as volumes, or linked qcow2 overlays) as a Task.',
  ),
};
