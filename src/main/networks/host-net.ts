import { parseIpAddrJson, parseIpRouteJson, type HostLink, type HostRoute } from '../../shared/net/iproute';
import type { HostTransport } from '../hosts/transport';

// The host's own links, addresses and routes, read agentlessly with iproute2
// over the host's SSH connection. The script is fixed text and takes no
// input; `ip` lives in /sbin or /usr/sbin on some distributions, which a
// non-root login PATH may lack.
const SCRIPT = `PATH="$PATH:/usr/sbin:/sbin"
ip -j -d addr show || echo null
echo '--virtdeck--'
ip -j route show || echo null
echo '--virtdeck--'
ip -j -6 route show || echo null
`;

export interface HostNet {
  links: HostLink[];
  routes: HostRoute[];
  /** What could not be read, in words; empty when everything was. */
  warnings: string[];
}

export async function readHostNet(transport: HostTransport, signal?: AbortSignal): Promise<HostNet> {
  const warnings: string[] = [];
  let out: string;
  try {
    const r = await transport.exec(['sh', '-c', SCRIPT], { timeoutMs: 15_000, signal });
    out = r.stdout.toString('utf8');
    if (r.code !== 0 && !out.trim()) throw new Error(r.stderr.toString('utf8').trim() || `exit ${r.code}`);
  } catch (e) {
    return { links: [], routes: [], warnings: [`The host's addresses and routes could not be read (${e instanceof Error ? e.message : String(e)}); only libvirt networks were checked.`] };
  }
  const [addrText = 'null', r4 = 'null', r6 = 'null'] = out.split('--virtdeck--\n');
  const parse = <T>(text: string, what: string, fn: (j: unknown) => T[]): T[] => {
    try {
      const json: unknown = JSON.parse(text.trim() || 'null');
      if (json === null) throw new Error('`ip` is missing or failed');
      return fn(json);
    } catch (e) {
      warnings.push(`The host's ${what} could not be read (${e instanceof Error ? e.message : String(e)}).`);
      return [];
    }
  };
  const links = parse(addrText, 'addresses', parseIpAddrJson);
  const routes = [...parse(r4, 'IPv4 routes', (j) => parseIpRouteJson(j, 4)), ...parse(r6, 'IPv6 routes', (j) => parseIpRouteJson(j, 6))];
  return { links, routes, warnings };
}
