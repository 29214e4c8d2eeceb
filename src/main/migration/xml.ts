import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';

// The few edits migration makes to a domain definition, on a DOM of the XML
// (DESIGN.md: change only what we own, everything else survives as it was).

function parse(xml: string): Document {
  const doc = new DOMParser({ onError: (level, msg) => {
    if (level !== 'warning') throw new Error(`domain XML: ${msg}`);
  } }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'domain') throw new Error('not a libvirt domain XML document');
  return doc;
}

const kids = (el: Element | null | undefined, name: string): Element[] =>
  el ? Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1 && n.nodeName === name) : [];
const kid = (el: Element | null | undefined, name: string): Element | undefined => kids(el, name)[0];

export interface MigratableParts {
  virtType: string;
  arch?: string;
  machine?: string;
  emulator?: string;
  /** The <cpu> element as XML, for COMPARE_HYPERVISOR_CPU; absent = QEMU's default model. */
  cpuXml?: string;
  cpuMode?: string;
}

/** What preflight compares on the target: CPU, machine type, emulator. */
export function migratableParts(xml: string): MigratableParts {
  const root = parse(xml).documentElement!;
  const osType = kid(kid(root, 'os'), 'type');
  const cpu = kid(root, 'cpu');
  const emulator = kid(kid(root, 'devices'), 'emulator')?.textContent?.trim();
  // A <cpu> with only topology or numa says nothing about the model.
  const hasModel = !!cpu && (cpu.getAttribute('mode') !== null || kid(cpu, 'model') !== undefined);
  return {
    virtType: root.getAttribute('type') ?? 'kvm',
    arch: osType?.getAttribute('arch') ?? undefined,
    machine: osType?.getAttribute('machine') ?? undefined,
    emulator: emulator || undefined,
    cpuXml: hasModel && cpu ? new XMLSerializer().serializeToString(cpu) : undefined,
    cpuMode: cpu?.getAttribute('mode') ?? undefined,
  };
}

/**
 * Points <interface type='network'> at the target's network names
 * (source name -> target name); other interfaces are left alone.
 */
export function mapNetworks(xml: string, map: Readonly<Record<string, string>>): string {
  if (!Object.keys(map).length) return xml;
  const doc = parse(xml);
  for (const iface of kids(kid(doc.documentElement!, 'devices'), 'interface')) {
    if (iface.getAttribute('type') !== 'network') continue;
    const src = kid(iface, 'source');
    const from = src?.getAttribute('network');
    // Own property only: a network named like an Object builtin must not map to a function.
    if (src && from && Object.prototype.hasOwnProperty.call(map, from)) src.setAttribute('network', map[from]!);
  }
  return new XMLSerializer().serializeToString(doc);
}
