import type { XmlDocument, XmlElement } from './xml-dom';

// A canonical text of a document's meaning: element names with their
// namespace URIs, attributes sorted, text trimmed, comments kept. Two
// documents with the same canonical text say the same thing whatever their
// quoting, attribute order or indentation. Used by the round-trip tests and
// to tell a real edit from reformatting.

interface N {
  nodeType: number;
  firstChild: N | null;
  nextSibling: N | null;
  nodeValue: string | null;
}

function canon(n: N, out: string[], depth: number): void {
  const pad = '  '.repeat(depth);
  if (n.nodeType === 1) {
    const el = n as unknown as XmlElement;
    const attrs: string[] = [];
    for (let i = 0; i < el.attributes.length; i++) {
      const a = el.attributes.item(i)!;
      // Namespace declarations are carried by the names they qualify.
      if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
      attrs.push(`${a.namespaceURI ? `{${a.namespaceURI}}` : ''}${a.localName ?? a.name}=${JSON.stringify(a.value)}`);
    }
    attrs.sort();
    out.push(`${pad}<${el.namespaceURI ? `{${el.namespaceURI}}` : ''}${el.localName}${attrs.length ? ' ' + attrs.join(' ') : ''}>`);
    for (let c = n.firstChild; c; c = c.nextSibling) canon(c, out, depth + 1);
  } else if (n.nodeType === 3 || n.nodeType === 4) {
    const t = (n.nodeValue ?? '').trim();
    if (t) out.push(`${pad}${JSON.stringify(t)}`);
  } else if (n.nodeType === 8) {
    out.push(`${pad}<!--${(n.nodeValue ?? '').trim()}-->`);
  }
}

export function canonicalXml(doc: XmlDocument): string {
  const out: string[] = [];
  for (let c = (doc as unknown as N).firstChild; c; c = c.nextSibling) canon(c, out, 0);
  return out.join('\n');
}
