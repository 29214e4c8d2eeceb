import type { Duplex } from 'node:stream';
import { CONSOLE_CLOSE, type SerialTicket, type ShellTicket, type VncTicket } from '../../shared/ipc/calls/consoles';
import { DOMAIN_STATES } from '../../shared/model/domain';
import { AppFailure } from '../../shared/ipc/result';
import { attr, child, children, parseXml } from '../../shared/libvirt/xml';
import type { HostTransport } from '../hosts/transport';
import { toLibvirtFailure } from '../libvirt/errors';
import type { RpcClient } from '../libvirt/rpc/client';
import { ErrorCode, LibvirtError, RpcStreamOverflowError } from '../libvirt/rpc/errors';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef } from '../libvirt/rpc/types';
import type { CallerAccess } from '../auth/gate';
import type { Logger } from '../util/log';
import type { ConsoleBridge, ConsoleTarget } from './bridge';
import { describeEndpoint, vncEndpoint } from './vnc-target';

/** What consoles need of a host: its libvirt client and its one transport (throwing NOT_CONNECTED when absent). */
export interface ConsoleHosts {
  libvirt(hostId: string): RpcClient;
  transport(hostId: string): HostTransport;
}

// virDomainGetXMLFlags / virDomainConsoleFlags (libvirt-domain.h).
const XML_SECURE = 1;
const CONSOLE_FORCE = 1;
// A guest whose QEMU process is gone has no display or console to reach.
const OFF_STATES = new Set([0, 5, 6]);

/**
 * The access policy, asked again before any console token is made (the
 * registry asked before the call; a token is a key to a VM's screen, so the
 * service that mints it checks on its own too). Throws FORBIDDEN.
 */
export type ConsoleGuard = (call: 'consoles.openVnc' | 'consoles.openSerial' | 'consoles.openShell', input: Record<string, unknown>, access: CallerAccess | undefined) => Promise<void>;

/** Opens VNC forwards, serial console streams and host shells, each bound to a one-time bridge token. */
export class ConsoleService {
  constructor(
    private readonly hosts: ConsoleHosts,
    private readonly bridge: ConsoleBridge,
    private readonly log: Logger,
    private readonly guard: ConsoleGuard = async () => {},
  ) {}

  async openVnc(hostId: string, uuid: string, access?: CallerAccess): Promise<VncTicket> {
    await this.guard('consoles.openVnc', { hostId, uuid }, access);
    const client = this.hosts.libvirt(hostId);
    const transport = this.hosts.transport(hostId);
    const dom = await this.runningDomain(client, hostId, uuid, 'display');
    let xml: string;
    try {
      xml = await client.call(P.DOMAIN_GET_XML_DESC, { dom, flags: XML_SECURE });
    } catch (e) {
      // Read-only (help-desk) connections may not ask for secrets: go on without the password,
      // noVNC then asks the user for it.
      if (!(e instanceof LibvirtError && (e.code === ErrorCode.OPERATION_DENIED || e.code === 88 /* ACCESS_DENIED */))) {
        throw toLibvirtFailure(e, hostId, `Reading ${dom.name}`);
      }
      xml = await client.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 }).catch((e2: unknown) => {
        throw toLibvirtFailure(e2, hostId, `Reading ${dom.name}`);
      });
    }
    const ep = vncEndpoint(xml);
    if (ep.kind === 'none') {
      throw new AppFailure(ep.reason === 'no-graphics' ? 'NOT_FOUND' : 'UNSUPPORTED', `${dom.name}: ${ep.detail}`, { hostId, detail: { reason: ep.reason } });
    }
    const where = describeEndpoint(ep);
    let stream: Duplex;
    try {
      stream = ep.kind === 'tcp' ? await transport.forwardTcp(ep.host, ep.port) : await transport.forwardUnix(ep.path);
    } catch (e) {
      if (e instanceof AppFailure) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new AppFailure('HOST_UNREACHABLE', `${dom.name}: could not reach its VNC display at ${where} from the host (${why}).`, { hostId, detail: { target: where } });
    }
    const label = `${hostId}/${dom.name} vnc ${where}`;
    const ticket = this.bridge.issue({ kind: 'vnc', label, stream, ...owner(access) });
    this.log.info(`${label}: forward open`);
    return { ...ticket, name: dom.name, target: where, ...(ep.password ? { password: ep.password } : {}), ...('note' in ep && ep.note ? { note: ep.note } : {}) };
  }

  async openSerial(hostId: string, uuid: string, force: boolean, access?: CallerAccess): Promise<SerialTicket> {
    await this.guard('consoles.openSerial', { hostId, uuid, force }, access);
    const client = this.hosts.libvirt(hostId);
    const dom = await this.runningDomain(client, hostId, uuid, 'console');
    const xml = await client.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 }).catch((e: unknown) => {
      throw toLibvirtFailure(e, hostId, `Reading ${dom.name}`);
    });
    const device = serialDevice(xml);
    if (!device) throw new AppFailure('NOT_FOUND', `${dom.name} has no serial console. Add a <serial type='pty'> device, or use its graphical display.`, { hostId });
    let stream;
    try {
      // dev_name null = the first console, as `virsh console` picks it.
      stream = await client.openStream(P.DOMAIN_OPEN_CONSOLE, { dom, dev_name: null, flags: force ? CONSOLE_FORCE : 0 }, { finishTimeoutMs: 5000 });
    } catch (e) {
      throw serialFailure(e, hostId, dom.name);
    }
    const label = `${hostId}/${dom.name} serial`;
    const target: ConsoleTarget = {
      kind: 'serial',
      label,
      stream,
      ...owner(access),
      // A finish (not an abort) lets libvirt release the console for the next client at once.
      close: () => {
        if (!stream.writableEnded && !stream.destroyed) stream.end();
      },
      describeError: (e) =>
        e instanceof RpcStreamOverflowError
          ? { code: CONSOLE_CLOSE.TOO_SLOW, reason: 'This console stopped reading and fell too far behind, so it was closed; the host is unaffected.' }
          : // When another client opens the console with FORCE, libvirtd aborts our stream;
        // libvirt 9 reports that as "stream had I/O failure" (older ones: "stream aborted").
        /abort|I\/O failure/i.test(e.message)
          ? { code: CONSOLE_CLOSE.TAKEN_OVER, reason: 'Another client took over this console.' }
          : { code: CONSOLE_CLOSE.FAILED, reason: e.message },
    };
    const ticket = this.bridge.issue(target);
    this.log.info(`${label}: console stream open${force ? ' (forced)' : ''}`);
    return { ...ticket, name: dom.name, ...(device !== 'console' ? { device } : {}) };
  }

  async openShell(hostId: string, cols: number, rows: number, access?: CallerAccess): Promise<ShellTicket> {
    await this.guard('consoles.openShell', { hostId, cols, rows }, access);
    const transport = this.hosts.transport(hostId);
    if (transport.kind === 'local') {
      throw new AppFailure('UNSUPPORTED', 'A shell on this machine itself is not offered; use your own terminal.', { hostId });
    }
    let ch;
    try {
      ch = await transport.shell({ cols, rows });
    } catch (e) {
      if (e instanceof AppFailure) throw e;
      throw new AppFailure('INTERNAL', `${hostId}: the host refused a shell (${e instanceof Error ? e.message : String(e)}).`, { hostId });
    }
    const ticket = this.bridge.issue({ kind: 'shell', label: `${hostId} shell`, stream: ch, resize: (c, r) => ch.resize(c, r), ...owner(access) });
    return { ...ticket, hostId };
  }

  private async runningDomain(client: RpcClient, hostId: string, uuid: string, what: 'display' | 'console'): Promise<DomainRef> {
    try {
      const dom = await client.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
      const { state } = await client.call(P.DOMAIN_GET_STATE, { dom, flags: 0 });
      if (OFF_STATES.has(state)) {
        const name = DOMAIN_STATES[state] ?? 'off';
        throw new AppFailure('CONFLICT', `${dom.name} is ${name === 'shutoff' ? 'off' : name}: start it to see its ${what}.`, { hostId, detail: { off: true, state: name } });
      }
      return dom;
    } catch (e) {
      throw toLibvirtFailure(e, hostId, `Domain ${uuid}`);
    }
  }
}

const owner = (access: CallerAccess | undefined) => (access?.sessionId ? { owner: access.sessionId } : {});

/** 'console' when a <console> exists, else the first <serial>'s kind; undefined when neither. */
function serialDevice(xml: string): string | undefined {
  const devices = child(child(parseXml(xml), 'domain'), 'devices');
  if (children(devices, 'console').length > 0) return 'console';
  const serial = children(devices, 'serial')[0];
  return serial ? `serial ${attr(serial, 'type') ?? 'pty'}` : undefined;
}

function serialFailure(e: unknown, hostId: string, name: string): AppFailure {
  if (e instanceof LibvirtError && /active console session|console.*(busy|in use)/i.test(e.message)) {
    return new AppFailure('CONFLICT', `Another client holds ${name}'s serial console (virt-manager, virsh console or another VirtDeck window). Take over to disconnect it.`, {
      hostId,
      detail: { busy: true, libvirtCode: e.code },
    });
  }
  return toLibvirtFailure(e, hostId, `Opening ${name}'s serial console`);
}
