import type { HostInfo } from '../../shared/model/host';
import { attr, child, children, parseXml, text } from '../../shared/libvirt/xml';
import { toLibvirtFailure } from './errors';
import { P } from './rpc/procedures/index';
import type { LibvirtSessions } from './sessions';

/** libvirt packs versions as major * 1,000,000 + minor * 1,000 + release. */
export const formatVersion = (v: number): string => `${Math.floor(v / 1e6)}.${Math.floor((v % 1e6) / 1e3)}.${v % 1e3}`;

export async function hostInfo(sessions: LibvirtSessions, hostId: string): Promise<HostInfo> {
  const c = sessions.client(hostId);
  try {
    const [node, hostname, uri, lib, hv, capsXml] = await Promise.all([
      c.call(P.NODE_GET_INFO),
      c.call(P.CONNECT_GET_HOSTNAME),
      c.call(P.CONNECT_GET_URI),
      c.call(P.CONNECT_GET_LIB_VERSION),
      c.call(P.CONNECT_GET_VERSION).catch(() => 0),
      c.call(P.CONNECT_GET_CAPABILITIES),
    ]);
    const host = child(child(parseXml(capsXml), 'capabilities'), 'host');
    const cpu = child(host, 'cpu');
    const cells = child(child(host, 'topology'), 'cells');
    return {
      hostId,
      hostname,
      uri,
      libvirtVersion: formatVersion(lib),
      hypervisorVersion: hv ? `QEMU ${formatVersion(hv)}` : undefined,
      cpuModel: text(cpu, 'model') ?? node.model,
      cpus: node.cpus,
      mhz: node.mhz,
      sockets: node.sockets,
      cores: node.cores,
      threads: node.threads,
      numaCells: Number(attr(cells, 'num') ?? children(cells, 'cell').length) || node.nodes,
      memoryKiB: node.memory,
      arch: text(cpu, 'arch'),
    };
  } catch (e) {
    throw toLibvirtFailure(e, hostId, 'Reading host information');
  }
}
