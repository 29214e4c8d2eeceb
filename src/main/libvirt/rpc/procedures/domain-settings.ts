// Procedures behind the VM settings pages: tuning (scheduler, memory, NUMA,
// block I/O), pinning, resize, and snapshots (remote_protocol.x numbers).
import { array, int, none, opaque, optString, string, struct, uhyperNum, uint } from '../codec';
import { domain, typedParam } from '../types';
import { procedures } from './define';

/** REMOTE_CPUMAP_MAX: one bit per host CPU, up to 2048 CPUs. */
const CPUMAP_MAX = 256;
const PARAMS_MAX = 16;
const params = array(typedParam, PARAMS_MAX);
const setParams = struct({ dom: domain, params, flags: uint });
const getParams = struct({ dom: domain, nparams: int, flags: uint });
const paramsRet = struct({ params, nparams: int });

export const snapshot = struct({ name: string, dom: domain });
export type SnapshotRef = ReturnType<typeof snapshot.dec>;
const snapFlags = struct({ snap: snapshot, flags: uint });

export const DomainSettingsProcedures = procedures({
  /** Call with nparams 0 first to learn the count (libvirt's two-step convention). */
  DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS: { proc: 223, args: getParams, ret: array(typedParam, PARAMS_MAX) },
  /** cpu_shares (ullong), vcpu_period (ullong µs), vcpu_quota (llong µs); flags LIVE 1, CONFIG 2. */
  DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS: { proc: 219, args: setParams, ret: none },
  /** hard_limit, soft_limit, swap_hard_limit: ullong KiB. */
  DOMAIN_SET_MEMORY_PARAMETERS: { proc: 197, args: setParams, ret: none },
  DOMAIN_GET_MEMORY_PARAMETERS: { proc: 198, args: getParams, ret: paramsRet },
  DOMAIN_GET_VCPUS_FLAGS: { proc: 200, args: struct({ dom: domain, flags: uint }), ret: int },
  DOMAIN_PIN_VCPU_FLAGS: { proc: 225, args: struct({ dom: domain, vcpu: uint, cpumap: opaque(CPUMAP_MAX), flags: uint }), ret: none },
  DOMAIN_PIN_EMULATOR: { proc: 279, args: struct({ dom: domain, cpumap: opaque(CPUMAP_MAX), flags: uint }), ret: none },
  /** size in KiB unless flags has BYTES (1). */
  DOMAIN_BLOCK_RESIZE: { proc: 251, args: struct({ dom: domain, disk: string, size: uhyperNum, flags: uint }), ret: none },
  DOMAIN_SET_BLOCK_IO_TUNE: { proc: 252, args: struct({ dom: domain, disk: string, params, flags: uint }), ret: none },
  DOMAIN_GET_BLOCK_IO_TUNE: { proc: 253, args: struct({ dom: domain, disk: optString, nparams: int, flags: uint }), ret: paramsRet },
  /** numa_nodeset (string), numa_mode (int). */
  DOMAIN_SET_NUMA_PARAMETERS: { proc: 254, args: setParams, ret: none },
  DOMAIN_DETACH_DEVICE_ALIAS: { proc: 392, args: struct({ dom: domain, alias: string, flags: uint }), ret: none },

  DOMAIN_SNAPSHOT_CREATE_XML: { proc: 185, args: struct({ dom: domain, xml_desc: string, flags: uint }), ret: snapshot },
  DOMAIN_SNAPSHOT_GET_XML_DESC: { proc: 186, args: snapFlags, ret: string },
  DOMAIN_SNAPSHOT_LOOKUP_BY_NAME: { proc: 189, args: struct({ dom: domain, name: string, flags: uint }), ret: snapshot },
  DOMAIN_HAS_CURRENT_SNAPSHOT: { proc: 190, args: struct({ dom: domain, flags: uint }), ret: int },
  DOMAIN_SNAPSHOT_CURRENT: { proc: 191, args: struct({ dom: domain, flags: uint }), ret: snapshot },
  /** flags: RUNNING 1, PAUSED 2, FORCE 4. */
  DOMAIN_REVERT_TO_SNAPSHOT: { proc: 192, args: snapFlags, ret: none },
  /** flags: CHILDREN 1, METADATA_ONLY 2, CHILDREN_ONLY 4. */
  DOMAIN_SNAPSHOT_DELETE: { proc: 193, args: snapFlags, ret: none },
  DOMAIN_LIST_ALL_SNAPSHOTS: {
    proc: 274,
    args: struct({ dom: domain, need_results: int, flags: uint }),
    ret: struct({ snapshots: array(snapshot, 16384), ret: int }),
  },
});

export const SnapshotCreateFlags = { REDEFINE: 1, CURRENT: 2, NO_METADATA: 4, HALT: 8, DISK_ONLY: 16, REUSE_EXT: 32, QUIESCE: 64, ATOMIC: 128, LIVE: 256, VALIDATE: 512 } as const;
export const SnapshotRevertFlags = { RUNNING: 1, PAUSED: 2, FORCE: 4 } as const;
export const SnapshotDeleteFlags = { CHILDREN: 1, METADATA_ONLY: 2, CHILDREN_ONLY: 4 } as const;
/** virDomainModificationImpact and friends for the calls above. */
export const AffectFlags = { CURRENT: 0, LIVE: 1, CONFIG: 2 } as const;
export const VcpuFlags = { LIVE: 1, CONFIG: 2, MAXIMUM: 4, GUEST: 8, HOTPLUGGABLE: 16 } as const;
export const MemoryFlags = { LIVE: 1, CONFIG: 2, MAXIMUM: 4 } as const;
export const BlockResizeFlags = { BYTES: 1 } as const;
