import { volumeStem } from '../libvirt/clone-names';
import { shellQuote } from '../util/shell';
import type { OsProfile } from './os';
import type { CreateSpec, MediaRef } from './spec';

// The virt-install command line that makes the same VM, so an admin can
// script what they clicked (virt-install 4.x syntax, as on Debian 12). Each
// option value is one word quoted for POSIX sh; secrets are left as
// environment variables, never printed.

export interface VirtInstallContext {
  name: string;
  os: OsProfile;
  /** qemu+ssh://user@host/system when the line is for a remote host. */
  connect?: string;
  mac?: string;
  /** Kernel and initrd paths inside the tree, when already found. */
  tree?: { kernel: string; initrd: string };
  /** The full kernel command line of the install boot. */
  cmdline?: string;
  /** Where the new disk lands on the host (for the copy commands). */
  diskPath?: string;
}

const media = (m: MediaRef) => (m.kind === 'volume' ? `vol=${m.pool}/${m.volume}` : `path=${m.path}`);
const opt = (parts: Array<string | false | undefined>) => parts.filter((p): p is string => !!p).join(',');

export function virtInstallArgv(spec: CreateSpec, ctx: VirtInstallContext): string[] {
  const hw = spec.hardware;
  const src = spec.source;
  const a: string[] = ['virt-install'];
  const add = (flag: string, value?: string) => a.push(...(value === undefined ? [flag] : [flag, value]));
  if (ctx.connect) add('--connect', ctx.connect);
  add('--name', ctx.name);
  if (spec.title) add('--metadata', `title=${spec.title}`);
  add('--osinfo', ctx.os.id);
  add('--virt-type', hw.accel);
  add('--machine', hw.machine);
  if (hw.firmware === 'uefi') add('--boot', 'uefi');
  add('--vcpus', String(hw.vcpus));
  add('--memory', String(hw.memoryMiB));
  if (hw.accel === 'kvm' && hw.cpuMode !== 'default') add('--cpu', hw.cpuMode);

  const d = hw.disk;
  if (d) {
    const base = [`bus=${d.bus}`, `format=${d.format}`];
    if (src.kind === 'import' && src.use === 'in-place') add('--disk', opt([media(src.media), ...base]));
    else if (src.kind === 'cloud' && src.use === 'backing') add('--disk', opt([`pool=${d.pool}`, `size=${d.sizeGiB}`, `backing_store=${src.media.kind === 'path' ? src.media.path : `${src.media.pool}/${src.media.volume}`}`, ...base]));
    // A copy is made first (virtInstallPrep), then used in place.
    else if (src.kind === 'import' || src.kind === 'cloud') add('--disk', opt([`vol=${d.pool}/${copyName(ctx.name, d.format)}`, ...base]));
    else add('--disk', opt([`pool=${d.pool}`, `size=${d.sizeGiB}`, ...base]));
  } else if (src.kind === 'iso' || src.kind === 'pxe' || src.kind === 'url') {
    add('--disk', 'none');
  }
  if (src.kind === 'iso') add('--cdrom', src.media.kind === 'path' ? src.media.path : `${src.media.pool}/${src.media.volume}`);
  else if (src.kind === 'url') {
    add('--location', opt([src.url, ctx.tree && `kernel=${ctx.tree.kernel}`, ctx.tree && `initrd=${ctx.tree.initrd}`]));
    if (ctx.cmdline) add('--extra-args', ctx.cmdline);
  } else if (src.kind === 'pxe') add('--pxe');
  else add('--import');
  if (spec.cloudInit) {
    const stem = volumeStem(ctx.name);
    const files = [`user-data=${stem}-user-data.yaml`, `meta-data=${stem}-meta-data.yaml`];
    if (spec.cloudInit.network.mode === 'static') files.push(`network-config=${stem}-network-config.yaml`);
    add('--cloud-init', files.join(','));
  }
  if (hw.nic) add('--network', opt([`${hw.nic.type}=${hw.nic.source}`, `model=${hw.nic.model}`, (ctx.mac ?? hw.nic.mac) && `mac=${ctx.mac ?? hw.nic.mac}`]));
  else add('--network', 'none');
  add('--graphics', hw.vnc ? opt(['vnc', 'listen=127.0.0.1', hw.vncPassword && 'password=$VNC_PASSWORD']) : 'none');
  add('--video', hw.video);
  if (hw.tpm) add('--tpm', opt(['emulator', `model=${hw.machine === 'q35' ? 'tpm-crb' : 'tpm-tis'}`, 'version=2.0']));
  if (hw.serialBios && hw.firmware === 'bios') add('--boot', 'useserial=on');
  add('--noautoconsole');
  if (!spec.start || spec.customise) add('--print-xml');
  return a;
}

const copyName = (name: string, format: string) => `${volumeStem(name)}.${format === 'qcow2' ? 'qcow2' : 'img'}`;

/** Commands virt-install has no option for, run before it: the full copy of an imported disk or cloud image. */
export function virtInstallPrep(spec: CreateSpec, ctx: Pick<VirtInstallContext, 'name' | 'connect' | 'diskPath'>): string[][] {
  const src = spec.source;
  const d = spec.hardware.disk;
  if (!d || !((src.kind === 'import' && src.use === 'copy') || (src.kind === 'cloud' && src.use === 'copy'))) return [];
  const virsh = ['virsh', ...(ctx.connect ? ['--connect', ctx.connect] : [])];
  const target = copyName(ctx.name, d.format);
  const from = src.media.kind === 'volume' ? ['--pool', src.media.pool, src.media.volume] : [src.media.path];
  if (src.media.kind === 'path') {
    // On the host itself (qemu-img reads and writes local files), then libvirt is told about the file.
    const dest = ctx.diskPath ?? `<${d.pool}>/${target}`;
    return [
      ['qemu-img', 'convert', '-O', d.format, src.media.path, dest],
      ['qemu-img', 'resize', ...(d.format === 'raw' ? ['-f', 'raw'] : []), dest, `${d.sizeGiB}G`],
      [...virsh, 'pool-refresh', d.pool],
    ];
  }
  return [
    [...virsh, 'vol-clone', ...from, target, '--newpool', d.pool],
    [...virsh, 'vol-resize', '--pool', d.pool, target, `${d.sizeGiB}G`],
  ];
}

/** The commands as sh: the preparation lines, then virt-install with one option per line. */
export function virtInstallScript(prep: readonly string[][], argv: readonly string[]): string {
  return [...prep.map((p) => p.map(shellQuote).join(' ')), virtInstallText(argv)].join('\n');
}

/** The argv as one sh command, a backslash-continued line per option. */
export function virtInstallText(argv: readonly string[]): string {
  const lines: string[] = [];
  let cur = argv[0] ?? '';
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i]!;
    if (w.startsWith('--')) {
      lines.push(cur);
      cur = `  ${w}`;
    } else {
      // $VNC_PASSWORD stays a variable: double quotes around the one word that holds it.
      cur += ` ${w.includes('$VNC_PASSWORD') ? `"${w.replace(/(["\\`])/g, '\\$1')}"` : shellQuote(w)}`;
    }
  }
  lines.push(cur);
  return lines.join(' \\\n');
}
