import { appendChild, attr, child, children, devicesOf, domainRoot, ensureChild, makeElement, removeChild, removeElement, type XmlDocument, type XmlElement } from '../libvirt/dom/index';

// What only the first boot needs, written into the definition itself under
// our own namespace, so the plan travels with the VM: "Customise before
// start" may define now and start hours later, and VirtDeck may restart in
// between. After the first start the core applies it (virt-install's
// install-then-final-definition pattern, LIBVIRT-NEXT.md §5): direct kernel
// boot and install media leave the definition, the disk boots first, the
// scratch kernel/initrd volumes are deleted, and the cloud-init seed goes as
// soon as the guest has read it.

export const INSTALL_NS = 'https://virtdeck.dev/xmlns/install/1';
export const INSTALL_PREFIX = 'vdinstall';
export const OSINFO_NS = 'http://libosinfo.org/xmlns/libvirt/domain/1.0';

export interface VolumeRef {
  pool: string;
  volume: string;
}

export interface InstallPlan {
  /** Remove <kernel>, <initrd>, <cmdline> from <os> (network install). */
  kernel: boolean;
  /** Eject the install ISO from this drive (it stays, empty, for later media). */
  mediaTarget?: string;
  /** The cloud-init seed: detach from this target and delete the volume once read. */
  seed?: VolumeRef & { target: string };
  /** Volumes only the install needs (kernel, initrd): deleted once the VM started. */
  scratch: VolumeRef[];
  /** The final boot order, by disk target / NIC MAC. */
  boot: Array<{ kind: 'disk' | 'nic'; key: string }>;
}

const metadataOf = (doc: XmlDocument) => ensureChild(domainRoot(doc), 'metadata', ['memory', 'maximumMemory', 'currentMemory', 'vcpu', 'os']);

/** Writes `plan` into <metadata> (replacing an older one). */
export function writeInstallPlan(doc: XmlDocument, plan: InstallPlan): void {
  clearInstallPlan(doc);
  const md = metadataOf(doc);
  const el = doc.createElementNS(INSTALL_NS, `${INSTALL_PREFIX}:install`);
  const add = (name: string, attrs: Record<string, string | undefined>) => {
    const e = doc.createElementNS(INSTALL_NS, `${INSTALL_PREFIX}:${name}`);
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
    appendChild(el, e);
  };
  if (plan.kernel) add('kernel', {});
  if (plan.mediaTarget) add('media', { target: plan.mediaTarget });
  if (plan.seed) add('seed', { target: plan.seed.target, pool: plan.seed.pool, volume: plan.seed.volume });
  for (const s of plan.scratch) add('scratch', { pool: s.pool, volume: s.volume });
  plan.boot.forEach((b) => add('boot', { kind: b.kind, key: b.key }));
  appendChild(md, el);
}

function installEl(doc: XmlDocument): XmlElement | undefined {
  const md = child(domainRoot(doc), 'metadata');
  if (!md) return undefined;
  for (let n = md.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as XmlElement).namespaceURI === INSTALL_NS && (n as XmlElement).localName === 'install') return n as XmlElement;
  }
  return undefined;
}

const ours = (el: XmlElement, name: string): XmlElement[] => {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as XmlElement).namespaceURI === INSTALL_NS && (n as XmlElement).localName === name) out.push(n as XmlElement);
  return out;
};

export function readInstallPlan(doc: XmlDocument): InstallPlan | undefined {
  const el = installEl(doc);
  if (!el) return undefined;
  const seed = ours(el, 'seed')[0];
  const vol = (e: XmlElement): VolumeRef => ({ pool: e.getAttribute('pool') ?? '', volume: e.getAttribute('volume') ?? '' });
  return {
    kernel: ours(el, 'kernel').length > 0,
    ...(ours(el, 'media')[0] ? { mediaTarget: ours(el, 'media')[0]!.getAttribute('target') ?? undefined } : {}),
    ...(seed ? { seed: { ...vol(seed), target: seed.getAttribute('target') ?? '' } } : {}),
    scratch: ours(el, 'scratch').map(vol),
    boot: ours(el, 'boot').map((b) => ({ kind: b.getAttribute('kind') === 'nic' ? ('nic' as const) : ('disk' as const), key: b.getAttribute('key') ?? '' })),
  };
}

export function clearInstallPlan(doc: XmlDocument): void {
  const el = installEl(doc);
  if (!el) return;
  const md = el.parentNode as XmlElement;
  removeElement(el);
  if (md && children(md).length === 0 && !hasAnyElement(md)) removeElement(md);
}

function hasAnyElement(el: XmlElement): boolean {
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) return true;
  return false;
}

/**
 * The definition after the first start: no direct kernel boot, the install
 * ISO ejected, the seed drive gone, the final boot order. The plan is kept
 * with only the seed when the seed still waits for the guest to read it.
 */
export function finalizeDefinition(doc: XmlDocument, plan: InstallPlan, seedDone: boolean): void {
  const root = domainRoot(doc);
  const os = child(root, 'os');
  if (os && plan.kernel) for (const n of ['kernel', 'initrd', 'cmdline']) removeChild(os, n);
  const devices = devicesOf(doc);
  const disks = children(devices, 'disk');
  const byTarget = (t: string) => disks.find((d) => attr(child(d, 'target'), 'dev') === t);
  if (plan.mediaTarget) {
    const cd = byTarget(plan.mediaTarget);
    if (cd) {
      removeChild(cd, 'source');
      removeChild(cd, 'boot');
    }
  }
  if (plan.seed) {
    const seed = byTarget(plan.seed.target);
    if (seed) removeElement(seed);
  }
  if (plan.boot.length) {
    for (const d of [...children(devices, 'disk'), ...children(devices, 'interface')]) removeChild(d, 'boot');
    plan.boot.forEach((b, i) => {
      const el =
        b.kind === 'disk'
          ? children(devices, 'disk').find((d) => attr(child(d, 'target'), 'dev') === b.key)
          : children(devices, 'interface').find((n) => (attr(child(n, 'mac'), 'address') ?? '').toLowerCase() === b.key.toLowerCase());
      if (el) appendChild(el, makeElement(doc, 'boot', { order: i + 1 }), ['alias', 'address']);
    });
  }
  if (plan.seed && !seedDone) writeInstallPlan(doc, { kernel: false, seed: plan.seed, scratch: [], boot: [] });
  else clearInstallPlan(doc);
}
