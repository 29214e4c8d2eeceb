// Latin-script words a Chinese UI keeps as they are: product and protocol names,
// units and acronyms that Chinese sysadmins read in English (as virt-manager's
// zh_CN catalogue and the libvirt docs do). The untranslated-key tests (unit,
// source scan and the e2e walk) all share this one list.
export const ALLOWED_WORDS: ReadonlySet<string> = new Set([
  // product and project names
  'VirtDeck', 'libvirt', 'libvirtd', 'KVM', 'QEMU', 'qemu', 'virsh', 'virt-manager', 'noVNC', 'dnsmasq', 'OpenSSH', 'Linux', 'Windows', 'macOS', 'Debian', 'Ubuntu', 'systemd', 'cgroup', 'cgroups', 'cloud-init', 'fish', 'sh',
  // literal commands and link parts shown as code
  'virtdeck', 'serve', 'token', 'ssh-keygen', 'R', 'root', 'ssh', 'ssh_config', 'HostName', 'Port', 'User', 'ProxyJump', 'Host', 'J', 'Cookie', 'http', 'https',
  // protocols, standards, acronyms
  'VNC', 'SPICE', 'TAP', 'MACVTAP', 'hvm', 'pty', 'vnc', 'spice', 'virtio-net', 'virtio-scsi', 'cirrus', 'qxl', 'bochs', 'vga', 'SSH', 'UUID', 'CPU', 'CPUs', 'vCPU', 'vCPUs', 'NUMA', 'IP', 'IPs', 'IPv4', 'IPv6', 'MAC', 'DHCP', 'DNS', 'NAT', 'VEPA', 'XML', 'JSON', 'CSV', 'URL', 'URI', 'TCP', 'UDP', 'TLS', 'USB', 'PCI', 'PCIe', 'ISO', 'BIOS', 'UEFI', 'OVMF', 'ACPI', 'TPM', 'RNG', 'NIC', 'NICs', 'MTU', 'STP', 'VLAN', 'ID', 'OS', 'RAM', 'I/O', 'IO', 'IOPS', 'SCSI', 'SATA', 'IDE', 'virtio', 'VirtIO', 'e1000', 'rtl8139', 'qcow2', 'raw', 'ext4', 'LVM', 'NFS', 'iSCSI', 'P2V', 'RPC', 'ed25519', 'SHA256', 'SHA-256', 'known_hosts', 'TCG', 'PID', 'VGA', 'QXL', 'HTTP', 'HTTPS', 'WebSocket', 'Ctrl', 'Alt', 'Del', 'Shift', 'Esc', 'Enter', 'Tab', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12', 'SysRq', 'PrtSc', 'Backspace', 'localhost',
  // install tools and cloud-init terms (the New VM wizard)
  'virt-install', 'PXE', 'initrd', 'osinfo', 'curl', 'wget', 'runcmd', 'user-data', 'network-config',
  // P2V: source-side commands and disk layers
  'sudo', 'lsblk', 'fsfreeze', 'initramfs', 'LUKS', 'RAID', 'md', 'NVRAM',
  // units
  'B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'kB', 'MB', 'GB', 'TB', 'KB', 'MHz', 'GHz', 'ms', 's', 'min', 'h', 'k', 'M', 'G', 'bit', 'bits', 'pps', 'x86_64', 'aarch64', 'i686', 'amd64', 'arm64',
  // language names shown in their own script in the picker
  'English',
]);

/**
 * True when a piece of visible text needs no translation: it has no Latin
 * letters, or each Latin word is on the list (or in `extra`: names of hosts,
 * VMs, networks the user typed).
 */
export function isAllowedText(text: string, extra: ReadonlySet<string> = new Set()): boolean {
  // Code, not prose: filter syntax and key:value (tag:web), {n} patterns, paths and addresses (~/.ssh, user@host), dotted names (kvm1.example.org).
  const words = text.replace(/\S+:\S+|\{\w+\}|\S*[@/~]\S*|\w+(?:\.[\w-]+)+/g, ' ').match(/[A-Za-z][A-Za-z0-9_]*(?:[-.][A-Za-z0-9_]+)*/g);
  if (!words) return true;
  // Single capitals are keys (Ctrl+K) or units.
  // Words with a digit are identifiers (kvm1, e1000, x86_64).
  return words.every((w) => /^[A-Z]$/.test(w) || /\d/.test(w) || ALLOWED_WORDS.has(w) || extra.has(w));
}

/** zh-CN values allowed to equal their English source (the whole value is a product name or unit). */
export const SAME_IN_BOTH = (en: string): boolean => isAllowedText(en.replace(/\{\{[^}]+\}\}/g, ''));
