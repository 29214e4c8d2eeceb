// Re-plugs one NIC of a domain definition into another network or bridge by
// editing the XML as a DOM (as virt-manager and cockpit-machines do): only the
// <interface>'s type and <source> change; everything else survives untouched.
import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';
import type { NicSource } from '../model/network';

export interface NicEdit {
  /** The whole domain XML with the change (for DefineXML). */
  domainXml: string;
  /** Just the changed <interface> (for UpdateDeviceFlags on a running domain). */
  interfaceXml: string;
  /** What it was plugged into before, e.g. "network 'default'". */
  before: string;
}

const describe = (type: string, src: Element | undefined) => {
  const name = src?.getAttribute('network') ?? src?.getAttribute('bridge') ?? src?.getAttribute('dev');
  return name ? `${type} '${name}'` : type;
};

export function setNicSource(domainXml: string, mac: string, source: NicSource): NicEdit {
  const doc = new DOMParser().parseFromString(domainXml, 'text/xml');
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'domain') throw new Error('not a libvirt domain XML document');
  const devices = Array.from(root.getElementsByTagName('devices'))[0];
  const ifaces = devices ? Array.from(devices.getElementsByTagName('interface')).filter((e) => e.parentNode === devices) : [];
  const iface = ifaces.find((i) => Array.from(i.getElementsByTagName('mac')).some((m) => m.getAttribute('address')?.toLowerCase() === mac.toLowerCase()));
  if (!iface) throw new Error(`the VM has no NIC with MAC ${mac}`);
  const oldSources = Array.from(iface.childNodes).filter((n): n is Element => n.nodeType === 1 && n.nodeName === 'source');
  const before = describe(iface.getAttribute('type') ?? 'network', oldSources[0]);

  iface.setAttribute('type', source.type);
  const src = doc.createElement('source');
  if (source.type === 'network') src.setAttribute('network', source.network);
  else src.setAttribute('bridge', source.bridge);
  if (oldSources[0]) iface.replaceChild(src, oldSources[0]);
  else iface.insertBefore(src, iface.firstChild);
  for (const extra of oldSources.slice(1)) iface.removeChild(extra);
  // Attributes that only make sense for the old kind of source (portgroup of a
  // network, a <virtualport> of an OVS bridge) would make libvirt refuse or misplug.
  for (const child of Array.from(iface.childNodes)) {
    if (child.nodeType === 1 && child.nodeName === 'virtualport') iface.removeChild(child);
  }
  const ser = new XMLSerializer();
  return { domainXml: ser.serializeToString(doc), interfaceXml: ser.serializeToString(iface), before };
}
