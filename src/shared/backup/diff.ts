import { createTwoFilesPatch } from 'diff';
import { canonicalXml, child, parseXmlDoc, removeElement, serializeXmlDoc } from '../libvirt/dom/index';
import type { BackupItemKind, DiffEntry } from '../model/backup';

// Backup vs live host, per item. Items are matched by kind and name, and the
// top-level <uuid> is left out of the comparison: a VM or network recreated
// from the same definition gets a generated uuid, and that alone is not a
// change an admin needs to see. Everything else counts, compared by meaning
// (canonicalXml: attribute order, quoting and indentation don't matter); the
// patch shown is a line diff of both sides as our serialiser writes them.

export interface DiffSide {
  kind: BackupItemKind;
  key: string;
  name: string;
  xml: string;
}

/** The definition without its top-level <uuid>, as text (for the patch) and canonical form (for equality). */
export function comparable(xml: string): { text: string; canon: string } {
  const doc = parseXmlDoc(xml);
  const root = doc.documentElement;
  const uuid = root ? child(root, 'uuid') : undefined;
  if (uuid) removeElement(uuid);
  return { text: serializeXmlDoc(doc).replace(/\r\n/g, '\n').trimEnd() + '\n', canon: canonicalXml(doc) };
}

const id = (s: Pick<DiffSide, 'kind' | 'name'>) => `${s.kind}\u0000${s.name}`;
const ORDER: Record<BackupItemKind, number> = { network: 0, pool: 1, domain: 2 };

/**
 * `present` masks what people must not see (graphics passwords) in patches;
 * equality is decided on the unmasked XML.
 */
export function diffDefinitions(backup: readonly DiffSide[], live: readonly DiffSide[], present: (xml: string) => string = (x) => x): DiffEntry[] {
  const liveBy = new Map(live.map((s) => [id(s), s]));
  const seen = new Set<string>();
  const out: DiffEntry[] = [];
  for (const b of backup) {
    seen.add(id(b));
    const l = liveBy.get(id(b));
    if (!l) {
      out.push({ kind: b.kind, name: b.name, key: b.key, status: 'removed' });
      continue;
    }
    const [cb, cl] = [comparable(b.xml), comparable(l.xml)];
    if (cb.canon === cl.canon) {
      out.push({ kind: b.kind, name: b.name, key: b.key, status: 'same' });
      continue;
    }
    const label = `${b.kind} ${b.name}`;
    const patch = createTwoFilesPatch(`backup: ${label}`, `live: ${label}`, comparable(present(b.xml)).text, comparable(present(l.xml)).text, undefined, undefined, { context: 3 });
    out.push({ kind: b.kind, name: b.name, key: b.key, status: 'changed', patch });
  }
  for (const l of live) if (!seen.has(id(l))) out.push({ kind: l.kind, name: l.name, key: l.key, status: 'added' });
  return out.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.name.localeCompare(b.name));
}
