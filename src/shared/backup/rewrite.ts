import { attr, child, children, domainRoot, parseXmlDoc, removeChild, serializeXmlDoc, setAttr, setText, type XmlDocument, type XmlElement } from '../libvirt/dom/index';

// Rewrites a backed-up definition for its restore target through the DOM
// layer (never string edits): another name, the target's network and pool
// names, a fresh identity when a copy must not collide with the original.
// Everything we do not touch passes through unchanged.

export interface DomainRewrite {
  /** Restore under this name (rename on conflict). */
  name?: string;
  /** Drop <uuid> and NIC MACs so libvirt generates new ones (a copy beside the original). */
  freshIdentity?: boolean;
  /** Keep this uuid (replace: redefine the existing VM rather than make a second one). */
  uuid?: string;
  /** Source network name -> target network name. */
  networks?: Readonly<Record<string, string>>;
  /** Source pool name -> target pool name (disks of type 'volume'). */
  pools?: Readonly<Record<string, string>>;
  /** Source pool directory -> target pool directory (file disks inside a mapped pool). */
  poolDirs?: Readonly<Record<string, string>>;
}

export interface Rewritten {
  xml: string;
  /** What changed, in words, for the dry run. */
  changes: string[];
}

function setUuid(root: XmlElement, r: { freshIdentity?: boolean; uuid?: string }, changes: string[]): void {
  const uuidEl = child(root, 'uuid');
  if (r.uuid !== undefined) {
    if (uuidEl) setText(uuidEl, r.uuid);
    changes.push(`keeps the existing uuid ${r.uuid}`);
  } else if (r.freshIdentity && uuidEl) {
    removeChild(root, 'uuid');
    changes.push('gets a new uuid');
  }
}

function rename(root: XmlElement, name: string | undefined, changes: string[]): void {
  const nameEl = child(root, 'name');
  if (name === undefined || !nameEl || nameEl.textContent === name) return;
  changes.push(`renamed '${nameEl.textContent ?? ''}' -> '${name}'`);
  setText(nameEl, name);
}

const withSlash = (d: string) => (d.endsWith('/') ? d : `${d}/`);

export function rewriteDomain(xml: string, r: DomainRewrite): Rewritten {
  const doc = parseXmlDoc(xml);
  const root = domainRoot(doc);
  const changes: string[] = [];
  rename(root, r.name, changes);
  setUuid(root, r, changes);
  const devices = child(root, 'devices');
  for (const nic of devices ? children(devices, 'interface') : []) {
    const src = child(nic, 'source');
    const net = attr(src, 'network');
    if (src && nic.getAttribute('type') === 'network' && net !== undefined && r.networks?.[net] !== undefined && r.networks[net] !== net) {
      src.setAttribute('network', r.networks[net]);
      // A portgroup belongs to the old network.
      src.removeAttribute('portgroup');
      changes.push(`NIC ${attr(child(nic, 'mac'), 'address') ?? '(no MAC)'}: network '${net}' -> '${r.networks[net]}'`);
    }
    if (r.freshIdentity && child(nic, 'mac')) {
      changes.push(`NIC ${attr(child(nic, 'mac'), 'address')}: gets a new MAC (its reservation does not follow a copy)`);
      removeChild(nic, 'mac');
    }
  }
  for (const disk of devices ? children(devices, 'disk') : []) {
    const src = child(disk, 'source');
    if (!src) continue;
    const pool = attr(src, 'pool');
    if (disk.getAttribute('type') === 'volume' && pool !== undefined && r.pools?.[pool] !== undefined && r.pools[pool] !== pool) {
      src.setAttribute('pool', r.pools[pool]);
      changes.push(`disk ${attr(child(disk, 'target'), 'dev') ?? ''}: pool '${pool}' -> '${r.pools[pool]}'`);
    }
    const file = attr(src, 'file');
    if (disk.getAttribute('type') === 'file' && file !== undefined) {
      for (const [from, to] of Object.entries(r.poolDirs ?? {})) {
        if (from === to || !file.startsWith(withSlash(from))) continue;
        const moved = withSlash(to) + file.slice(withSlash(from).length);
        src.setAttribute('file', moved);
        changes.push(`disk ${attr(child(disk, 'target'), 'dev') ?? ''}: ${file} -> ${moved}`);
        break;
      }
    }
  }
  return { xml: serializeXmlDoc(doc), changes };
}

function rootOf(doc: XmlDocument, name: string): XmlElement {
  const root = doc.documentElement;
  if (!root || root.localName !== name || root.namespaceURI) throw new Error(`not a libvirt ${name} definition`);
  return root;
}

type Identity = { name?: string; freshIdentity?: boolean; uuid?: string };

/** Name and uuid of a network or pool definition; `extra` edits the root for a fresh copy. */
function rewriteNamed(xml: string, kind: 'network' | 'pool', r: Identity, extra?: (root: XmlElement, changes: string[]) => void): Rewritten {
  const doc = parseXmlDoc(xml);
  const root = rootOf(doc, kind);
  const changes: string[] = [];
  rename(root, r.name, changes);
  setUuid(root, r, changes);
  if (r.freshIdentity) extra?.(root, changes);
  return { xml: serializeXmlDoc(doc), changes };
}

/** Networks: a renamed copy also drops its bridge name and MAC (libvirt picks free ones); its subnet stays. */
export const rewriteNetwork = (xml: string, r: Identity): Rewritten =>
  rewriteNamed(xml, 'network', r, (root, changes) => {
    const br = child(root, 'bridge');
    if (br && br.hasAttribute('name')) {
      changes.push(`bridge '${br.getAttribute('name') ?? ''}' -> a free one`);
      setAttr(br, 'name', undefined);
    }
    if (child(root, 'mac')) removeChild(root, 'mac');
  });

export const rewritePool = (xml: string, r: Identity): Rewritten => rewriteNamed(xml, 'pool', r);

/** A pool's target directory (dir/fs/netfs pools), for mapping file disks. */
export function poolTargetPath(xml: string): string | undefined {
  const root = rootOf(parseXmlDoc(xml), 'pool');
  const p = child(root, 'target');
  const path = p ? child(p, 'path') : undefined;
  return path?.textContent?.trim() || undefined;
}

/** Networks and pools a domain definition refers to (for mapping and ordering). */
export function domainRefs(xml: string): { networks: string[]; pools: string[]; files: string[] } {
  const root = domainRoot(parseXmlDoc(xml));
  const devices = child(root, 'devices');
  const networks = new Set<string>();
  const pools = new Set<string>();
  const files = new Set<string>();
  for (const nic of devices ? children(devices, 'interface') : []) {
    const n = nic.getAttribute('type') === 'network' ? attr(child(nic, 'source'), 'network') : undefined;
    if (n) networks.add(n);
  }
  for (const disk of devices ? children(devices, 'disk') : []) {
    const src = child(disk, 'source');
    const p = disk.getAttribute('type') === 'volume' ? attr(src, 'pool') : undefined;
    if (p) pools.add(p);
    const f = disk.getAttribute('type') === 'file' ? attr(src, 'file') : undefined;
    if (f) files.add(f);
  }
  return { networks: [...networks], pools: [...pools], files: [...files] };
}
