import { XMLBuilder, XMLParser } from 'fast-xml-parser';

// One parser configuration for all libvirt XML. Attributes keep an `@_`
// prefix; elements that may repeat are always arrays so code never has to
// guess whether one <disk> came back as an object or a list.
const REPEATED = new Set([
  'disk', 'interface', 'graphics', 'console', 'serial', 'boot', 'controller', 'hostdev', 'channel', 'video',
  'cell', 'feature', 'tag', 'ip', 'host', 'listen', 'address', 'cpus', 'model', 'target', 'pages',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  // Keep namespaced metadata elements readable (<vd:tags> stays "vd:tags").
  removeNSPrefix: false,
  processEntities: true,
  isArray: (name) => REPEATED.has(name.includes(':') ? name.slice(name.indexOf(':') + 1) : name),
});

export type XmlNode = Record<string, unknown>;

export function parseXml(xml: string): XmlNode {
  return parser.parse(xml) as XmlNode;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false, suppressEmptyNode: true });

/** Builds XML from the same shape parseXml produces; values are escaped by the library. */
export function buildXml(tree: XmlNode): string {
  return builder.build(tree) as string;
}

// Small typed accessors: libvirt XML is loosely shaped, these keep call sites honest.
export const child = (n: unknown, key: string): XmlNode | undefined => {
  if (!n || typeof n !== 'object') return undefined;
  const raw = (n as XmlNode)[key];
  const v: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v === null) return undefined;
  // A bare text element (<memory>1024</memory>) comes back as a string.
  return typeof v === 'object' ? (v as XmlNode) : v === '' ? {} : { '#text': String(v) };
};
export const children = (n: unknown, key: string): XmlNode[] => {
  if (!n || typeof n !== 'object') return [];
  const v = (n as XmlNode)[key];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (x && typeof x === 'object' ? (x as XmlNode) : { '#text': String(x) }));
};
export const attr = (n: unknown, name: string): string | undefined => {
  if (!n || typeof n !== 'object') return undefined;
  const v = (n as XmlNode)[`@_${name}`];
  return v === undefined ? undefined : String(v);
};
export const text = (n: unknown, key?: string): string | undefined => {
  const node = key === undefined ? n : (n as XmlNode | undefined)?.[key];
  const first = Array.isArray(node) ? node[0] : node;
  if (first === undefined || first === null) return undefined;
  if (typeof first === 'object') {
    const t = (first as XmlNode)['#text'];
    return t === undefined ? undefined : String(t);
  }
  return String(first);
};
export const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
};
