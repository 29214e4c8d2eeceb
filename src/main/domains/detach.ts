import { DomainEventId } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import type { Dispose } from '../util/disposable';
import { liveDoc, type DomainHandle } from './definition';
import { AffectFlags } from '../libvirt/rpc/procedures/domain-settings';

/** Long enough for a TCG guest to answer an ACPI eject; libvirt itself only waits 5 s. */
export const DETACH_DEADLINE_MS = 20_000;

export type DetachOutcome = { removed: true } | { removed: false; reason: 'refused' | 'timeout'; message: string };

/**
 * Unplugs a device from a running VM and waits for the guest to let go.
 * QEMU's detach is a request: the call returns (after libvirt's own 5 s wait)
 * whether or not the guest released the device, and the answer comes later
 * as DEVICE_REMOVED or DEVICE_REMOVAL_FAILED. We listen on the host's shared
 * session (registering for this domain only, for the duration) and give up
 * at a deadline, after checking the live definition one last time.
 */
export async function detachLive(h: DomainHandle, alias: string, deviceXml: string, stillThere: () => Promise<boolean>, deadlineMs = DETACH_DEADLINE_MS): Promise<DetachOutcome> {
  const { c, dom } = h;
  const offs: Dispose[] = [];
  let settle: (o: DetachOutcome) => void = () => {};
  const answered = new Promise<DetachOutcome>((resolve) => (settle = resolve));
  offs.push(c.onEvent('domainDeviceRemoved', (ev) => ev.dom.uuid === dom.uuid && ev.devAlias === alias && settle({ removed: true })));
  offs.push(
    c.onEvent('domainDeviceRemovalFailed', (ev) => {
      if (ev.dom.uuid === dom.uuid && ev.devAlias === alias) settle({ removed: false, reason: 'refused', message: `the guest refused to release ${alias}` });
    }),
  );
  const callbackIds: number[] = [];
  try {
    for (const eventID of [DomainEventId.DEVICE_REMOVED, 22 /* DEVICE_REMOVAL_FAILED */]) {
      callbackIds.push(await c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID, dom }));
    }
    await c.call(P.DOMAIN_DETACH_DEVICE_FLAGS, { dom, xml: deviceXml, flags: AffectFlags.LIVE });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      answered,
      new Promise<'deadline'>((r) => {
        timer = setTimeout(() => r('deadline'), deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== 'deadline') return outcome;
    // The event may have been missed (a reconnect): the live definition decides.
    if (!(await stillThere())) return { removed: true };
    return { removed: false, reason: 'timeout', message: `the guest did not release ${alias} within ${Math.round(deadlineMs / 1000)} s (it may not support hot-unplug, or may still do it)` };
  } finally {
    offs.forEach((off) => off());
    for (const callbackID of callbackIds) void c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID }).catch(() => {});
  }
}

/** True while the running VM still lists a device with this alias. */
export const aliasPresent = (h: DomainHandle, alias: string) => async () => {
  const doc = await liveDoc(h);
  return Array.from(doc.getElementsByTagName('alias')).some((a) => a.getAttribute('name') === alias);
};
