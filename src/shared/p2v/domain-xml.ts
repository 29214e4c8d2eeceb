import { buildXml, type XmlNode } from '../libvirt/xml';
import type { P2vRequest } from './schema';

// The domain a P2V copy becomes. Built as a tree and serialised by the XML
// library (names and paths are escaped there, never spliced into a string).
// q35 with SATA (AHCI) and e1000e by default: a stock initramfs boots without
// virtio drivers. Boots from the first copied disk through its own bootloader
// (no direct kernel boot). The serial console is also logged to a file named
// by the VM's UUID, so the first boot of a conversion can be read afterwards.

export interface P2vDomainDisk {
  path: string;
  format: 'raw' | 'qcow2';
}

export interface P2vDomainSpec {
  req: Pick<P2vRequest, 'name' | 'vcpus' | 'memoryMiB' | 'firmware' | 'diskBus' | 'nicModel' | 'network' | 'virtType'>;
  uuid: string;
  disks: P2vDomainDisk[];
  /** One NIC each; a MAC only when the source's are kept. */
  nics: { mac?: string }[];
  /** Where libvirt keeps serial logs on the host. */
  logDir?: string;
}

const letters = 'abcdefghijklmnopqrstuvwxyz';
export function targetDev(bus: P2vRequest['diskBus'], i: number): string {
  const suffix = i < 26 ? letters[i] : `${letters[Math.floor(i / 26) - 1]}${letters[i % 26]}`;
  return `${bus === 'virtio' ? 'vd' : 'sd'}${suffix}`;
}

export function buildP2vDomainXml(s: P2vDomainSpec): string {
  const { req } = s;
  const disks: XmlNode[] = s.disks.map((d, i) => ({
    '@_type': 'file',
    '@_device': 'disk',
    driver: { '@_name': 'qemu', '@_type': d.format },
    source: { '@_file': d.path },
    target: { '@_dev': targetDev(req.diskBus, i), '@_bus': req.diskBus },
    ...(i === 0 ? { boot: { '@_order': '1' } } : {}),
  }));
  const nics: XmlNode[] = (s.nics.length ? s.nics : [{}]).map((n) => ({
    '@_type': 'network',
    ...(n.mac ? { mac: { '@_address': n.mac } } : {}),
    source: { '@_network': req.network },
    model: { '@_type': req.nicModel },
  }));
  const controllers: XmlNode[] = req.diskBus === 'scsi' ? [{ '@_type': 'scsi', '@_model': 'virtio-scsi' }] : [];
  const logDir = s.logDir ?? '/var/log/libvirt/qemu';
  const domain: XmlNode = {
    '@_type': req.virtType,
    name: req.name,
    uuid: s.uuid,
    metadata: { 'virtdeck:p2v': { '@_xmlns:virtdeck': 'https://virtdeck.dev/xmlns/p2v/1', '#text': 'converted by VirtDeck P2V' } },
    memory: { '@_unit': 'MiB', '#text': String(req.memoryMiB) },
    currentMemory: { '@_unit': 'MiB', '#text': String(req.memoryMiB) },
    vcpu: { '@_placement': 'static', '#text': String(req.vcpus) },
    os: {
      ...(req.firmware === 'uefi' ? { '@_firmware': 'efi' } : {}),
      type: { '@_arch': 'x86_64', '@_machine': 'q35', '#text': 'hvm' },
    },
    features: { acpi: '', apic: '' },
    ...(req.virtType === 'kvm' ? { cpu: { '@_mode': 'host-model' } } : {}),
    clock: { '@_offset': 'utc' },
    on_poweroff: 'destroy',
    on_reboot: 'restart',
    on_crash: 'destroy',
    devices: {
      disk: disks,
      ...(controllers.length ? { controller: controllers } : {}),
      interface: nics,
      serial: [{ '@_type': 'pty', log: { '@_file': `${logDir}/${s.uuid}-serial.log`, '@_append': 'off' }, target: { '@_port': '0' } }],
      console: [{ '@_type': 'pty', target: { '@_type': 'serial', '@_port': '0' } }],
      graphics: [{ '@_type': 'vnc', '@_port': '-1', '@_autoport': 'yes', '@_listen': '127.0.0.1', listen: { '@_type': 'address', '@_address': '127.0.0.1' } }],
      video: [{ model: { '@_type': 'vga' } }],
    },
  };
  return buildXml({ domain });
}
