import type { Snapshot } from '../model/snapshot';
import { attr, child, children, parseXmlDoc, textOf, makeElement, appendChild, serializeXmlDoc } from './dom/xml-dom';

/** Reads a <domainsnapshot> document (what SnapshotGetXMLDesc returns). */
export function parseSnapshotXml(xml: string): Omit<Snapshot, 'current' | 'children'> {
  const root = parseXmlDoc(xml).documentElement;
  if (!root || root.localName !== 'domainsnapshot') throw new Error('not a domain snapshot');
  const mem = attr(child(root, 'memory'), 'snapshot');
  const disksEl = child(root, 'disks');
  const disks = (disksEl ? children(disksEl, 'disk') : []).map((d) => attr(d, 'snapshot'));
  const external = mem === 'external' || disks.includes('external');
  const state = textOf(child(root, 'state'))?.trim() ?? 'unknown';
  const created = Number(textOf(child(root, 'creationTime')));
  return {
    name: textOf(child(root, 'name'))?.trim() ?? '',
    parent: (() => {
      const p = child(root, 'parent');
      return (p && textOf(child(p, 'name'))?.trim()) || undefined;
    })(),
    description: textOf(child(root, 'description'))?.trim() || undefined,
    state,
    createdAt: Number.isFinite(created) ? created : undefined,
    kind: external ? 'external' : 'internal',
    // An internal snapshot of a running VM always carries its memory (libvirt requires it).
    memory: mem === 'internal' || mem === 'external' || (!external && (state === 'running' || state === 'paused')),
  };
}

/** Links parents to children and marks the current snapshot; roots first, then by creation time. */
export function snapshotTree(list: Array<Omit<Snapshot, 'current' | 'children'>>, current: string | undefined): Snapshot[] {
  const byName = new Map(list.map((s) => [s.name, { ...s, current: s.name === current, children: [] as string[] }]));
  const sorted = [...byName.values()].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0) || a.name.localeCompare(b.name));
  for (const s of sorted) if (s.parent) byName.get(s.parent)?.children.push(s.name);
  return sorted;
}

/** The <domainsnapshot> we send to SnapshotCreateXML (names and text escaped by the DOM). */
export function buildSnapshotXml(name: string, description?: string): string {
  const doc = parseXmlDoc('<domainsnapshot/>');
  const root = doc.documentElement!;
  appendChild(root, makeElement(doc, 'name', {}, name));
  if (description) appendChild(root, makeElement(doc, 'description', {}, description));
  return serializeXmlDoc(doc);
}
