import { attr, child, children, parseXmlDoc, path, readConfig } from '../../shared/libvirt/dom/index';
import type { SettingsChoices } from '../../shared/ipc/calls/vm-settings';
import { P } from '../libvirt/rpc/procedures/index';
import { fail, inactiveXml, type DomainHandle } from './definition';

// What the settings forms may offer for one VM on its host: the CPU models
// and modes QEMU supports there (domain capabilities for the VM's own
// emulator/arch/machine/virt type), the host's NUMA cells with their CPUs,
// firmware kinds, disk buses and video models.

const enumValues = (el: ReturnType<typeof child>, name: string): string[] =>
  el ? children(el, 'enum').filter((e) => attr(e, 'name') === name).flatMap((e) => children(e, 'value').map((v) => (v.textContent ?? '').trim())) : [];

export async function settingsChoices(h: DomainHandle): Promise<SettingsChoices> {
  const cfg = readConfig(parseXmlDoc(await inactiveXml(h)));
  const [capsXml, domCapsXml] = await Promise.all([
    h.c.call(P.CONNECT_GET_CAPABILITIES).catch(fail(h, 'Reading host capabilities')),
    h.c
      .call(P.CONNECT_GET_DOMAIN_CAPABILITIES, { emulatorbin: null, arch: cfg.arch ?? null, machine: cfg.machine ?? null, virttype: cfg.virtType, flags: 0 })
      .catch(fail(h, 'Reading domain capabilities')),
  ]);
  const host = parseXmlDoc(capsXml).documentElement!;
  const cells = (() => {
    const c = path(host, 'host', 'topology', 'cells');
    return c ? children(c, 'cell') : [];
  })();
  const numaCells = cells.map((cell) => {
    const mem = child(cell, 'memory');
    const cpus = child(cell, 'cpus');
    return {
      id: Number(attr(cell, 'id') ?? 0),
      memoryKiB: Number(mem?.textContent ?? 0),
      cpus: cpus ? children(cpus, 'cpu').map((x) => Number(attr(x, 'id'))) : [],
    };
  });
  const dc = parseXmlDoc(domCapsXml).documentElement!;
  const cpu = child(dc, 'cpu');
  const modes = cpu ? children(cpu, 'mode').filter((m) => attr(m, 'supported') === 'yes') : [];
  const custom = modes.find((m) => attr(m, 'name') === 'custom');
  const cpuModels = custom ? children(custom, 'model').filter((m) => attr(m, 'usable') !== 'no').map((m) => (m.textContent ?? '').trim()) : [];
  const hostModel = modes.find((m) => attr(m, 'name') === 'host-model');
  const devices = child(dc, 'devices');
  const os = child(dc, 'os');
  return {
    cpuModes: ['default', ...modes.map((m) => attr(m, 'name') ?? '').filter((m) => ['host-passthrough', 'host-model', 'custom', 'maximum'].includes(m))] as SettingsChoices['cpuModes'],
    cpuModels: [...new Set(cpuModels)].sort(),
    hostModel: hostModel ? (child(hostModel, 'model')?.textContent ?? '').trim() || undefined : undefined,
    maxVcpus: Number(attr(child(dc, 'vcpu'), 'max') ?? 255),
    hostCpus: numaCells.reduce((a, c) => a + c.cpus.length, 0),
    numaCells,
    firmware: enumValues(os, 'firmware').length ? enumValues(os, 'firmware') : ['bios'],
    diskBuses: enumValues(devices && child(devices, 'disk'), 'bus'),
    videoModels: enumValues(devices && child(devices, 'video'), 'modelType'),
    nicModels: ['virtio', 'e1000e', 'e1000', 'rtl8139'],
  };
}
