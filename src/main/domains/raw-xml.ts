import { createTwoFilesPatch, diffLines } from 'diff';
import { AppFailure } from '../../shared/ipc/result';
import { canonicalXml, child, domainRoot, parseXmlDoc, serializeXmlDoc, textOf } from '../../shared/libvirt/dom/index';
import { LibvirtError } from '../libvirt/rpc/errors';
import { toLibvirtFailure } from '../libvirt/errors';
import { P } from '../libvirt/rpc/procedures/index';
import { DEFINE_VALIDATE, inactiveXml, syntaxFailure, type DomainHandle } from './definition';

// The raw XML editor's core half: define what the admin wrote (VALIDATE, so
// libvirt's schema judges it, and nothing unknown is dropped silently), and
// answer with what libvirt actually stored, as a diff against what was sent.

export interface RawXmlResult {
  /** The definition as libvirt stored it (INACTIVE|SECURE). */
  stored: string;
  /** Unified diff sent -> stored, both normalised by our serialiser so quoting is not a difference. */
  storedDiff: string;
}

const normalise = (xml: string) => serializeXmlDoc(parseXmlDoc(xml)).replace(/\r\n/g, '\n').trimEnd() + '\n';

/**
 * The line to show with libvirt's error: the one its message names
 * ("(domain_definition):12:"), else the first element a schema error names,
 * else (libvirt 9.0's schema errors name nothing) the first line that differs
 * from the definition the editor started from.
 */
export function errorLine(message: string, sent: string, base?: string): number | undefined {
  const m = /\(domain_definition\):(\d+):/.exec(message) ?? /line (\d+)/i.exec(message);
  if (m) return Number(m[1]);
  // libxml2's RelaxNG wording: "Element domain has extra content: foo", "Extra element foo in interleave", …
  const find = (name: string | undefined) => {
    if (!name) return undefined;
    const i = sent.split('\n').findIndex((l) => new RegExp(`<${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s/>]`).test(l));
    return i >= 0 ? i + 1 : undefined;
  };
  const named = /extra content: ([\w:-]+)/.exec(message)?.[1] ?? /(?:Extra element|Did not expect element) ([\w:-]+)/.exec(message)?.[1];
  const byName = find(named);
  if (byName) return byName;
  if (base === undefined) return find(/Element ([\w:-]+)/.exec(message)?.[1]);
  let line = 1;
  for (const part of diffLines(base, sent)) {
    if (part.added) return line;
    if (part.removed) return line;
    line += part.count ?? 0;
  }
  return find(/Element ([\w:-]+)/.exec(message)?.[1]);
}

/** `present` turns XML into what people may see (passwords masked) before diffing. */
export async function domainDefineRawXml(h: DomainHandle, xml: string, present: (xml: string) => string = (x) => x, shown?: string): Promise<RawXmlResult> {
  let doc;
  try {
    doc = parseXmlDoc(xml);
    domainRoot(doc);
  } catch (e) {
    throw syntaxFailure(e, h.hostId) ?? e;
  }
  // Redefining with another UUID would make a second VM, not change this one.
  const uuid = textOf(child(domainRoot(doc), 'uuid'))?.trim().toLowerCase();
  if (uuid && uuid !== h.dom.uuid) throw new AppFailure('VALIDATION', `The UUID was changed (${uuid}); it must stay ${h.dom.uuid}, or this would define another VM`, { hostId: h.hostId, detail: { source: 'virtdeck' } });
  const name = textOf(child(domainRoot(doc), 'name'))?.trim();
  if (name !== h.dom.name) throw new AppFailure('VALIDATION', `The name was changed to "${name ?? ''}"; rename is not done by redefining (it must stay "${h.dom.name}")`, { hostId: h.hostId, detail: { source: 'virtdeck' } });
  const before = await inactiveXml(h);
  const presentedBase = async () => present(before);
  try {
    await h.c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml, flags: DEFINE_VALIDATE });
  } catch (e) {
    const f = toLibvirtFailure(e, h.hostId, 'libvirt refused the definition');
    const msg = e instanceof LibvirtError ? e.message : f.message;
    throw new AppFailure(f.error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'LIBVIRT', f.message, {
      hostId: h.hostId,
      detail: { ...(f.error.detail as object), line: errorLine(msg, shown ?? xml, shown === undefined ? undefined : await presentedBase()), source: 'libvirt' },
    });
  }
  const stored = await inactiveXml(h);
  const a = normalise(present(xml));
  const b = normalise(present(stored));
  const storedDiff = canonicalXml(parseXmlDoc(a)) === canonicalXml(parseXmlDoc(b)) ? '' : createTwoFilesPatch('sent', 'stored by libvirt', a, b, '', '', { context: 2 });
  return { stored, storedDiff };
}
