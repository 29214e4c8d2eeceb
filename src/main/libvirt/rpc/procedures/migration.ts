// Migration procedures (client-driven v3 with typed parameters), job control,
// and the calls preflight needs. Layouts from remote_protocol.x (libvirt 9.0);
// see LIBVIRT-NEXT.md section 6 for the sequence.
import { array, int, none, opaque, optString, string, struct, uhyperNum, uint } from '../codec';
import { LIMITS, domain, storagePool, typedParam } from '../types';
import { procedures } from './define';

/** REMOTE_MIGRATE_COOKIE_MAX (4 MiB in libvirt >= 1.2.x); cookies are opaque to us. */
export const MIGRATE_COOKIE_MAX = 4 * 1024 * 1024;
/** REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX */
export const MIGRATE_PARAM_LIST_MAX = 64;

const params = array(typedParam, MIGRATE_PARAM_LIST_MAX);
const cookie = opaque(MIGRATE_COOKIE_MAX);

export const MigrationProcedures = procedures({
  /** flags: FAIL_INCOMPATIBLE 1, VALIDATE_XML 2. Result: ERROR -1, INCOMPATIBLE 0, IDENTICAL 1, SUPERSET 2. */
  CONNECT_COMPARE_HYPERVISOR_CPU: {
    proc: 393,
    args: struct({ emulator: optString, arch: optString, machine: optString, virttype: optString, xmlCPU: string, flags: uint }),
    ret: int,
  },
  DOMAIN_ABORT_JOB: { proc: 164, args: struct({ dom: domain }), ret: none },
  /** flags: POSTCOPY 1 (abort a post-copy migration that can no longer finish). */
  DOMAIN_ABORT_JOB_FLAGS: { proc: 442, args: struct({ dom: domain, flags: uint }), ret: none },
  /** downtime in ms */
  DOMAIN_MIGRATE_SET_MAX_DOWNTIME: { proc: 166, args: struct({ dom: domain, downtime: uhyperNum, flags: uint }), ret: none },
  /** bandwidth in MiB/s; flags POSTCOPY 1 */
  DOMAIN_MIGRATE_SET_MAX_SPEED: { proc: 207, args: struct({ dom: domain, bandwidth: uhyperNum, flags: uint }), ret: none },
  DOMAIN_MIGRATE_START_POST_COPY: { proc: 364, args: struct({ dom: domain, flags: uint }), ret: none },
  /** flags: COMPLETED 1, KEEP_COMPLETED 2. type: NONE 0, BOUNDED 1, UNBOUNDED 2, COMPLETED 3, FAILED 4, CANCELLED 5. */
  DOMAIN_GET_JOB_STATS: {
    proc: 298,
    args: struct({ dom: domain, flags: uint }),
    ret: struct({ type: int, params: array(typedParam, LIMITS.DOMAIN_JOB_STATS_MAX) }),
  },
  DOMAIN_MIGRATE_BEGIN3_PARAMS: {
    proc: 302,
    args: struct({ dom: domain, params, flags: uint }),
    ret: struct({ cookie_out: cookie, xml: string }),
  },
  DOMAIN_MIGRATE_PREPARE3_PARAMS: {
    proc: 303,
    args: struct({ params, cookie_in: cookie, flags: uint }),
    ret: struct({ cookie_out: cookie, uri_out: optString }),
  },
  /** Blocks until the migration ends: run it on a connection that carries nothing else. */
  DOMAIN_MIGRATE_PERFORM3_PARAMS: {
    proc: 305,
    args: struct({ dom: domain, dconnuri: optString, params, cookie_in: cookie, flags: uint }),
    ret: cookie,
  },
  DOMAIN_MIGRATE_FINISH3_PARAMS: {
    proc: 306,
    args: struct({ params, cookie_in: cookie, flags: uint, cancelled: int }),
    ret: struct({ dom: domain, cookie_out: cookie }),
  },
  DOMAIN_MIGRATE_CONFIRM3_PARAMS: {
    proc: 307,
    args: struct({ dom: domain, params, cookie_in: cookie, flags: uint, cancelled: int }),
    ret: none,
  },
  STORAGE_POOL_LOOKUP_BY_TARGET_PATH: { proc: 391, args: struct({ path: string }), ret: storagePool },
});

/** virDomainMigrateFlags */
export const MigrateFlags = {
  LIVE: 1,
  PEER2PEER: 2,
  TUNNELLED: 4,
  PERSIST_DEST: 8,
  UNDEFINE_SOURCE: 16,
  PAUSED: 32,
  NON_SHARED_DISK: 64,
  NON_SHARED_INC: 128,
  CHANGE_PROTECTION: 256,
  UNSAFE: 512,
  OFFLINE: 1024,
  COMPRESSED: 2048,
  ABORT_ON_ERROR: 4096,
  AUTO_CONVERGE: 8192,
  POSTCOPY: 32768,
  TLS: 65536,
} as const;

/** VIR_DRV_FEATURE_* used by the v3 sequence (src/libvirt_internal.h). */
export const MigrationFeature = { MIGRATION_V3: 6, MIGRATE_CHANGE_PROTECTION: 7, MIGRATION_OFFLINE: 12, MIGRATION_PARAMS: 13 } as const;

/** virDomainJobType */
export const JobType = { NONE: 0, BOUNDED: 1, UNBOUNDED: 2, COMPLETED: 3, FAILED: 4, CANCELLED: 5 } as const;

/** VIR_DOMAIN_EVENT_ID_* for the migration events. */
export const MigrationEventId = { MIGRATION_ITERATION: 20, JOB_COMPLETED: 21 } as const;

/** virCPUCompareResult */
export const CpuCompareResult = { ERROR: -1, INCOMPATIBLE: 0, IDENTICAL: 1, SUPERSET: 2 } as const;
