import type { CallArgs } from '../../shared/ipc/contract';
import { PASSWORD_PLACEHOLDER } from '../../shared/ipc/calls/vm-settings';
import { children, devicesOf, parseXmlDoc, serializeXmlDoc } from '../../shared/libvirt/dom/index';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { EventBus } from '../ipc/bus';
import type { TaskManager } from '../tasks/manager';
import type { DomainInventory } from '../libvirt/domain-inventory';
import { settingsChoices } from './capabilities';
import { domainClone } from './clone';
import { domainSetCpu, domainSetMemory } from './cpu-memory';
import { domainSettingsGet, inactiveXml, openDomain, syntaxFailure } from './definition';
import { domainAttachDisk, domainChangeMedia, domainDetachDisk, domainResizeDisk, domainSetIoTune, domainUpdateDisk } from './disks';
import { domainAttachNic, domainDetachNic, domainSetBoot, domainSetGraphics, domainSetSerial, domainSetVideo, domainUpdateNic } from './nics-display';
import { domainDefineRawXml } from './raw-xml';
import { snapshotCreate, snapshotDelete, snapshotList, snapshotRevert } from './snapshots';

/** Graphics passwords in XML for people are a placeholder; the real one never leaves the core. */
export function maskPasswords(xml: string): string {
  const doc = parseXmlDoc(xml);
  for (const g of children(devicesOf(doc), 'graphics')) if (g.hasAttribute('passwd')) g.setAttribute('passwd', PASSWORD_PLACEHOLDER);
  return serializeXmlDoc(doc);
}

/** Puts the stored passwords back where the edited XML still has the placeholder. */
export function restorePasswords(edited: string, stored: string): string {
  if (!edited.includes(PASSWORD_PLACEHOLDER)) return edited;
  const doc = parseXmlDoc(edited);
  const real = children(devicesOf(parseXmlDoc(stored)), 'graphics');
  children(devicesOf(doc), 'graphics').forEach((g, i) => {
    if (g.getAttribute('passwd') !== PASSWORD_PLACEHOLDER) return;
    const pw = real[i]?.getAttribute('passwd');
    if (pw) g.setAttribute('passwd', pw);
    else g.removeAttribute('passwd');
  });
  return serializeXmlDoc(doc);
}

/** The VM settings area's services, one method per contract call (handlers stay one line each). */
export class VmSettingsService {
  constructor(
    private readonly sessions: LibvirtSessions,
    private readonly tasks: TaskManager,
    private readonly inventory?: DomainInventory,
    /** Tells the storage views about volumes a clone made or removed. */
    private readonly bus?: EventBus,
  ) {}

  private open(a: { hostId: string; uuid: string }) {
    return openDomain(this.sessions, a.hostId, a.uuid);
  }

  /** Definitions changed: the tree's cached summary (vCPUs, memory) is stale. */
  private touched<T>(a: { hostId: string; uuid: string }, r: T): T {
    this.inventory?.invalidate(a.hostId, [a.uuid]);
    return r;
  }

  get(a: CallArgs<'vmSettings.get'>) {
    return domainSettingsGet(this.sessions, a.hostId, a.uuid);
  }
  async choices(a: CallArgs<'vmSettings.choices'>) {
    return settingsChoices(await this.open(a));
  }
  async setCpu(a: CallArgs<'vmSettings.setCpu'>) {
    return this.touched(a, await domainSetCpu(await this.open(a), a.cpu));
  }
  async setMemory(a: CallArgs<'vmSettings.setMemory'>) {
    return this.touched(a, await domainSetMemory(await this.open(a), a.memory));
  }
  async setBoot(a: CallArgs<'vmSettings.setBoot'>) {
    return domainSetBoot(await this.open(a), a.boot);
  }
  async attachDisk(a: CallArgs<'vmSettings.attachDisk'>) {
    return domainAttachDisk(await this.open(a), a.disk, a.create);
  }
  async detachDisk(a: CallArgs<'vmSettings.detachDisk'>) {
    return domainDetachDisk(await this.open(a), a.target);
  }
  async changeMedia(a: CallArgs<'vmSettings.changeMedia'>) {
    return domainChangeMedia(await this.open(a), a.target, a.source);
  }
  async updateDisk(a: CallArgs<'vmSettings.updateDisk'>) {
    return domainUpdateDisk(await this.open(a), a.target, { bus: a.bus, cache: a.cache, io: a.io, discard: a.discard });
  }
  async resizeDisk(a: CallArgs<'vmSettings.resizeDisk'>) {
    return domainResizeDisk(await this.open(a), a.target, a.sizeBytes);
  }
  async setDiskIoTune(a: CallArgs<'vmSettings.setDiskIoTune'>) {
    return domainSetIoTune(await this.open(a), a.target, a.iotune);
  }
  async attachNic(a: CallArgs<'vmSettings.attachNic'>) {
    return domainAttachNic(await this.open(a), a.nic);
  }
  async detachNic(a: CallArgs<'vmSettings.detachNic'>) {
    return domainDetachNic(await this.open(a), a.mac);
  }
  async updateNic(a: CallArgs<'vmSettings.updateNic'>) {
    const { hostId: _h, uuid: _u, mac, newMac, ...edit } = a;
    return domainUpdateNic(await this.open(a), mac, { ...edit, ...(newMac ? { mac: newMac } : {}) });
  }
  async setGraphics(a: CallArgs<'vmSettings.setGraphics'>) {
    return domainSetGraphics(await this.open(a), a.index, { listen: a.listen, password: a.password });
  }
  async setVideo(a: CallArgs<'vmSettings.setVideo'>) {
    return domainSetVideo(await this.open(a), a.model);
  }
  async setSerial(a: CallArgs<'vmSettings.setSerial'>) {
    return domainSetSerial(await this.open(a), a.remove !== undefined ? { remove: a.remove } : { add: true });
  }
  async getXml(a: CallArgs<'vmSettings.getXml'>) {
    return { xml: maskPasswords(await inactiveXml(await this.open(a))) };
  }
  async defineXml(a: CallArgs<'vmSettings.defineXml'>) {
    const h = await this.open(a);
    let xml: string;
    try {
      xml = restorePasswords(a.xml, await inactiveXml(h));
    } catch (e) {
      throw syntaxFailure(e, a.hostId) ?? e;
    }
    const r = await domainDefineRawXml(h, xml, maskPasswords, a.xml);
    return this.touched(a, { stored: maskPasswords(r.stored), storedDiff: r.storedDiff });
  }
  async clone(a: CallArgs<'domains.clone'>) {
    const { taskId } = await domainClone(this.tasks, { sessions: this.sessions, bus: this.bus }, a.hostId, a.uuid, { names: a.names, linked: a.linked });
    return { taskId };
  }
  async snapshotList(a: CallArgs<'snapshots.list'>) {
    return snapshotList(await this.open(a));
  }
  async snapshotCreate(a: CallArgs<'snapshots.create'>) {
    const { taskId } = await snapshotCreate(this.tasks, await this.open(a), { name: a.name, description: a.description, kind: a.kind });
    return { taskId };
  }
  async snapshotRevert(a: CallArgs<'snapshots.revert'>) {
    const { taskId } = await snapshotRevert(this.tasks, await this.open(a), a.name);
    return { taskId };
  }
  async snapshotDelete(a: CallArgs<'snapshots.delete'>) {
    return snapshotDelete(await this.open(a), a.name, a.children);
  }
}
