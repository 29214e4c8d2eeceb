import { z } from 'zod';
import { HostIdSchema } from '../model/host';
import { DiskBusSchema, FirmwareSchema, MachineSchema, NicModelSchema, VideoModelSchema } from './os';

// What the create wizard sends: one VM (or N copies) described once. The
// core turns it into volumes, a seed, a domain definition and a start, as one
// Task; `create.preview` shows the same definition and its virt-install line.

const name = z.string().trim().min(1).max(200);
export const VmNameSchema = name.refine((s) => !s.includes('/'), 'libvirt does not allow “/” in VM names');
const poolName = z.string().min(1).max(200);
const volName = z.string().min(1).max(255).regex(/^[^/]+$/, 'no “/” in a volume name');
const absPath = z.string().min(2).max(4096).regex(/^\/[^\0]*$/, 'an absolute path on the host');
export const MacSchema = z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'a MAC address such as 52:54:00:12:34:56');
const ipv4 = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, 'an IPv4 address');
const cidr = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/, 'an address with its prefix, e.g. 192.168.122.50/24');

/** Media the host already has: a pool volume or a path. `adopt`: it was uploaded for this VM; a failed create deletes it. */
export const MediaRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('volume'), pool: poolName, volume: volName, adopt: z.boolean().default(false) }),
  z.object({ kind: z.literal('path'), path: absPath }),
]);
export type MediaRef = z.infer<typeof MediaRefSchema>;

export const InstallUrlSchema = z
  .string()
  .max(2048)
  .regex(/^(https?|ftp):\/\/[^\s/?#]+[^\s]*$/, 'an http://, https:// or ftp:// address of an install tree');

export const SourceSchema = z.discriminatedUnion('kind', [
  /** Boot an install ISO from a CD-ROM (virt-install --cdrom). */
  z.object({ kind: z.literal('iso'), media: MediaRefSchema }),
  /** Network install: kernel + initrd from a distribution tree (virt-install --location). */
  z.object({
    kind: z.literal('url'),
    url: InstallUrlSchema,
    fetchBy: z.enum(['host', 'workstation']).default('host'),
    /** Paths inside the tree; found from .treeinfo or known layouts when absent. */
    kernelPath: z.string().max(1024).optional(),
    initrdPath: z.string().max(1024).optional(),
    /** Extra kernel arguments (e.g. inst.ks=…, console=ttyS0). */
    kernelArgs: z.string().max(2048).default(''),
  }),
  /** An existing disk image becomes the VM's disk (virt-install --import). `copy`: into a new volume first. */
  z.object({ kind: z.literal('import'), media: MediaRefSchema, use: z.enum(['in-place', 'copy']).default('in-place') }),
  /** A cloud image, as the backing file of a new overlay or as a full copy, resized; with cloud-init. */
  z.object({ kind: z.literal('cloud'), media: MediaRefSchema, use: z.enum(['backing', 'copy']).default('backing') }),
  /** Network boot (virt-install --pxe) on the NIC's network. */
  z.object({ kind: z.literal('pxe') }),
]);
export type Source = z.infer<typeof SourceSchema>;
export type SourceKind = Source['kind'];

export const DiskSpecSchema = z.object({
  sizeGiB: z.number().min(0.01).max(65536),
  format: z.enum(['qcow2', 'raw']).default('qcow2'),
  pool: poolName,
  bus: DiskBusSchema,
});

export const NicSpecSchema = z.object({
  type: z.enum(['network', 'bridge']),
  source: z.string().min(1).max(200),
  model: NicModelSchema,
  mac: MacSchema.optional(),
});

export const HardwareSchema = z.object({
  vcpus: z.number().int().min(1).max(512),
  memoryMiB: z.number().int().min(16).max(4 * 1024 * 1024),
  machine: MachineSchema,
  firmware: FirmwareSchema,
  /** kvm: hardware acceleration; qemu: TCG emulation (slow, but boots where KVM does not). */
  accel: z.enum(['kvm', 'qemu']).default('kvm'),
  cpuMode: z.enum(['host-passthrough', 'host-model', 'default']).default('host-passthrough'),
  /** null: no disk (a live ISO, a diskless PXE client). */
  disk: DiskSpecSchema.nullable(),
  nic: NicSpecSchema.nullable(),
  /** VNC on the host's localhost (reached over SSH), with an optional password (VNC uses at most 8 characters). */
  vnc: z.boolean().default(true),
  vncPassword: z.string().max(8).optional(),
  video: VideoModelSchema,
  tpm: z.boolean().default(false),
  /** Firmware (SeaBIOS, iPXE) messages on the serial console too. */
  serialBios: z.boolean().default(false),
});
export type Hardware = z.infer<typeof HardwareSchema>;

export const CloudInitSchema = z.object({
  hostname: z.string().max(253).regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'letters, digits, dots and dashes').optional(),
  user: z
    .object({
      name: z.string().min(1).max(32).regex(/^[a-z_][a-z0-9_-]*$/, 'a Linux user name (lower case, digits, _ and -)'),
      password: z.string().max(256).optional(),
      sshKeys: z.array(z.string().max(16384).regex(/^(ssh-|ecdsa-|sk-)\S+ \S+/, 'an OpenSSH public key line')).max(32).default([]),
      sudo: z.boolean().default(true),
    })
    .optional(),
  packages: z.array(z.string().min(1).max(200).regex(/^[A-Za-z0-9.+_:-]+$/, 'a package name')).max(200).default([]),
  /** One shell command per line, run once on first boot (cloud-config runcmd). */
  runcmd: z.string().max(65536).default(''),
  /** Expert: replaces the generated user-data entirely (#cloud-config, a #! script, …). */
  userDataRaw: z.string().max(262144).optional(),
  network: z
    .discriminatedUnion('mode', [
      z.object({ mode: z.literal('dhcp') }),
      z.object({ mode: z.literal('static'), address: cidr, gateway: ipv4.optional(), dns: z.array(ipv4).max(8).default([]) }),
    ])
    .default({ mode: 'dhcp' }),
});
export type CloudInit = z.infer<typeof CloudInitSchema>;

export const CreateSpecSchema = z.object({
  name: VmNameSchema,
  title: z.string().max(400).optional(),
  tags: z.array(z.string().trim().min(1).max(60)).max(32).default([]),
  /** The OS profile chosen (osinfo short-id or curated id). */
  osId: z.string().min(1).max(100),
  /** libosinfo URI, recorded in the definition like virt-install does. */
  osinfoId: z.string().max(400).optional(),
  source: SourceSchema,
  hardware: HardwareSchema,
  cloudInit: CloudInitSchema.optional(),
  /** Start when made (false: define only). */
  start: z.boolean().default(true),
  /** Define, then open the VM's settings before its first boot (no start). */
  customise: z.boolean().default(false),
  /** Expert: the edited definition from the review step (one VM only). */
  xml: z.string().max(1 << 20).optional(),
});
export type CreateSpec = z.infer<typeof CreateSpecSchema>;
export type CreateSpecInput = z.input<typeof CreateSpecSchema>;

export const PlacementPickSchema = z.object({ hostId: HostIdSchema, name: VmNameSchema });
export type PlacementPick = z.infer<typeof PlacementPickSchema>;
