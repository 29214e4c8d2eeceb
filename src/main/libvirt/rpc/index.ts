// Public surface of the libvirt RPC client.
export { RpcClient, type CallOptions, type RpcClientOptions } from './client';
export {
  DEFAULT_URI,
  LOCAL_SOCKET,
  LOCAL_SOCKET_RO,
  HELPER_SCRIPT,
  AuthUnsupportedError,
  openLibvirt,
  openLibvirtConnection,
  helperLaunch,
  type LibvirtConnection,
  type OpenOptions,
} from './connect';
export {
  ErrorCode,
  LibvirtError,
  RpcAbortError,
  RpcClosedError,
  RpcError,
  RpcProtocolError,
  RpcTimeoutError,
  errorCodeName,
  errorDomainName,
  isLibvirtError,
} from './errors';
export type { KeepaliveOptions } from './keepalive';
export { PacketError, PacketReader } from './packet';
export * from './procedures/index';
export { RpcStream, type RpcStreamOptions } from './stream';
export {
  type DomainRef,
  type NetworkRef,
  type StoragePoolRef,
  type StorageVolRef,
  type TypedParam,
  typedParamsToRecord,
  uuidToBytes,
  uuidToString,
} from './types';
export { XdrError } from './xdr';
