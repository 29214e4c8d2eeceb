import { AppFailure } from '../../shared/ipc/result';
import { LibvirtError, RpcClosedError } from './rpc/errors';

// libvirt error codes that map to our own codes (virerror.h).
const NOT_FOUND_CODES = new Set([42 /* NO_DOMAIN */, 43 /* NO_NETWORK */, 49 /* NO_STORAGE_POOL */, 50 /* NO_STORAGE_VOL */, 72 /* NO_DOMAIN_SNAPSHOT */]);

/** Turns whatever the RPC layer threw into an AppFailure the UI can act on. */
export function toLibvirtFailure(e: unknown, hostId: string, what: string): AppFailure {
  if (e instanceof AppFailure) return e;
  if (e instanceof LibvirtError) {
    const code = NOT_FOUND_CODES.has(e.code) ? 'NOT_FOUND' : 'LIBVIRT';
    return new AppFailure(code, `${what}: ${e.message}`, { hostId, detail: { libvirtCode: e.code, codeName: e.codeName, domain: e.domainName } });
  }
  if (e instanceof RpcClosedError) return new AppFailure('NOT_CONNECTED', `${what}: the connection to libvirt closed`, { hostId });
  const message = e instanceof Error ? e.message : String(e);
  return new AppFailure('INTERNAL', `${what}: ${message}`, { hostId });
}

export const isNoDomain = (e: unknown) => e instanceof LibvirtError && e.code === 42;
