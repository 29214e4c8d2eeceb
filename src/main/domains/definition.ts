import { readInstallPlan } from '../../shared/create/install-meta';
import { AppFailure } from '../../shared/ipc/result';
import { parseXmlDoc, pendingChanges, readConfig, serializeElement, serializeXmlDoc, XmlSyntaxError, type XmlDocument, type XmlElement } from '../../shared/libvirt/dom/index';
import { AffectFlags } from '../libvirt/rpc/procedures/domain-settings';
import type { ApplyResult, VmSettings } from '../../shared/model/vm-settings';
import { toLibvirtFailure } from '../libvirt/errors';
import { XmlFlags } from '../libvirt/flags';
import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';

/** DOMAIN_DEFINE_XML_FLAGS: check against libvirt's schema, so nothing unknown is silently dropped. */
export const DEFINE_VALIDATE = 1;

/** One domain, resolved on its host's shared session, with what every settings call needs to know. */
export interface DomainHandle {
  hostId: string;
  c: RpcClient;
  dom: DomainRef;
  active: boolean;
  persistent: boolean;
}

export async function openDomain(sessions: LibvirtSessions, hostId: string, uuid: string): Promise<DomainHandle> {
  const c = sessions.client(hostId);
  try {
    const dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
    const [active, persistent] = await Promise.all([c.call(P.DOMAIN_IS_ACTIVE, { dom }), c.call(P.DOMAIN_IS_PERSISTENT, { dom })]);
    return { hostId, c, dom, active, persistent };
  } catch (e) {
    throw toLibvirtFailure(e, hostId, `Domain ${uuid}`);
  }
}

export const fail = (h: Pick<DomainHandle, 'hostId'>, what: string) => (e: unknown) => Promise.reject(toLibvirtFailure(e, h.hostId, what));

/** The persistent definition, with secrets (SECURE) so a redefine keeps the VNC password. */
export function inactiveXml(h: DomainHandle): Promise<string> {
  return h.c.call(P.DOMAIN_GET_XML_DESC, { dom: h.dom, flags: XmlFlags.SECURE | XmlFlags.INACTIVE }).catch(fail(h, `Reading ${h.dom.name}`));
}

export function liveXml(h: DomainHandle): Promise<string> {
  return h.c.call(P.DOMAIN_GET_XML_DESC, { dom: h.dom, flags: XmlFlags.SECURE }).catch(fail(h, `Reading ${h.dom.name}`));
}

export async function domainSettingsGet(sessions: LibvirtSessions, hostId: string, uuid: string): Promise<VmSettings> {
  const h = await openDomain(sessions, hostId, uuid);
  const [inactive, live, state] = await Promise.all([
    inactiveXml(h),
    h.active ? liveXml(h) : Promise.resolve(undefined),
    h.c.call(P.DOMAIN_GET_STATE, { dom: h.dom, flags: 0 }).catch(fail(h, 'Reading state')),
  ]);
  const doc = parseXmlDoc(inactive);
  const config = readConfig(doc);
  const liveCfg = live ? readConfig(parseXmlDoc(live)) : undefined;
  const STATES = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'];
  return {
    hostId,
    uuid,
    state: STATES[state.state] ?? 'nostate',
    persistent: h.persistent,
    config,
    ...(liveCfg ? { live: liveCfg } : {}),
    pending: pendingChanges(config, h.persistent ? liveCfg : undefined),
    ...(readInstallPlan(doc) ? { installPending: true } : {}),
  };
}

/**
 * Edits the persistent definition: fetch (INACTIVE|SECURE), change only what
 * `mutate` touches, define with VALIDATE. Returns the document as sent.
 * A transient domain has no persistent definition: callers apply live only.
 */
export async function editDefinition(h: DomainHandle, what: string, mutate: (doc: XmlDocument) => void): Promise<XmlDocument> {
  if (!h.persistent) throw new AppFailure('UNSUPPORTED', `${h.dom.name} is transient: it has no saved definition to change`, { hostId: h.hostId });
  const doc = parseXmlDoc(await inactiveXml(h));
  try {
    mutate(doc);
  } catch (e) {
    if (e instanceof AppFailure) throw e;
    throw new AppFailure('VALIDATION', `${what}: ${e instanceof Error ? e.message : String(e)}`, { hostId: h.hostId });
  }
  await h.c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: serializeXmlDoc(doc), flags: DEFINE_VALIDATE }).catch(fail(h, what));
  return doc;
}

/** The running VM's definition as a DOM (for live device updates that need alias and address). */
export async function liveDoc(h: DomainHandle): Promise<XmlDocument> {
  return parseXmlDoc(await liveXml(h));
}

/** Collects what a change did, for the "applies now / at next boot / both" answer. */
export class Outcome {
  private readonly changes: ApplyResult['changes'] = [];
  private readonly warnings: string[] = [];

  constructor(private readonly h: Pick<DomainHandle, 'active' | 'persistent' | 'hostId'>) {}

  /** Saved in the definition only: takes effect at next boot (or the next start of a shut-off VM). */
  saved(what: string): void {
    this.changes.push({ what, when: 'next-boot' });
  }

  /** Applied to the running VM; kept for the next boot too when the VM is persistent. */
  applied(what: string): void {
    this.changes.push({ what, when: this.h.persistent ? 'both' : 'now' });
  }

  warn(line: string): void {
    this.warnings.push(line);
  }

  /**
   * A change already saved in the definition, tried live too. If libvirt or
   * the guest refuses it live, it still waits for the next boot, and the
   * refusal is reported in words rather than failing the whole change.
   */
  async tryLive(what: string, run: () => Promise<unknown>): Promise<boolean> {
    if (!this.h.active) {
      this.saved(what);
      return false;
    }
    try {
      await run();
      this.applied(what);
      return true;
    } catch (e) {
      this.saved(what);
      const why = toLibvirtFailure(e, this.h.hostId, '').message.replace(/^: /, '');
      this.warn(`${what}: not applied to the running VM (${why}); it takes effect at next boot`);
      return false;
    }
  }

  result(): ApplyResult {
    const whens = new Set(this.changes.map((c) => c.when));
    const applied = whens.size === 0 ? 'nothing' : whens.size === 1 ? [...whens][0]! : 'both';
    return { applied, changes: this.changes, warnings: this.warnings };
  }
}

/**
 * Applies a device edit to the running VM too (UpdateDevice on the live copy,
 * which carries the alias and address QEMU needs). When the VM is off, or the
 * device exists only in the definition, the change is reported as next boot.
 */
export async function updateLiveDevice(h: DomainHandle, out: Outcome, what: string, find: (doc: XmlDocument) => XmlElement | undefined, edit: (doc: XmlDocument, el: XmlElement) => void): Promise<void> {
  if (!h.active) return out.saved(what);
  const live = await liveDoc(h);
  const el = find(live);
  if (!el) {
    out.saved(what);
    return out.warn(`${what}: the device is not in the running VM; the change is kept for the next boot`);
  }
  edit(live, el);
  await out.tryLive(what, () => h.c.call(P.DOMAIN_UPDATE_DEVICE_FLAGS, { dom: h.dom, xml: serializeElement(el), flags: AffectFlags.LIVE }));
}

/** Errors of malformed input XML as data the UI can point at. */
export function syntaxFailure(e: unknown, hostId: string): AppFailure | undefined {
  if (!(e instanceof XmlSyntaxError)) return undefined;
  return new AppFailure('VALIDATION', `The XML is not well-formed${e.line ? ` (line ${e.line})` : ''}: ${e.message}`, { hostId, detail: { line: e.line, column: e.column, source: 'parser' } });
}
