import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';

// Definitions are edited as a DOM (DESIGN.md "Flows"): parse the inactive XML,
// change only the nodes a form owns, serialise. Everything else — unknown
// elements, other applications' <metadata>, namespaces, comments — passes
// through untouched, which a parse-to-object/build-again round trip (the
// fast-xml-parser view in ../xml.ts) cannot promise. @xmldom/xmldom is a kept,
// pure-JS W3C DOM, so the same code runs in the core and the renderer.

export type { Document as XmlDocument, Element as XmlElement };

/** Malformed XML, with the position the parser stopped at (1-based). */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const ELEMENT = 1;
const TEXT = 3;

/** Parses a document; malformed input throws XmlSyntaxError (warnings are ignored, as libxml2 does). */
export function parseXmlDoc(xml: string): Document {
  try {
    const doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new XmlSyntaxError(message.replace(/\s*\[xmldom[^\]]*\][\s\S]*$/, '').trim());
      },
    }).parseFromString(xml, 'text/xml');
    if (!doc.documentElement) throw new XmlSyntaxError('the document has no root element');
    return doc;
  } catch (e) {
    const loc = (e as { locator?: { lineNumber?: number; columnNumber?: number } }).locator;
    if (e instanceof XmlSyntaxError && !loc) throw e;
    // xmldom wraps what our onError threw: "Reporting fatalError … caused XmlSyntaxError: <message>".
    const raw = (e instanceof Error ? e.message : String(e)).replace(/^[\s\S]*caused XmlSyntaxError: /, '');
    const message = raw.replace(/\s*\[xmldom[^\]]*\][\s\S]*$/, '').replace(/\n@#\[line:.*$/s, '').trim();
    const at = /\[line:(\d+),col:(\d+)\]/.exec(raw);
    throw new XmlSyntaxError(message, loc?.lineNumber ?? num(at?.[1]), loc?.columnNumber ?? num(at?.[2]));
  }
}

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

export function serializeXmlDoc(doc: Document): string {
  return new XMLSerializer().serializeToString(doc);
}

/** Serialises one element (a device for attach/update calls). */
export function serializeElement(el: Element): string {
  return new XMLSerializer().serializeToString(el);
}

/** The root <domain>; anything else is refused. */
export function domainRoot(doc: Document): Element {
  const root = doc.documentElement;
  if (!root || root.localName !== 'domain' || root.namespaceURI) throw new XmlSyntaxError('not a libvirt domain definition (the root element must be <domain>)');
  return root;
}

function ownerDoc(el: Element): Document {
  const d = el.ownerDocument;
  if (!d) throw new Error('element is not part of a document');
  return d;
}

const isEl = (n: Node | null): n is Element => !!n && n.nodeType === ELEMENT;

/** Direct children in libvirt's (empty) namespace, optionally by name. Other namespaces are never ours to touch. */
export function children(parent: Element, name?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (isEl(n) && !n.namespaceURI && (name === undefined || n.localName === name)) out.push(n);
  }
  return out;
}

export function child(parent: Element, name: string): Element | undefined {
  return children(parent, name)[0];
}

/** Follows a path of child names: path(root, 'devices', 'disk'). */
export function path(parent: Element | undefined, ...names: string[]): Element | undefined {
  let cur = parent;
  for (const n of names) {
    if (!cur) return undefined;
    cur = child(cur, n);
  }
  return cur;
}

export function attr(el: Element | undefined, name: string): string | undefined {
  if (!el || !el.hasAttribute(name)) return undefined;
  return el.getAttribute(name) ?? undefined;
}

export function setAttr(el: Element, name: string, value: string | number | boolean | undefined | null): void {
  if (value === undefined || value === null || value === '') el.removeAttribute(name);
  else el.setAttribute(name, typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value));
}

export function textOf(el: Element | undefined): string | undefined {
  if (!el) return undefined;
  return el.textContent ?? undefined;
}

export function setText(el: Element, value: string | number): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  el.appendChild(ownerDoc(el).createTextNode(String(value)));
}

/** The whitespace that indents `el` (taken from the text before it), '' when there is none. */
function indentOf(el: Element): string {
  const prev = el.previousSibling;
  if (prev && prev.nodeType === TEXT) {
    const m = /\n([ \t]*)$/.exec(prev.nodeValue ?? '');
    if (m) return m[1] ?? '';
  }
  return '';
}

function childIndent(parent: Element): string {
  const first = children(parent)[0];
  if (first) return indentOf(first);
  return indentOf(parent) + '  ';
}

/**
 * Appends `el` to `parent`, indented like its siblings so the stored
 * definition stays readable in a raw editor. `before` names siblings the new
 * element should precede (the first one found wins), for the few places where
 * order reads better (libvirt re-sorts on define anyway).
 */
export function appendChild(parent: Element, el: Element, before: string[] = []): Element {
  const doc = ownerDoc(parent);
  const ind = childIndent(parent);
  const anchor = before.map((n) => child(parent, n)).find((x): x is Element => !!x);
  if (anchor) {
    parent.insertBefore(el, anchor);
    parent.insertBefore(doc.createTextNode(`\n${ind}`), anchor);
    return el;
  }
  const hadElements = children(parent).length > 0 || hasElementChild(parent);
  const last = parent.lastChild;
  if (last && last.nodeType === TEXT && /^\s*$/.test(last.nodeValue ?? '') && hadElements) {
    // "...<x/>\n  </parent>": put the new element after the last sibling, keep the closing indent.
    parent.insertBefore(doc.createTextNode(`\n${ind}`), last);
    parent.insertBefore(el, last);
    return el;
  }
  if (!hadElements) {
    while (parent.firstChild && parent.firstChild.nodeType === TEXT && /^\s*$/.test(parent.firstChild.nodeValue ?? '')) parent.removeChild(parent.firstChild);
  }
  parent.appendChild(doc.createTextNode(`\n${ind}`));
  parent.appendChild(el);
  parent.appendChild(doc.createTextNode(`\n${indentOf(parent)}`));
  return el;
}

function hasElementChild(parent: Element): boolean {
  for (let n = parent.firstChild; n; n = n.nextSibling) if (isEl(n)) return true;
  return false;
}

/** The child `name`, created (empty) when missing. */
export function ensureChild(parent: Element, name: string, before: string[] = []): Element {
  return child(parent, name) ?? appendChild(parent, ownerDoc(parent).createElement(name), before);
}

/** Creates `<name attrs…/>` (attributes with undefined values are left out). */
export function makeElement(doc: Document, name: string, attrs: Record<string, string | number | boolean | undefined> = {}, text?: string | number): Element {
  const el = doc.createElement(name);
  for (const [k, v] of Object.entries(attrs)) setAttr(el, k, v);
  if (text !== undefined) setText(el, text);
  return el;
}

/** Removes an element together with the whitespace that indented it. */
export function removeElement(el: Element): void {
  const parent = el.parentNode;
  if (!parent) return;
  const prev = el.previousSibling;
  if (prev && prev.nodeType === TEXT && /^\s*$/.test(prev.nodeValue ?? '')) parent.removeChild(prev);
  parent.removeChild(el);
  // A parent left with only whitespace becomes <parent/>-like: drop the stray text.
  if (!hasElementChild(parent as Element)) {
    for (let n = parent.firstChild; n; ) {
      const next = n.nextSibling;
      if (n.nodeType === TEXT && /^\s*$/.test(n.nodeValue ?? '')) parent.removeChild(n);
      n = next;
    }
  }
}

/** Removes `parent`'s child `name` if it exists. */
export function removeChild(parent: Element, name: string): void {
  for (const c of children(parent, name)) removeElement(c);
}

/** Drops an element that has no attributes and no element children (an empty <cputune/>). */
export function pruneIfEmpty(el: Element | undefined): void {
  if (!el) return;
  if (el.attributes.length === 0 && !hasElementChild(el) && !(el.textContent ?? '').trim()) removeElement(el);
}

/** Parses a device snippet (e.g. a <disk>) into `doc`, ready to append. */
export function importElement(doc: Document, xml: string): Element {
  const frag = parseXmlDoc(xml).documentElement;
  if (!frag) throw new XmlSyntaxError('empty element');
  return doc.importNode(frag, true) as Element;
}
