import { VIRTDECK_NS } from '../libvirt/domain-xml';
import { appendChild, buildDisk, buildNic, devicesOf, domainRoot, makeElement, parseXmlDoc, serializeXmlDoc, setText, type XmlDocument, type XmlElement } from '../libvirt/dom/index';
import { OSINFO_NS, writeInstallPlan, type InstallPlan, type VolumeRef } from './install-meta';
import type { OsProfile } from './os';
import type { CreateSpec } from './spec';

// The new VM's definition, built as a DOM with the same helpers the settings
// pages edit it with (never a string template: names and paths are data).
// It is the install-phase definition: the install media, direct kernel boot
// and the cloud-init seed are in it, and the plan to drop them after the
// first start rides along in our metadata (install-meta.ts).

/** Where the core put things on the host (paths are the host's). */
export interface BuildInput {
  spec: CreateSpec;
  /** This copy's name (copies differ from spec.name). */
  name: string;
  os: OsProfile;
  /** The NIC's MAC (the core picks it, so cloud-init's network-config can match it). */
  mac?: string;
  /** The VM's main disk. */
  disk?: { path: string; format: 'qcow2' | 'raw' };
  /** The install ISO (source iso). */
  iso?: { path: string };
  /** The NoCloud seed volume. */
  seed?: VolumeRef & { path: string };
  /** Direct kernel boot of a network install. */
  kernel?: { kernel: string; initrd: string; cmdline: string; scratch: VolumeRef[] };
}

export interface BuildResult {
  xml: string;
  plan: InstallPlan;
  /** Disk targets picked (for the virt-install line and the task log). */
  targets: { disk?: string; iso?: string; seed?: string };
}

const cdromBus = (machine: 'q35' | 'pc') => (machine === 'q35' ? 'sata' : 'ide');

export function buildDomainXml(input: BuildInput): BuildResult {
  const { spec, os } = input;
  const hw = spec.hardware;
  const doc = parseXmlDoc(`<domain type="${hw.accel === 'kvm' ? 'kvm' : 'qemu'}">\n</domain>`);
  const root = domainRoot(doc);
  const add = (parent: XmlElement, name: string, attrs: Record<string, string | number | boolean | undefined> = {}, text?: string | number) =>
    appendChild(parent, makeElement(doc, name, attrs, text));

  add(root, 'name', {}, input.name);
  if (spec.title) add(root, 'title', {}, spec.title);
  writeMetadata(doc, root, spec, os);
  add(root, 'memory', { unit: 'MiB' }, hw.memoryMiB);
  add(root, 'currentMemory', { unit: 'MiB' }, hw.memoryMiB);
  add(root, 'vcpu', { placement: 'static' }, hw.vcpus);

  const osEl = add(root, 'os', hw.firmware === 'uefi' ? { firmware: 'efi' } : {});
  add(osEl, 'type', { arch: 'x86_64', machine: hw.machine }, 'hvm');
  if (input.kernel) {
    add(osEl, 'kernel', {}, input.kernel.kernel);
    add(osEl, 'initrd', {}, input.kernel.initrd);
    if (input.kernel.cmdline) add(osEl, 'cmdline', {}, input.kernel.cmdline);
  }
  // SeaBIOS (and iPXE through it) print to the serial port too: a PXE attempt shows in the serial console.
  if (hw.serialBios && hw.firmware === 'bios') add(osEl, 'bios', { useserial: 'yes' });

  const features = add(root, 'features');
  add(features, 'acpi');
  add(features, 'apic');
  if (os.hyperv) {
    const hv = add(features, 'hyperv', { mode: 'custom' });
    add(hv, 'relaxed', { state: 'on' });
    add(hv, 'vapic', { state: 'on' });
    add(hv, 'spinlocks', { state: 'on', retries: 8191 });
  }
  if (hw.machine === 'q35' && hw.firmware === 'uefi' && os.family === 'windows') add(features, 'smm', { state: 'on' });
  // TCG cannot pass the host CPU through (and QEMU's default model boots everything).
  if (hw.accel === 'kvm' && hw.cpuMode !== 'default') add(root, 'cpu', { mode: hw.cpuMode, ...(hw.cpuMode === 'host-passthrough' ? { check: 'none', migratable: 'on' } : {}) });
  const clock = add(root, 'clock', { offset: os.clock });
  add(clock, 'timer', { name: 'rtc', tickpolicy: 'catchup' });
  add(clock, 'timer', { name: 'pit', tickpolicy: 'delay' });
  add(clock, 'timer', { name: 'hpet', present: 'no' });
  if (os.hyperv) add(clock, 'timer', { name: 'hypervclock', present: 'yes' });
  add(root, 'on_poweroff', {}, 'destroy');
  add(root, 'on_reboot', {}, 'restart');
  add(root, 'on_crash', {}, 'destroy');
  const pm = add(root, 'pm');
  add(pm, 'suspend-to-mem', { enabled: 'no' });
  add(pm, 'suspend-to-disk', { enabled: 'no' });

  const devices = devicesOf(doc);
  const targets: BuildResult['targets'] = {};
  const installBoot: Array<{ kind: 'disk' | 'nic'; key: string }> = [];
  const finalBoot: InstallPlan['boot'] = [];
  const kind = spec.source.kind;

  if (input.disk && hw.disk) {
    const d = buildDisk(doc, { device: 'disk', bus: hw.disk.bus, source: { kind: 'file', path: input.disk.path }, format: input.disk.format, discard: hw.disk.bus === 'ide' ? undefined : 'unmap' });
    targets.disk = targetDev(d);
    appendChild(devices, d);
    finalBoot.push({ kind: 'disk', key: targets.disk! });
  }
  if (input.iso) {
    const cd = buildDisk(doc, { device: 'cdrom', bus: cdromBus(hw.machine), source: { kind: 'file', path: input.iso.path } });
    targets.iso = targetDev(cd);
    appendChild(devices, cd);
    installBoot.push({ kind: 'disk', key: targets.iso! });
  }
  if (input.seed) {
    // A read-only virtio disk where the OS has drivers (it hot-unplugs once read); else a CD-ROM.
    const seed = os.virtio
      ? buildDisk(doc, { device: 'disk', bus: 'virtio', source: { kind: 'file', path: input.seed.path }, format: 'raw', readonly: true })
      : buildDisk(doc, { device: 'cdrom', bus: cdromBus(hw.machine), source: { kind: 'file', path: input.seed.path } });
    targets.seed = targetDev(seed);
    appendChild(devices, seed);
  }
  if (hw.nic) {
    const nic = buildNic(doc, { type: hw.nic.type, source: hw.nic.source, model: hw.nic.model, mac: input.mac ?? hw.nic.mac });
    appendChild(devices, nic);
    const mac = input.mac ?? hw.nic.mac;
    if (mac) {
      if (kind === 'pxe') installBoot.push({ kind: 'nic', key: mac });
      // A diskless PXE client keeps booting from the network.
      if (kind === 'pxe' && !targets.disk) finalBoot.push({ kind: 'nic', key: mac });
    }
  }
  // Install phase: media first, then the disk; direct kernel boot needs no order.
  const order = [...installBoot, ...finalBoot.filter((f) => !installBoot.some((i) => i.key === f.key))];
  order.forEach((b, i) => {
    const el = b.kind === 'disk' ? findDisk(devices, b.key) : findNic(devices, b.key);
    if (el) appendChild(el, makeElement(doc, 'boot', { order: i + 1 }), ['alias', 'address']);
  });

  const serial = add(devices, 'serial', { type: 'pty' });
  add(serial, 'target', { port: 0 });
  const console = add(devices, 'console', { type: 'pty' });
  add(console, 'target', { type: 'serial', port: 0 });
  if (os.virtio && os.family === 'linux') {
    const ch = add(devices, 'channel', { type: 'unix' });
    add(ch, 'target', { type: 'virtio', name: 'org.qemu.guest_agent.0' });
  }
  if (hw.vnc) {
    add(devices, 'input', { type: 'tablet', bus: 'usb' });
    const g = add(devices, 'graphics', { type: 'vnc', port: -1, autoport: 'yes', listen: '127.0.0.1', passwd: hw.vncPassword || undefined });
    add(g, 'listen', { type: 'address', address: '127.0.0.1' });
  }
  const video = add(devices, 'video');
  add(video, 'model', { type: hw.video });
  if (hw.tpm) {
    const tpm = add(devices, 'tpm', { model: hw.machine === 'q35' ? 'tpm-crb' : 'tpm-tis' });
    add(tpm, 'backend', { type: 'emulator', version: '2.0' });
  }
  if (os.virtio) {
    const rng = add(devices, 'rng', { model: 'virtio' });
    add(rng, 'backend', { model: 'random' }, '/dev/urandom');
  }
  add(devices, 'memballoon', { model: os.virtio ? 'virtio' : 'none' });

  const plan: InstallPlan = {
    kernel: !!input.kernel,
    ...(targets.iso ? { mediaTarget: targets.iso } : {}),
    ...(input.seed && targets.seed ? { seed: { pool: input.seed.pool, volume: input.seed.volume, target: targets.seed } } : {}),
    scratch: input.kernel?.scratch ?? [],
    boot: finalBoot,
  };
  if (plan.kernel || plan.mediaTarget || plan.seed || plan.scratch.length || installBoot.length) writeInstallPlan(doc, plan);
  reindent(root, '');
  return { xml: serializeXmlDoc(doc) + '\n', plan, targets };
}

/** Two-space indentation throughout (device helpers build detached elements, which indent from zero). */
function reindent(el: XmlElement, indent: string): void {
  const kids: XmlElement[] = [];
  let onlySpace = true;
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) kids.push(n as XmlElement);
    else if (n.nodeType === 3 && (n.nodeValue ?? '').trim()) onlySpace = false;
  }
  if (!kids.length || !onlySpace) return;
  const doc = el.ownerDocument!;
  for (let n = el.firstChild; n; ) {
    const next = n.nextSibling;
    if (n.nodeType === 3) el.removeChild(n);
    n = next;
  }
  for (const k of kids) {
    el.insertBefore(doc.createTextNode(`\n${indent}  `), k);
    reindent(k, `${indent}  `);
  }
  el.appendChild(doc.createTextNode(`\n${indent}`));
}

function targetDev(el: XmlElement): string | undefined {
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as XmlElement).localName === 'target') return (n as XmlElement).getAttribute('dev') ?? undefined;
  return undefined;
}
const findDisk = (devices: XmlElement, target: string) => Array.from(devices.getElementsByTagName('disk')).find((d) => targetDev(d) === target);
const findNic = (devices: XmlElement, mac: string) =>
  Array.from(devices.getElementsByTagName('interface')).find((n) => (n.getElementsByTagName('mac')[0]?.getAttribute('address') ?? '').toLowerCase() === mac.toLowerCase());

function writeMetadata(doc: XmlDocument, root: XmlElement, spec: CreateSpec, os: OsProfile): void {
  const osinfoId = spec.osinfoId ?? os.osinfoId;
  const tags = [...new Set(spec.tags)];
  if (!osinfoId && !tags.length) return;
  const md = appendChild(root, makeElement(doc, 'metadata'));
  if (osinfoId) {
    // virt-install's record of the OS, which virt-manager and cockpit read back.
    const lo = doc.createElementNS(OSINFO_NS, 'libosinfo:libosinfo');
    const o = doc.createElementNS(OSINFO_NS, 'libosinfo:os');
    o.setAttribute('id', osinfoId);
    appendChild(lo, o);
    appendChild(md, lo);
  }
  if (tags.length) {
    const t = doc.createElementNS(VIRTDECK_NS, 'virtdeck:tags');
    for (const tag of tags) {
      const e = doc.createElementNS(VIRTDECK_NS, 'virtdeck:tag');
      setText(e, tag);
      appendChild(t, e);
    }
    appendChild(md, t);
  }
}
