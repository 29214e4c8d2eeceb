import { AppFailure } from '../../shared/ipc/result';
import { toLibvirtFailure } from '../libvirt/errors';
import { LibvirtError, RpcClosedError } from '../libvirt/rpc/errors';

// libvirt's network errors in the words an admin needs (what happened, what
// is left, what to do), keeping libvirt's own text in `detail`.

const detailOf = (e: LibvirtError) => ({ libvirtCode: e.code, codeName: e.codeName, libvirtMessage: e.message });

export function networkFailure(e: unknown, hostId: string, what: string, name?: string): AppFailure {
  if (e instanceof AppFailure) return e;
  const net = name !== undefined ? `'${name}'` : 'the network';
  if (e instanceof RpcClosedError) {
    return new AppFailure('NOT_CONNECTED', `${what}: the host disconnected before libvirt answered, so it is not known whether the change was made. Check ${net} once the host is back.`, { hostId });
  }
  if (e instanceof LibvirtError) {
    const msg = e.message;
    if (e.codeName === 'NO_NETWORK') return new AppFailure('NOT_FOUND', `${what}: network ${net} no longer exists on this host`, { hostId, detail: detailOf(e) });
    if (e.codeName === 'NETWORK_EXIST' || /already exists/i.test(msg)) {
      return new AppFailure('CONFLICT', `${what}: a network named ${net} already exists on this host`, { hostId, detail: detailOf(e) });
    }
    if (/existing dhcp host entry/i.test(msg)) {
      return new AppFailure('CONFLICT', `${what}: that MAC address, IP address or host name is already reserved on ${net}`, { hostId, detail: detailOf(e) });
    }
    if (/is not active|not running/i.test(msg)) return new AppFailure('CONFLICT', `${what}: network ${net} is not running`, { hostId, detail: detailOf(e) });
    if (/is already active|already running/i.test(msg)) return new AppFailure('CONFLICT', `${what}: network ${net} is already running`, { hostId, detail: detailOf(e) });
    if (/bridge name .* already in use|already in use by interface/i.test(msg)) {
      return new AppFailure('CONFLICT', `${what}: ${msg.replace(/^.*?: /, '')}`, { hostId, detail: detailOf(e) });
    }
  }
  return toLibvirtFailure(e, hostId, what);
}

/** True when the error means the link to the host went away (the step may or may not have happened). */
export const isDisconnect = (e: unknown): boolean =>
  e instanceof RpcClosedError || (e instanceof AppFailure && e.error.code === 'NOT_CONNECTED');
