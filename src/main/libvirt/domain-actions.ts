import type { DomainDetails, LifecycleAction } from '../../shared/model/domain';
import { buildTagsMetadata, parseDomainXml, VIRTDECK_NS, VIRTDECK_NS_KEY } from '../../shared/libvirt/domain-xml';
import { AppFailure } from '../../shared/ipc/result';
import type { Logger } from '../util/log';
import type { DomainInventory } from './domain-inventory';
import { toLibvirtFailure } from './errors';
import { domainDelete, domainDeletePlan } from './domain-delete';
import { Affect, MetadataType, XmlFlags } from './flags';
import type { RpcClient } from './rpc/client';
import { P } from './rpc/procedures/index';
import type { DomainRef } from './rpc/types';
import type { LibvirtSessions } from './sessions';

const ACTIONS: Record<LifecycleAction, { verb: string; run(c: RpcClient, dom: DomainRef): Promise<unknown> }> = {
  start: { verb: 'Starting', run: (c, dom) => c.call(P.DOMAIN_CREATE_WITH_FLAGS, { dom, flags: 0 }) },
  shutdown: { verb: 'Shutting down', run: (c, dom) => c.call(P.DOMAIN_SHUTDOWN_FLAGS, { dom, flags: 0 }) },
  reboot: { verb: 'Rebooting', run: (c, dom) => c.call(P.DOMAIN_REBOOT, { dom, flags: 0 }) },
  reset: { verb: 'Resetting', run: (c, dom) => c.call(P.DOMAIN_RESET, { dom, flags: 0 }) },
  forceOff: { verb: 'Forcing off', run: (c, dom) => c.call(P.DOMAIN_DESTROY_FLAGS, { dom, flags: 0 }) },
  pause: { verb: 'Pausing', run: (c, dom) => c.call(P.DOMAIN_SUSPEND, { dom }) },
  resume: { verb: 'Resuming', run: (c, dom) => c.call(P.DOMAIN_RESUME, { dom }) },
};

/** Resource-first domain operations (cockpit-machines style: domainGet, domainSetAutostart…). */
export class DomainActions {
  /** Starts a VM through its install plan when it has one (true), else leaves the start to us (false). */
  private plannedStart?: (hostId: string, uuid: string, dom: DomainRef) => Promise<boolean>;

  setPlannedStart(fn: (hostId: string, uuid: string, dom: DomainRef) => Promise<boolean>): void {
    this.plannedStart = fn;
  }

  constructor(
    private readonly sessions: LibvirtSessions,
    private readonly inventory: DomainInventory,
    private readonly log: Logger,
  ) {}

  private async lookup(hostId: string, uuid: string): Promise<{ c: RpcClient; dom: DomainRef }> {
    const c = this.sessions.client(hostId);
    try {
      return { c, dom: await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid }) };
    } catch (e) {
      throw toLibvirtFailure(e, hostId, `Domain ${uuid}`);
    }
  }

  async domainGet(hostId: string, uuid: string): Promise<DomainDetails> {
    const { c, dom } = await this.lookup(hostId, uuid);
    try {
      // The summary (state, autostart, persistence, IPs) comes from the same
      // path the tree uses; only the full XML is extra. SECURE so graphics show
      // whether a password is set; the password itself never leaves the core.
      const [xml, { upserted }] = await Promise.all([
        c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: XmlFlags.SECURE }),
        this.inventory.refresh(hostId, [uuid]),
      ]);
      const summary = upserted[0];
      if (!summary) throw new AppFailure('NOT_FOUND', `Domain ${dom.name} went away`, { hostId });
      const d = parseDomainXml(xml);
      return { ...summary, ...d, hostId, id: dom.id, tags: d.tags, vcpus: d.vcpu.current, memoryKiB: d.memory.currentKiB };
    } catch (e) {
      throw toLibvirtFailure(e, hostId, `Reading ${dom.name}`);
    }
  }

  /** Runs one action on many domains at once (pipelined); one failure doesn't stop the rest. */
  async domainLifecycle(hostId: string, uuids: readonly string[], action: LifecycleAction) {
    const spec = ACTIONS[action];
    const c = this.sessions.client(hostId);
    return Promise.all(
      uuids.map(async (uuid) => {
        try {
          const dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
          if (!(action === 'start' && (await this.plannedStart?.(hostId, uuid, dom)))) await spec.run(c, dom);
          this.log.info(`${hostId}: ${spec.verb.toLowerCase()} ${dom.name}`);
          return { uuid, ok: true as const };
        } catch (e) {
          // The whole AppError (code, libvirt detail), so the UI groups by code instead of parsing text.
          return { uuid, ok: false as const, error: toLibvirtFailure(e, hostId, `${spec.verb} failed`).error };
        }
      }),
    );
  }

  async domainSetAutostart(hostId: string, uuid: string, autostart: boolean) {
    const { c, dom } = await this.lookup(hostId, uuid);
    try {
      await c.call(P.DOMAIN_SET_AUTOSTART, { dom, autostart });
      return { autostart: await c.call(P.DOMAIN_GET_AUTOSTART, { dom }) };
    } catch (e) {
      throw toLibvirtFailure(e, hostId, `Setting autostart of ${dom.name}`);
    }
  }

  async domainSetTags(hostId: string, uuid: string, tags: readonly string[]) {
    const { c, dom } = await this.lookup(hostId, uuid);
    try {
      const [persistent, active] = await Promise.all([c.call(P.DOMAIN_IS_PERSISTENT, { dom }), c.call(P.DOMAIN_IS_ACTIVE, { dom })]);
      // Tags belong to the definition; a running domain also gets them live so
      // the change shows without a restart.
      const flags = (persistent ? Affect.CONFIG : 0) | (active ? Affect.LIVE : 0);
      const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
      await c.call(P.DOMAIN_SET_METADATA, {
        dom,
        type: MetadataType.ELEMENT,
        metadata: clean.length ? buildTagsMetadata(clean) : null,
        key: clean.length ? VIRTDECK_NS_KEY : null,
        uri: VIRTDECK_NS,
        flags,
      });
      this.inventory.invalidate(hostId, [uuid]);
      return { tags: clean };
    } catch (e) {
      throw toLibvirtFailure(e, hostId, `Saving tags of ${dom.name}`);
    }
  }

  /** Every disk of the domain and whether its image may be deleted with it (see domain-delete.ts). */
  domainDeletePlan(hostId: string, uuid: string) {
    return domainDeletePlan(this.sessions.client(hostId), hostId, uuid);
  }

  /** Undefines a domain and deletes the images picked; the core refuses any another VM needs. */
  async domainDelete(hostId: string, uuid: string, volumes: readonly string[]) {
    const { dom, ...result } = await domainDelete(this.sessions.client(hostId), hostId, uuid, volumes);
    this.log.info(`${hostId}: deleted ${dom.name} (${result.volumesDeleted.length} volumes)`);
    return result;
  }
}
