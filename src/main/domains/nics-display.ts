import { randomBytes } from 'node:crypto';
import { AppFailure } from '../../shared/ipc/result';
import {
  addSerial,
  appendChild,
  buildNic,
  devicesOf,
  editBoot,
  editGraphics,
  editNic,
  nicByMac,
  readConfig,
  readNic,
  removeElement,
  removeSerial,
  serializeElement,
  setVideoModel,
  children,
  type BootEdit,
  type GraphicsEdit,
  type NewNic,
  type NicEdit,
} from '../../shared/libvirt/dom/index';
import type { ApplyResult } from '../../shared/model/vm-settings';
import { P } from '../libvirt/rpc/procedures/index';
import { AffectFlags } from '../libvirt/rpc/procedures/domain-settings';
import { editDefinition, fail, liveDoc, Outcome, updateLiveDevice, type DomainHandle } from './definition';
import { aliasPresent, detachLive } from './detach';

/** A locally administered MAC in QEMU's 52:54:00 range, as virt-manager picks them. */
export function randomMac(): string {
  const b = randomBytes(3);
  return `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
}

export async function domainAttachNic(h: DomainHandle, spec: NewNic): Promise<ApplyResult> {
  // Our own MAC, so the definition and the live device are the same NIC.
  const mac = (spec.mac ?? randomMac()).toLowerCase();
  let xml = '';
  if (h.persistent) {
    await editDefinition(h, `Adding a network interface to ${h.dom.name}`, (d) => {
      if (nicByMac(d, mac)) throw new Error(`a NIC with MAC ${mac} already exists`);
      xml = serializeElement(appendChild(devicesOf(d), buildNic(d, { ...spec, mac })));
    });
  } else {
    const live = await liveDoc(h);
    xml = serializeElement(buildNic(live, { ...spec, mac }));
  }
  const out = new Outcome(h);
  await out.tryLive(`NIC ${mac} (${spec.model}) on ${spec.type} ${spec.source}`, () => h.c.call(P.DOMAIN_ATTACH_DEVICE_FLAGS, { dom: h.dom, xml, flags: AffectFlags.LIVE }));
  return out.result();
}

export async function domainDetachNic(h: DomainHandle, mac: string): Promise<ApplyResult> {
  const out = new Outcome(h);
  if (h.active) {
    const el = nicByMac(await liveDoc(h), mac);
    const alias = el && readNic(el).alias;
    if (el && alias) {
      const r = await detachLive(h, alias, serializeElement(el), aliasPresent(h, alias)).catch(fail(h, `Unplugging NIC ${mac}`));
      if (r.removed) out.applied(`NIC ${mac} removed`);
      else out.warn(`NIC ${mac} is still in the running VM: ${r.message}. It is removed from the definition, so it is gone after the next boot.`);
    }
  }
  if (h.persistent) {
    let found = false;
    await editDefinition(h, `Removing NIC ${mac}`, (d) => {
      const el = nicByMac(d, mac);
      if (el) {
        found = true;
        removeElement(el);
      }
    });
    if (found && !out.result().changes.length) out.saved(`NIC ${mac} removed`);
  }
  const r = out.result();
  if (!r.changes.length && !r.warnings.length) throw new AppFailure('NOT_FOUND', `${h.dom.name} has no NIC ${mac}`, { hostId: h.hostId });
  return r;
}

/**
 * Source, link state and bandwidth change live (UpdateDevice); model and MAC
 * only in the definition ("cannot modify network device model" in QEMU).
 */
export async function domainUpdateNic(h: DomainHandle, mac: string, edit: NicEdit): Promise<ApplyResult> {
  const out = new Outcome(h);
  if (h.persistent) {
    await editDefinition(h, `Changing NIC ${mac}`, (d) => {
      const el = nicByMac(d, mac);
      if (!el) throw new Error(`no NIC ${mac}`);
      editNic(d, el, edit);
    });
  }
  const { model, mac: newMac, ...liveable } = edit;
  if (model !== undefined) out.saved(`NIC ${mac} model ${model}`);
  if (newMac !== undefined && newMac.toLowerCase() !== mac.toLowerCase()) out.saved(`NIC ${mac} MAC → ${newMac}`);
  const lines: string[] = [];
  if (liveable.type !== undefined || liveable.source !== undefined) lines.push(`source ${liveable.type ?? ''} ${liveable.source ?? ''}`.replace(/\s+/g, ' ').trim());
  if (liveable.linkUp !== undefined) lines.push(`link ${liveable.linkUp ? 'up' : 'down'}`);
  if (liveable.inbound !== undefined || liveable.outbound !== undefined) lines.push('bandwidth limits');
  if (!lines.length) return out.result();
  const what = `NIC ${mac} ${lines.join(', ')}`;
  await updateLiveDevice(h, out, what, (d) => nicByMac(d, mac), (d, el) => editNic(d, el, liveable));
  return out.result();
}

/** Boot order, menu, firmware and direct kernel boot are read by the firmware at power-on: all next boot. */
export async function domainSetBoot(h: DomainHandle, boot: BootEdit): Promise<ApplyResult> {
  let before: ReturnType<typeof readConfig>['boot'] | undefined;
  let after: typeof before;
  await editDefinition(h, `Changing the boot settings of ${h.dom.name}`, (d) => {
    before = readConfig(d).boot;
    editBoot(d, boot);
    after = readConfig(d).boot;
  });
  const out = new Outcome(h);
  const b = before!;
  const a = after!;
  const order = (x: typeof a) => x.order.map((o) => o.label ?? o.key).join(', ') || x.legacy.join(', ') || 'default';
  if (order(a) !== order(b)) out.saved(`Boot order: ${order(a)}`);
  if (a.menu !== b.menu || a.menuTimeoutMs !== b.menuTimeoutMs) out.saved(`Boot menu ${a.menu ? `on${a.menuTimeoutMs ? ` (${a.menuTimeoutMs} ms)` : ''}` : 'off'}`);
  if (a.firmware !== b.firmware) out.saved(`Firmware ${a.firmware.toUpperCase()}`);
  for (const k of ['kernel', 'initrd', 'cmdline'] as const) if (a[k] !== b[k]) out.saved(`${k === 'cmdline' ? 'Kernel arguments' : k === 'kernel' ? 'Kernel' : 'Initrd'}: ${a[k] ?? 'none'}`);
  return out.result();
}

/** VNC/SPICE: a new password applies live (UpdateDevice); the listen address needs a restart. */
export async function domainSetGraphics(h: DomainHandle, index: number, edit: GraphicsEdit): Promise<ApplyResult> {
  const out = new Outcome(h);
  await editDefinition(h, `Changing the display of ${h.dom.name}`, (d) => {
    const g = children(devicesOf(d), 'graphics')[index];
    if (!g) throw new Error(`no graphical display #${index + 1}`);
    editGraphics(d, g, edit);
  });
  if (edit.listen !== undefined) out.saved(`Display listens on ${edit.listen}`);
  if (edit.password) {
    const what = 'set' in edit.password ? 'Display password set' : 'Display password cleared';
    await updateLiveDevice(h, out, what, (d) => children(devicesOf(d), 'graphics')[index], (d, g) => editGraphics(d, g, { password: edit.password! }));
  }
  return out.result();
}

export async function domainSetVideo(h: DomainHandle, model: string): Promise<ApplyResult> {
  await editDefinition(h, `Changing the video model of ${h.dom.name}`, (d) => setVideoModel(d, model));
  const out = new Outcome(h);
  out.saved(`Video model ${model}`);
  return out.result();
}

export async function domainSetSerial(h: DomainHandle, op: { add: true } | { remove: number }): Promise<ApplyResult> {
  const out = new Outcome(h);
  await editDefinition(h, `Changing the serial ports of ${h.dom.name}`, (d) => {
    if ('add' in op) out.saved(`Serial port ${addSerial(d)} added`);
    else {
      removeSerial(d, op.remove);
      out.saved(`Serial port ${op.remove} removed`);
    }
  });
  return out.result();
}
