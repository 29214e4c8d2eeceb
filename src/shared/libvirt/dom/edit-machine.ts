import type { BootConfig, CpuConfig, MemoryConfig } from '../../model/vm-settings';
import { appendChild, attr, child, children, domainRoot, ensureChild, makeElement, path, pruneIfEmpty, removeChild, removeElement, setAttr, setText, type XmlDocument, type XmlElement } from './xml-dom';

// Editors for the machine-wide sections (CPU, memory, boot). Each changes only
// the elements its form owns and leaves every sibling, attribute and comment
// it does not know as it was.

/** Sets (or removes, when undefined) a text child such as <shares>2048</shares>. */
function setTextChild(parent: XmlElement, name: string, value: number | string | undefined): void {
  if (value === undefined) return removeChild(parent, name);
  setText(ensureChild(parent, name), value);
}

export function editCpu(doc: XmlDocument, cpu: CpuConfig): void {
  if (cpu.vcpus > cpu.maxVcpus) throw new Error(`vCPUs (${cpu.vcpus}) cannot exceed the maximum (${cpu.maxVcpus})`);
  if (cpu.topology) {
    const n = cpu.topology.sockets * cpu.topology.cores * cpu.topology.threads;
    if (n !== cpu.maxVcpus) throw new Error(`the topology gives ${n} vCPUs but the maximum is ${cpu.maxVcpus}: sockets × cores × threads must equal it`);
  }
  for (const p of cpu.pins) if (p.vcpu >= cpu.maxVcpus) throw new Error(`vCPU ${p.vcpu} is pinned but the VM has only ${cpu.maxVcpus}`);
  const root = domainRoot(doc);
  const vcpu = ensureChild(root, 'vcpu', ['os', 'devices']);
  setText(vcpu, cpu.maxVcpus);
  setAttr(vcpu, 'current', cpu.vcpus < cpu.maxVcpus ? cpu.vcpus : undefined);
  if (!attr(vcpu, 'placement')) setAttr(vcpu, 'placement', 'static');

  // <cpu>: mode, model, topology. Features, cache, numa cells inside it are kept.
  const hadCpu = child(root, 'cpu');
  if (cpu.mode !== 'default' || cpu.topology || hadCpu) {
    const el = ensureChild(root, 'cpu', ['clock', 'on_poweroff', 'devices']);
    if (cpu.mode === 'default') {
      el.removeAttribute('mode');
      removeChild(el, 'model');
    } else {
      setAttr(el, 'mode', cpu.mode);
      if (cpu.mode === 'custom') {
        if (!cpu.model) throw new Error('a custom CPU needs a model name');
        const model = ensureChild(el, 'model');
        setText(model, cpu.model);
        if (!attr(model, 'fallback')) setAttr(model, 'fallback', 'forbid');
        if (!attr(el, 'match')) setAttr(el, 'match', 'exact');
      } else {
        removeChild(el, 'model');
        // host-passthrough/host-model take no match attribute; a stale one fails validation.
        el.removeAttribute('match');
      }
    }
    if (cpu.topology) {
      const t = ensureChild(el, 'topology');
      setAttr(t, 'sockets', cpu.topology.sockets);
      setAttr(t, 'dies', attr(t, 'dies') ? 1 : undefined);
      setAttr(t, 'cores', cpu.topology.cores);
      setAttr(t, 'threads', cpu.topology.threads);
    } else removeChild(el, 'topology');
    pruneIfEmpty(el);
  }

  // <cputune>: pins and CFS numbers. global_*, iothread_*, cachetune… stay.
  const tune = ensureChild(root, 'cputune', ['os']);
  setTextChild(tune, 'shares', cpu.shares);
  setTextChild(tune, 'period', cpu.period);
  setTextChild(tune, 'quota', cpu.quota);
  removeChild(tune, 'vcpupin');
  for (const p of [...cpu.pins].sort((a, b) => a.vcpu - b.vcpu)) appendChild(tune, makeElement(doc, 'vcpupin', { vcpu: p.vcpu, cpuset: p.cpuset }));
  if (cpu.emulatorPin) setAttr(ensureChild(tune, 'emulatorpin'), 'cpuset', cpu.emulatorPin);
  else removeChild(tune, 'emulatorpin');
  pruneIfEmpty(tune);
}

function setKiB(parent: XmlElement, name: string, kib: number | undefined, before: string[] = []): void {
  if (kib === undefined) return removeChild(parent, name);
  const el = ensureChild(parent, name, before);
  setAttr(el, 'unit', 'KiB');
  setText(el, kib);
}

export function editMemory(doc: XmlDocument, mem: Omit<MemoryConfig, 'balloon'>): void {
  if (mem.currentKiB > mem.maxKiB) throw new Error('current memory cannot exceed the maximum');
  const root = domainRoot(doc);
  setKiB(root, 'memory', mem.maxKiB, ['vcpu', 'os']);
  setKiB(root, 'currentMemory', mem.currentKiB, ['vcpu', 'os']);
  const tune = ensureChild(root, 'memtune', ['vcpu', 'os']);
  setKiB(tune, 'hard_limit', mem.hardLimitKiB);
  setKiB(tune, 'soft_limit', mem.softLimitKiB);
  setKiB(tune, 'swap_hard_limit', mem.swapHardLimitKiB);
  pruneIfEmpty(tune);
  const numatune = ensureChild(root, 'numatune', ['os']);
  if (mem.numa) {
    const m = ensureChild(numatune, 'memory');
    setAttr(m, 'mode', mem.numa.mode);
    setAttr(m, 'nodeset', mem.numa.nodeset);
    m.removeAttribute('placement');
  } else removeChild(numatune, 'memory');
  pruneIfEmpty(numatune);
}

/** Finds a disk by target dev or a NIC by MAC in <devices>. */
export function findBootable(doc: XmlDocument, kind: 'disk' | 'nic', key: string): XmlElement | undefined {
  const devices = path(domainRoot(doc), 'devices');
  if (!devices) return undefined;
  if (kind === 'disk') return children(devices, 'disk').find((d) => attr(child(d, 'target') ?? undefined, 'dev') === key);
  return children(devices, 'interface').find((i) => (attr(child(i, 'mac') ?? undefined, 'address') ?? '').toLowerCase() === key.toLowerCase());
}

export type BootEdit = Pick<BootConfig, 'order' | 'menu' | 'menuTimeoutMs' | 'kernel' | 'initrd' | 'cmdline'> & { firmware?: BootConfig['firmware'] };

export function editBoot(doc: XmlDocument, boot: BootEdit): void {
  const root = domainRoot(doc);
  const os = child(root, 'os');
  if (!os) throw new Error('the definition has no <os> element');
  // libvirt refuses per-device <boot order> together with <os><boot dev>
  // ("per-device boot elements cannot be used together with os/boot elements"),
  // so the per-device order replaces the old list (as cockpit-machines does).
  const devices = path(root, 'devices');
  if (devices) for (const d of [...children(devices, 'disk'), ...children(devices, 'interface'), ...children(devices, 'hostdev'), ...children(devices, 'redirdev')]) removeChild(d, 'boot');
  if (boot.order.length) {
    removeChild(os, 'boot');
    boot.order.forEach((b, i) => {
      const el = findBootable(doc, b.kind, b.key);
      if (!el) throw new Error(`no ${b.kind === 'disk' ? 'disk' : 'network interface'} ${b.key} to boot from`);
      appendChild(el, makeElement(doc, 'boot', { order: i + 1 }), ['alias', 'address']);
    });
  }
  const menu = child(os, 'bootmenu');
  if (boot.menu) {
    const m = menu ?? appendChild(os, makeElement(doc, 'bootmenu'));
    setAttr(m, 'enable', 'yes');
    setAttr(m, 'timeout', boot.menuTimeoutMs);
  } else if (menu) removeElement(menu);

  for (const [name, value] of [['kernel', boot.kernel], ['initrd', boot.initrd], ['cmdline', boot.cmdline]] as const) {
    if (value === undefined || value === '') removeChild(os, name);
    else setText(ensureChild(os, name), value);
  }
  if (boot.firmware) setFirmware(doc, os, boot.firmware);
}

/**
 * BIOS <-> UEFI through libvirt's firmware auto-selection (<os firmware='efi'>),
 * so the host picks a matching OVMF build and NVRAM template. An explicit
 * <loader> path the admin chose is kept when the kind already matches.
 */
function setFirmware(doc: XmlDocument, os: XmlElement, fw: 'bios' | 'uefi'): void {
  const loader = child(os, 'loader');
  const isUefi = attr(os, 'firmware') === 'efi' || attr(loader, 'type') === 'pflash';
  if (fw === 'uefi' && !isUefi) {
    setAttr(os, 'firmware', 'efi');
    if (loader) removeElement(loader);
    removeChild(os, 'nvram');
  } else if (fw === 'bios' && isUefi) {
    os.removeAttribute('firmware');
    if (loader) removeElement(loader);
    removeChild(os, 'nvram');
    const fwEl = child(os, 'firmware');
    if (fwEl) removeElement(fwEl);
  }
  void doc;
}
