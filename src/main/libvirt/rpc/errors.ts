// Errors of the RPC layer. A failed call carries libvirt's own error record
// (remote_error / virNetMessageError); everything else is about the
// connection (closed, timed out) or the peer breaking the protocol.
import { decode, int, optString, optional, struct } from './codec';
import { domain, network } from './types';
import { XdrError } from './xdr';

/** Base class, so callers can tell RPC failures from their own bugs. */
export class RpcError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The transport is gone (closed, errored, keepalive lost, or close() called). */
export class RpcClosedError extends RpcError {}

/** The peer sent something that breaks the wire protocol. */
export class RpcProtocolError extends RpcError {}

/** A call got no reply within its timeout. */
export class RpcTimeoutError extends RpcError {}

/** A stream's reader fell too far behind on a shared connection: that stream alone was closed. */
export class RpcStreamOverflowError extends RpcError {}

/** The caller's AbortSignal fired. */
export class RpcAbortError extends RpcError {
  constructor(message = 'call aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

// virErrorNumber (include/libvirt/virterror.h). Values are ABI and never move.
const CODE_NAMES: readonly string[] = [
  'OK', 'INTERNAL_ERROR', 'NO_MEMORY', 'NO_SUPPORT', 'UNKNOWN_HOST', 'NO_CONNECT',
  'INVALID_CONN', 'INVALID_DOMAIN', 'INVALID_ARG', 'OPERATION_FAILED', 'GET_FAILED',
  'POST_FAILED', 'HTTP_ERROR', 'SEXPR_SERIAL', 'NO_XEN', 'XEN_CALL', 'OS_TYPE',
  'NO_KERNEL', 'NO_ROOT', 'NO_SOURCE', 'NO_TARGET', 'NO_NAME', 'NO_OS', 'NO_DEVICE',
  'NO_XENSTORE', 'DRIVER_FULL', 'CALL_FAILED', 'XML_ERROR', 'DOM_EXIST',
  'OPERATION_DENIED', 'OPEN_FAILED', 'READ_FAILED', 'PARSE_FAILED', 'CONF_SYNTAX',
  'WRITE_FAILED', 'XML_DETAIL', 'INVALID_NETWORK', 'NETWORK_EXIST', 'SYSTEM_ERROR',
  'RPC', 'GNUTLS_ERROR', 'WAR_NO_NETWORK', 'NO_DOMAIN', 'NO_NETWORK', 'INVALID_MAC',
  'AUTH_FAILED', 'INVALID_STORAGE_POOL', 'INVALID_STORAGE_VOL', 'WAR_NO_STORAGE',
  'NO_STORAGE_POOL', 'NO_STORAGE_VOL', 'WAR_NO_NODE', 'INVALID_NODE_DEVICE',
  'NO_NODE_DEVICE', 'NO_SECURITY_MODEL', 'OPERATION_INVALID', 'WAR_NO_INTERFACE',
  'NO_INTERFACE', 'INVALID_INTERFACE', 'MULTIPLE_INTERFACES', 'WAR_NO_NWFILTER',
  'INVALID_NWFILTER', 'NO_NWFILTER', 'BUILD_FIREWALL', 'WAR_NO_SECRET',
  'INVALID_SECRET', 'NO_SECRET', 'CONFIG_UNSUPPORTED', 'OPERATION_TIMEOUT',
  'MIGRATE_PERSIST_FAILED', 'HOOK_SCRIPT_FAILED', 'INVALID_DOMAIN_SNAPSHOT',
  'NO_DOMAIN_SNAPSHOT', 'INVALID_STREAM', 'ARGUMENT_UNSUPPORTED',
  'STORAGE_PROBE_FAILED', 'STORAGE_POOL_BUILT', 'SNAPSHOT_REVERT_RISKY',
  'OPERATION_ABORTED', 'AUTH_CANCELLED', 'NO_DOMAIN_METADATA', 'MIGRATE_UNSAFE',
  'OVERFLOW', 'BLOCK_COPY_ACTIVE', 'OPERATION_UNSUPPORTED', 'SSH',
  'AGENT_UNRESPONSIVE', 'RESOURCE_BUSY', 'ACCESS_DENIED', 'DBUS_SERVICE',
  'STORAGE_VOL_EXIST', 'CPU_INCOMPATIBLE', 'XML_INVALID_SCHEMA', 'MIGRATE_FINISH_OK',
  'AUTH_UNAVAILABLE', 'NO_SERVER', 'NO_CLIENT', 'AGENT_UNSYNCED', 'LIBSSH',
  'DEVICE_MISSING', 'INVALID_NWFILTER_BINDING', 'NO_NWFILTER_BINDING',
  'INVALID_DOMAIN_CHECKPOINT', 'NO_DOMAIN_CHECKPOINT', 'NO_DOMAIN_BACKUP',
  'INVALID_NETWORK_PORT', 'NETWORK_PORT_EXIST', 'NO_NETWORK_PORT', 'NO_HOSTNAME',
  'CHECKPOINT_INCONSISTENT', 'MULTIPLE_DOMAINS',
];

/** Common virErrorNumber values by name. Note 39 is VIR_ERR_RPC (libvirtd's "authentication required"), 45 is AUTH_FAILED. */
export const ErrorCode = {
  INTERNAL_ERROR: 1,
  NO_SUPPORT: 3,
  INVALID_ARG: 8,
  OPERATION_FAILED: 9,
  XML_ERROR: 27,
  DOM_EXIST: 28,
  OPERATION_DENIED: 29,
  SYSTEM_ERROR: 38,
  RPC: 39,
  NO_DOMAIN: 42,
  NO_NETWORK: 43,
  AUTH_FAILED: 45,
  NO_STORAGE_POOL: 49,
  NO_STORAGE_VOL: 50,
  OPERATION_INVALID: 55,
  CONFIG_UNSUPPORTED: 67,
  OPERATION_TIMEOUT: 68,
  OPERATION_ABORTED: 78,
  NO_DOMAIN_METADATA: 80,
  OPERATION_UNSUPPORTED: 84,
  AGENT_UNRESPONSIVE: 86,
  RESOURCE_BUSY: 87,
  ACCESS_DENIED: 88,
  STORAGE_VOL_EXIST: 90,
  AUTH_UNAVAILABLE: 94,
} as const;

// virErrorDomain (VIR_FROM_*), index = value.
const DOMAIN_NAMES: readonly string[] = [
  'NONE', 'XEN', 'XEND', 'XENSTORE', 'SEXPR', 'XML', 'DOM', 'RPC', 'PROXY', 'CONF',
  'QEMU', 'NET', 'TEST', 'REMOTE', 'OPENVZ', 'XENXM', 'STATS_LINUX', 'LXC', 'STORAGE',
  'NETWORK', 'DOMAIN', 'UML', 'NODEDEV', 'XEN_INOTIFY', 'SECURITY', 'VBOX', 'INTERFACE',
  'ONE', 'ESX', 'PHYP', 'SECRET', 'CPU', 'XENAPI', 'NWFILTER', 'HOOK', 'DOMAIN_SNAPSHOT',
  'AUDIT', 'SYSINFO', 'STREAMS', 'VMWARE', 'EVENT', 'LIBXL', 'LOCKING', 'HYPERV',
  'CAPABILITIES', 'URI', 'AUTH', 'DBUS', 'PARALLELS', 'DEVICE', 'SSH', 'LOCKSPACE',
  'INITCTL', 'IDENTITY', 'CGROUP', 'ACCESS', 'SYSTEMD', 'BHYVE', 'CRYPTO', 'FIREWALL',
  'POLKIT', 'THREAD', 'ADMIN', 'LOGGING', 'XENXL', 'PERF', 'LIBSSH', 'RESCTRL',
  'FIREWALLD', 'DOMAIN_CHECKPOINT', 'TPM', 'BPF', 'CH',
];

/** 'VIR_ERR_NO_DOMAIN' for 42; warnings keep their VIR_WAR_ prefix. */
export function errorCodeName(code: number): string {
  const n = CODE_NAMES[code];
  if (n === undefined) return `VIR_ERR_UNKNOWN_${code}`;
  return n.startsWith('WAR_') ? `VIR_${n}` : `VIR_ERR_${n}`;
}

export function errorDomainName(d: number): string {
  const n = DOMAIN_NAMES[d];
  return n === undefined ? `VIR_FROM_UNKNOWN_${d}` : `VIR_FROM_${n}`;
}

/** remote_error: the payload of every status=ERROR reply or stream packet. */
export const remoteError = struct({
  code: int,
  domain: int,
  message: optString,
  level: int,
  dom: optional(domain),
  str1: optString,
  str2: optString,
  str3: optString,
  int1: int,
  int2: int,
  net: optional(network),
});

export type RemoteErrorRecord = ReturnType<typeof remoteError.dec>;

export class LibvirtError extends RpcError {
  readonly code: number;
  readonly domain: number;
  /** e.g. 'VIR_ERR_NO_DOMAIN' */
  readonly codeName: string;
  /** e.g. 'VIR_FROM_QEMU' */
  readonly domainName: string;
  readonly level: number;
  readonly record: RemoteErrorRecord;
  /** The procedure that failed, when known (e.g. 'DOMAIN_LOOKUP_BY_NAME'). */
  readonly procedure: string | undefined;

  constructor(record: RemoteErrorRecord, procedure?: string) {
    super(record.message ?? `libvirt error ${errorCodeName(record.code)}`);
    this.code = record.code;
    this.domain = record.domain;
    this.codeName = errorCodeName(record.code);
    this.domainName = errorDomainName(record.domain);
    this.level = record.level;
    this.record = record;
    this.procedure = procedure;
  }
}

/**
 * Decodes an error payload. A payload that is not a valid remote_error is
 * itself a protocol violation, reported as RpcProtocolError (never thrown raw).
 */
export function decodeLibvirtError(payload: Uint8Array, procedure?: string): LibvirtError | RpcProtocolError {
  try {
    return new LibvirtError(decode(remoteError, payload), procedure);
  } catch (e) {
    if (!(e instanceof XdrError)) throw e;
    return new RpcProtocolError(`undecodable error payload${procedure ? ` for ${procedure}` : ''}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

export function isLibvirtError(e: unknown, code?: number): e is LibvirtError {
  return e instanceof LibvirtError && (code === undefined || e.code === code);
}
