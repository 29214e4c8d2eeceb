// Connection, auth and host procedures (remote_protocol.x numbers).
import { array, int, intBool, mapped, none, optString, string, struct, uhyper, uhyperNum, uint, vector } from '../codec';
import { LIMITS } from '../types';
import { procedures } from './define';

export const AuthType = { NONE: 0, SASL: 1, POLKIT: 2 } as const;

/** VIR_DRV_FEATURE_* numbers for CONNECT_SUPPORTS_FEATURE. */
export const Feature = {
  TYPED_PARAM_STRING: 9,
  PROGRAM_KEEPALIVE: 10,
  REMOTE_EVENT_CALLBACK: 14,
  REMOTE_CLOSE_CALLBACK: 15,
} as const;

/** CONNECT_OPEN flags. */
export const ConnectFlags = { RO: 1 } as const;

// rpcgen encodes `char model[32]` as 32 four-byte items; the C string ends at NUL.
const cModel = mapped(
  vector(int, 32),
  (codes) => {
    const end = codes.indexOf(0);
    return Buffer.from((end < 0 ? codes : codes.slice(0, end)).map((c) => c & 0xff)).toString('latin1');
  },
  (s: string) => {
    const bytes = Array.from(Buffer.from(s, 'latin1').subarray(0, 31), (b) => (b > 127 ? b - 256 : b));
    while (bytes.length < 32) bytes.push(0);
    return bytes;
  },
);

const memoryStat = struct({ field: string, value: uhyper });

export const ConnectProcedures = procedures({
  CONNECT_OPEN: { proc: 1, args: struct({ name: optString, flags: uint }), ret: none },
  CONNECT_CLOSE: { proc: 2, args: none, ret: none },
  CONNECT_GET_TYPE: { proc: 3, args: none, ret: string },
  /** Hypervisor version, major * 1e6 + minor * 1e3 + micro. */
  CONNECT_GET_VERSION: { proc: 4, args: none, ret: uhyperNum },
  /** memory is in KiB. */
  NODE_GET_INFO: {
    proc: 6,
    args: none,
    ret: struct({ model: cModel, memory: uhyperNum, cpus: int, mhz: int, nodes: int, sockets: int, cores: int, threads: int }),
  },
  CONNECT_GET_CAPABILITIES: { proc: 7, args: none, ret: string },
  CONNECT_GET_HOSTNAME: { proc: 59, args: none, ret: string },
  CONNECT_SUPPORTS_FEATURE: { proc: 60, args: struct({ feature: int }), ret: intBool },
  AUTH_LIST: { proc: 66, args: none, ret: array(int, LIMITS.AUTH_TYPE_LIST_MAX) },
  AUTH_POLKIT: { proc: 70, args: none, ret: intBool },
  /** Bytes. */
  NODE_GET_FREE_MEMORY: { proc: 102, args: none, ret: uhyperNum },
  CONNECT_GET_URI: { proc: 110, args: none, ret: string },
  /** libvirt version, major * 1e6 + minor * 1e3 + micro. */
  CONNECT_GET_LIB_VERSION: { proc: 157, args: none, ret: uhyperNum },
  CONNECT_GET_SYSINFO: { proc: 203, args: struct({ flags: uint }), ret: string },
  /** cellNum -1 = all cells; call with nparams 0 first to learn the count. Values in KiB. */
  NODE_GET_MEMORY_STATS: {
    proc: 228,
    args: struct({ nparams: int, cellNum: int, flags: uint }),
    ret: struct({ params: array(memoryStat, LIMITS.NODE_MEMORY_STATS_MAX), nparams: int }),
  },
  CONNECT_GET_DOMAIN_CAPABILITIES: {
    proc: 342,
    args: struct({ emulatorbin: optString, arch: optString, machine: optString, virttype: optString, flags: uint }),
    ret: string,
  },
});
