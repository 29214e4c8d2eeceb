import { setNicSource } from '../../shared/libvirt/nic-source';
import { AppFailure } from '../../shared/ipc/result';
import type { NicSource } from '../../shared/model/network';
import { toLibvirtFailure } from '../libvirt/errors';
import { Affect, XmlFlags } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { Logger } from '../util/log';

/**
 * domains.setNetwork: plugs one NIC (by MAC) into a network or a host bridge.
 * The saved definition is edited as a DOM of the inactive XML (SECURE, so
 * passwords survive) and defined with VALIDATE; a running VM is also changed
 * live (libvirt can swap a NIC's network or bridge without unplugging it).
 * A minimal call of the networks feature; full NIC editing may replace it.
 */
export async function domainSetNetwork(sessions: LibvirtSessions, log: Logger, hostId: string, uuid: string, mac: string, source: NicSource): Promise<{ live: boolean; saved: boolean }> {
  const c = sessions.client(hostId);
  const target = source.type === 'network' ? `network '${source.network}'` : `bridge '${source.bridge}'`;
  let what = `Connecting ${mac} to ${target}`;
  try {
    const dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
    what = `Connecting ${mac} of '${dom.name}' to ${target}`;
    if (source.type === 'network') {
      // Fail with the network's name rather than libvirt's "network not found" after a redefine.
      await c.call(P.NETWORK_LOOKUP_BY_NAME, { name: source.network }).catch(() => {
        throw new AppFailure('NOT_FOUND', `${what}: there is no network '${source.network}' on this host`, { hostId });
      });
    }
    const [persistent, active] = await Promise.all([c.call(P.DOMAIN_IS_PERSISTENT, { dom }), c.call(P.DOMAIN_IS_ACTIVE, { dom })]);
    let saved = false;
    let live = false;
    if (persistent) {
      const edit = setNicSource(await c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: XmlFlags.INACTIVE | XmlFlags.SECURE }), mac, source);
      await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: edit.domainXml, flags: 1 });
      saved = true;
    }
    if (active) {
      const edit = setNicSource(await c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: XmlFlags.SECURE }), mac, source);
      try {
        await c.call(P.DOMAIN_UPDATE_DEVICE_FLAGS, { dom, xml: edit.interfaceXml, flags: Affect.LIVE });
        live = true;
      } catch (e) {
        if (!saved) throw e;
        // Saved already: it takes effect at the next start. Say so instead of failing.
        log.warn(`${hostId}: live re-plug of ${mac} on ${dom.name} failed, saved only: ${String(e)}`);
      }
    }
    log.info(`${hostId}: ${dom.name} ${mac} -> ${target} (saved ${saved}, live ${live})`);
    return { live, saved };
  } catch (e) {
    if (e instanceof Error && /no NIC with MAC/.test(e.message)) throw new AppFailure('NOT_FOUND', `${what}: ${e.message}`, { hostId });
    throw toLibvirtFailure(e, hostId, what);
  }
}
