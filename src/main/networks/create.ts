import { say, type CoreMsg } from '../../shared/i18n/core-text';
import { buildNetworkXml, type NetworkSpec } from '../../shared/libvirt/network-xml';
import { AppFailure } from '../../shared/ipc/result';
import type { NetworkCreateInput, NetworkSummary, SubnetCheck } from '../../shared/model/network';
import { hostOccupants } from '../../shared/net/iproute';
import { cidrText, parseCidr } from '../../shared/net/ip';
import { checkIpConfig, type IpConfig, type IpConfigErrors } from '../../shared/net/ip-config';
import { conflictReason, findConflicts, suggestSubnet, type Occupant } from '../../shared/net/subnets';
import { LibvirtError } from '../libvirt/rpc/errors';
import { P } from '../libvirt/rpc/procedures/index';
import type { RpcClient } from '../libvirt/rpc/client';
import type { NetworkRef } from '../libvirt/rpc/types';
import { isDisconnect, networkFailure } from './errors';
import { readHostNet } from './host-net';
import type { TaskManager } from '../tasks/manager';
import type { NetworkService } from './service';

const MODE_WORDS: Record<string, string> = { nat: 'NAT', route: 'routed', open: 'open', isolated: 'isolated', bridge: 'bridged' };

/** libvirt makes and owns these bridges; addresses on them belong to the network. */
export const ownsBridge = (n: NetworkSummary): boolean => ['nat', 'route', 'open', 'isolated'].includes(n.mode) && !!n.bridge;

export interface HostOccupancy {
  networks: NetworkSummary[];
  occupants: Occupant[];
  warnings: string[];
  /** Interface names on the host (forward devices, bridge name clashes). */
  links: string[];
}

/** Everything that already holds addresses on the host: libvirt networks (active or not), host addresses, host routes. */
export async function hostOccupancy(svc: NetworkService, hostId: string, signal?: AbortSignal): Promise<HostOccupancy> {
  const [networks, host] = await Promise.all([svc.networkList(hostId), readHostNet(svc.sessions.get(hostId).transport, signal)]);
  const bridges = new Map(networks.filter(ownsBridge).map((n) => [n.bridge!, n.name]));
  const occupants: Occupant[] = networks.flatMap((n) =>
    n.ips.map((ip) => ({ kind: 'network' as const, name: n.name, cidr: ip.cidr, detail: [`${MODE_WORDS[n.mode] ?? n.mode}${n.bridge ? ` on ${n.bridge}` : ''}`, n.active ? '' : 'stopped'].filter(Boolean).join(', ') })),
  );
  occupants.push(...hostOccupants(host.links, host.routes, bridges));
  return { networks, occupants, warnings: host.warnings, links: host.links.map((l) => l.name) };
}

export async function networkCheckSubnet(svc: NetworkService, hostId: string, cidr?: string): Promise<SubnetCheck> {
  const occ = await hostOccupancy(svc, hostId);
  const wanted = cidr ? parseCidr(cidr) : undefined;
  if (cidr && (!wanted || !cidr.includes('/'))) throw new AppFailure('VALIDATION', `'${cidr}' is not a subnet like 192.168.100.0/24`, { hostId });
  const family = wanted?.family ?? 4;
  const conflicts = wanted ? findConflicts(wanted, occ.occupants) : [];
  return {
    cidr: wanted ? cidrText(wanted) : undefined,
    ok: conflicts.length === 0,
    reason: wanted ? conflictReason(wanted, conflicts) : undefined,
    conflicts,
    occupied: occ.occupants,
    suggestion: suggestSubnet(occ.occupants, family, wanted?.prefix),
    warnings: occ.warnings,
  };
}

function fieldErrors(prefix: string, errors: IpConfigErrors): string[] {
  const words: Record<string, string> = { cidr: 'subnet', gateway: 'gateway', dhcpStart: 'DHCP start', dhcpEnd: 'DHCP end' };
  return Object.entries(errors).map(([k, v]) => `${prefix} ${words[k] ?? k}: ${v}`);
}

async function define(c: RpcClient, xml: string, signal: AbortSignal): Promise<NetworkRef> {
  try {
    // VALIDATE: libvirt checks the XML against its schema instead of silently dropping what it doesn't know.
    return await c.call(P.NETWORK_DEFINE_XML_FLAGS, { xml, flags: 1 }, { signal });
  } catch (e) {
    // Daemons before 7.7 don't know proc 432.
    if (e instanceof LibvirtError && (e.codeName === 'NO_SUPPORT' || e.codeName === 'RPC' || /unknown procedure/i.test(e.message))) return c.call(P.NETWORK_DEFINE_XML, { xml }, { signal });
    throw e;
  }
}

export interface CreatePlan {
  input: NetworkCreateInput;
  xml: string;
  ips: IpConfig[];
  checked: number;
  warnings: string[];
}

/**
 * Everything a person can get wrong, checked before anything is touched (and
 * answered at once, not as a failed task): addresses, overlaps with every
 * network, address and route on the host, the name, the forward device.
 */
export async function networkCreatePlan(svc: NetworkService, input: NetworkCreateInput): Promise<CreatePlan> {
  const { hostId, name } = input;
  const what = `Creating network '${name}'`;
  const problems: string[] = [];
  const v4 = checkIpConfig(input.ipv4, 4);
  problems.push(...fieldErrors('IPv4', v4.errors));
  const v6 = input.ipv6 ? checkIpConfig(input.ipv6, 6) : undefined;
  if (v6) problems.push(...fieldErrors('IPv6', v6.errors));
  if (problems.length) throw new AppFailure('VALIDATION', `${what}: ${problems.join('; ')}`, { hostId, detail: { ipv4: v4.errors, ipv6: v6?.errors } });
  const ips = [v4.config, v6?.config].filter((x): x is IpConfig => !!x);

  const occ = await hostOccupancy(svc, hostId).catch((e) => Promise.reject(networkFailure(e, hostId, what, name)));
  if (occ.networks.some((n) => n.name === name)) throw new AppFailure('CONFLICT', `${what}: a network named '${name}' already exists on this host`, { hostId });
  for (const ip of ips) {
    const cidr = parseCidr(ip.cidr)!;
    const conflicts = findConflicts(cidr, occ.occupants);
    if (conflicts.length) throw new AppFailure('CONFLICT', `${what}: ${conflictReason(cidr, conflicts)}`, { hostId, detail: { conflicts, warnings: occ.warnings } });
  }
  if (input.forwardDev && input.mode !== 'isolated' && occ.links.length && !occ.links.includes(input.forwardDev)) {
    throw new AppFailure('VALIDATION', `${what}: the host has no interface '${input.forwardDev}' (it has ${occ.links.join(', ')})`, { hostId });
  }
  const spec: NetworkSpec = {
    name,
    mode: input.mode,
    forwardDev: input.mode === 'isolated' ? undefined : input.forwardDev || undefined,
    domainName: input.domainName || undefined,
    ips: ips.map((ip) => ({ family: ip.family === 6 ? 'ipv6' : 'ipv4', gateway: ip.gateway, prefix: ip.prefix, dhcp: ip.dhcp })),
  };
  return { input, xml: buildNetworkXml(spec), ips, checked: occ.occupants.length, warnings: occ.warnings };
}

/**
 * Defines, starts and autostarts a planned network as a Task. Each step
 * registers its undo before it runs (a cancel may land mid-call), so a failed
 * or cancelled creation leaves nothing behind, and a disconnect midway says
 * exactly what is known to be left.
 */
export function networkCreateTask(svc: NetworkService, tasks: TaskManager, plan: CreatePlan): { taskId: string; result: Promise<NetworkSummary> } {
  const { input } = plan;
  const { hostId, name } = input;
  const what = `Creating network '${name}'`;
  return tasks.run(
    { kind: 'network.create', title: say('title.networkCreate', { name }), hostId, target: { kind: 'network', hostId, id: name, name }, retry: { call: 'networks.create', input } },
    async (ctx) => {
      const c = svc.client(hostId);
      const total = 1 + (input.start ? 1 : 0) + (input.autostart ? 1 : 0);
      let done = 0;
      const step = (phase: CoreMsg) => {
        ctx.phase(phase);
        ctx.progress({ unit: 'steps', done, total });
      };
      ctx.log(`${plan.ips.map((i) => i.cidr).join(' and ')} overlaps none of the ${plan.checked} networks, addresses and routes on the host`);
      for (const w of plan.warnings) ctx.log(w, 'warn');
      let started = false;
      try {
        step(say('phase.defining'));
        const byName = () => c.call(P.NETWORK_LOOKUP_BY_NAME, { name });
        const keepDefined = ctx.undo(`remove network '${name}' if it was defined`, async () => {
          await c.call(P.NETWORK_UNDEFINE, { net: await byName() }).catch((e) => {
            if (networkFailure(e, hostId, '').error.code !== 'NOT_FOUND') throw e;
          });
        });
        const net = await define(c, plan.xml, ctx.signal);
        done++;
        let keepStarted = () => {};
        if (input.start) {
          step(say('phase.startingNetwork'));
          keepStarted = ctx.undo(`stop network '${name}'`, async () => {
            if (await c.call(P.NETWORK_IS_ACTIVE, { net })) await c.call(P.NETWORK_DESTROY, { net });
          });
          await c.call(P.NETWORK_CREATE, { net }, { signal: ctx.signal });
          started = true;
          done++;
        }
        if (input.autostart) {
          step(say('phase.settingAutostart'));
          await c.call(P.NETWORK_SET_AUTOSTART, { net, autostart: true }, { signal: ctx.signal });
          done++;
        }
        ctx.progress({ unit: 'steps', done, total });
        keepStarted();
        keepDefined();
        const summary = await svc.summary(hostId, c, net);
        ctx.log(`'${name}' is ${summary.active ? `running on ${summary.bridge ?? 'its bridge'}` : 'defined'}${summary.autostart ? ', autostarted' : ''}`);
        svc.log.info(`${hostId}: created network ${name}`);
        return summary;
      } catch (e) {
        if (isDisconnect(e)) {
          // The call in flight may or may not have run on the host: say only what is known.
          const left = done === 0 ? 'may or may not be defined' : started || !input.start ? 'defined' : 'defined; whether it started is not known';
          throw new AppFailure('NOT_CONNECTED', `${what}: the host disconnected midway. '${name}' ${done === 0 ? left : `is ${left}`}; check it once the host is back.`, { hostId, detail: { steps: done } });
        }
        throw networkFailure(e, hostId, what, name);
      }
    },
  );
}
