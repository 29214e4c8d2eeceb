import type { OsProfile } from './os';

// Network install (virt-install --location): find the kernel and initrd in a
// distribution tree. Like virt-install's urldetect: .treeinfo first (Fedora,
// RHEL and clones, CentOS Stream, openSUSE media), then the OS database's
// paths, then the layouts distributions are known to use.

export interface TreeBoot {
  kernel: string;
  initrd: string;
  /** Where the paths came from, for the task log. */
  from: string;
  /** Anaconda trees need to be told where the packages are (inst.repo). */
  anaconda: boolean;
}

export const KNOWN_LAYOUTS: readonly TreeBoot[] = [
  { kernel: 'images/pxeboot/vmlinuz', initrd: 'images/pxeboot/initrd.img', from: 'Fedora/RHEL layout', anaconda: true },
  { kernel: 'install.amd/vmlinuz', initrd: 'install.amd/initrd.gz', from: 'Debian CD layout', anaconda: false },
  { kernel: 'current/images/netboot/debian-installer/amd64/linux', initrd: 'current/images/netboot/debian-installer/amd64/initrd.gz', from: 'Debian installer layout', anaconda: false },
  { kernel: 'main/installer-amd64/current/images/netboot/debian-installer/amd64/linux', initrd: 'main/installer-amd64/current/images/netboot/debian-installer/amd64/initrd.gz', from: 'Debian mirror layout', anaconda: false },
  { kernel: 'casper/vmlinuz', initrd: 'casper/initrd', from: 'Ubuntu layout', anaconda: false },
  { kernel: 'boot/x86_64/loader/linux', initrd: 'boot/x86_64/loader/initrd', from: 'SUSE layout', anaconda: false },
  { kernel: 'boot/vmlinuz-lts', initrd: 'boot/initramfs-lts', from: 'Alpine layout', anaconda: false },
];

/** Reads [images-x86_64] (or the arch-less [images]) of a .treeinfo (an INI file). */
export function parseTreeinfo(text: string): TreeBoot | undefined {
  const sections = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      cur = new Map();
      sections.set(sec[1]!.trim().toLowerCase(), cur);
      continue;
    }
    const kv = /^([^=:]+)[=:](.*)$/.exec(line);
    if (kv && cur) cur.set(kv[1]!.trim().toLowerCase(), kv[2]!.trim());
  }
  for (const name of ['images-x86_64', 'images-xen', 'images']) {
    const s = sections.get(name);
    const kernel = s?.get('kernel');
    const initrd = s?.get('initrd');
    if (kernel && initrd) {
      const family = sections.get('release')?.get('name') ?? sections.get('general')?.get('family') ?? '';
      return { kernel, initrd, from: `.treeinfo [${name}]${family ? ` (${family})` : ''}`, anaconda: !/suse/i.test(family) };
    }
  }
  return undefined;
}

/** Candidate layouts to try, most likely first: the OS database's own, then the known ones. */
export function treeCandidates(os: Pick<OsProfile, 'tree' | 'name'> | undefined): TreeBoot[] {
  const out: TreeBoot[] = [];
  if (os?.tree) out.push({ ...os.tree, from: `the OS database (${os.name})`, anaconda: os.tree.kernel.startsWith('images/pxeboot') });
  for (const l of KNOWN_LAYOUTS) if (!out.some((o) => o.kernel === l.kernel)) out.push(l);
  return out;
}

/** `base` + a path inside the tree (a base without trailing slash is a directory too). */
export function treeUrl(base: string, rel: string): string {
  const u = new URL(base.endsWith('/') ? base : `${base}/`);
  return new URL(rel.replace(/^\/+/, ''), u).toString();
}

/** The kernel command line of the install boot: the admin's arguments, plus inst.repo for Anaconda trees. */
export function installCmdline(url: string, boot: Pick<TreeBoot, 'anaconda'>, extra: string): string {
  const args = extra.trim();
  if (boot.anaconda && !/\binst\.repo=|\bmethod=/.test(args)) return `${args ? `${args} ` : ''}inst.repo=${url}`;
  return args;
}
