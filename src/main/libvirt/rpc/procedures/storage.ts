// Storage pool and volume procedures. Sizes are bytes (as numbers: exact up to 8 PiB).
import { int, intBool, none, string, struct, uhyperNum, uint, array } from '../codec';
import { LIMITS, storagePool, storageVol, uuid } from '../types';
import { procedures } from './define';

const pool = struct({ pool: storagePool });
const poolFlags = struct({ pool: storagePool, flags: uint });
const vol = struct({ vol: storageVol });
const volFlags = struct({ vol: storageVol, flags: uint });
const transfer = struct({ vol: storageVol, offset: uhyperNum, length: uhyperNum, flags: uint });

export const StorageProcedures = procedures({
  STORAGE_POOL_CREATE_XML: { proc: 76, args: struct({ xml: string, flags: uint }), ret: storagePool },
  STORAGE_POOL_DEFINE_XML: { proc: 77, args: struct({ xml: string, flags: uint }), ret: storagePool },
  STORAGE_POOL_CREATE: { proc: 78, args: poolFlags, ret: none },
  STORAGE_POOL_BUILD: { proc: 79, args: poolFlags, ret: none },
  STORAGE_POOL_DESTROY: { proc: 80, args: pool, ret: none },
  /** Removes the pool's storage itself (a dir pool's empty directory); flags: NORMAL 0, ZEROED 1. */
  STORAGE_POOL_DELETE: { proc: 81, args: poolFlags, ret: none },
  STORAGE_POOL_UNDEFINE: { proc: 82, args: pool, ret: none },
  STORAGE_POOL_REFRESH: { proc: 83, args: poolFlags, ret: none },
  STORAGE_POOL_LOOKUP_BY_NAME: { proc: 84, args: struct({ name: string }), ret: storagePool },
  STORAGE_POOL_LOOKUP_BY_UUID: { proc: 85, args: struct({ uuid }), ret: storagePool },
  STORAGE_POOL_LOOKUP_BY_VOLUME: { proc: 86, args: vol, ret: storagePool },
  /** state: INACTIVE 0, BUILDING 1, RUNNING 2, DEGRADED 3, INACCESSIBLE 4 (a widened unsigned char). */
  STORAGE_POOL_GET_INFO: {
    proc: 87,
    args: pool,
    ret: struct({ state: uint, capacity: uhyperNum, allocation: uhyperNum, available: uhyperNum }),
  },
  STORAGE_POOL_GET_XML_DESC: { proc: 88, args: poolFlags, ret: string },
  STORAGE_POOL_GET_AUTOSTART: { proc: 89, args: pool, ret: intBool },
  STORAGE_POOL_SET_AUTOSTART: { proc: 90, args: struct({ pool: storagePool, autostart: intBool }), ret: none },
  STORAGE_VOL_CREATE_XML: { proc: 93, args: struct({ pool: storagePool, xml: string, flags: uint }), ret: storageVol },
  STORAGE_VOL_DELETE: { proc: 94, args: volFlags, ret: none },
  STORAGE_VOL_LOOKUP_BY_NAME: { proc: 95, args: struct({ pool: storagePool, name: string }), ret: storageVol },
  STORAGE_VOL_LOOKUP_BY_KEY: { proc: 96, args: struct({ key: string }), ret: storageVol },
  STORAGE_VOL_LOOKUP_BY_PATH: { proc: 97, args: struct({ path: string }), ret: storageVol },
  /** type: FILE 0, BLOCK 1, DIR 2, NETWORK 3, NETDIR 4, PLOOP 5 (rpcgen `char`, 4 bytes). */
  STORAGE_VOL_GET_INFO: {
    proc: 98,
    args: vol,
    ret: struct({ type: int, capacity: uhyperNum, allocation: uhyperNum }),
  },
  STORAGE_VOL_GET_XML_DESC: { proc: 99, args: volFlags, ret: string },
  STORAGE_VOL_GET_PATH: { proc: 100, args: vol, ret: string },
  STORAGE_POOL_IS_ACTIVE: { proc: 154, args: pool, ret: intBool },
  STORAGE_POOL_IS_PERSISTENT: { proc: 155, args: pool, ret: intBool },
  STORAGE_VOL_CREATE_XML_FROM: {
    proc: 125,
    args: struct({ pool: storagePool, xml: string, clonevol: storageVol, flags: uint }),
    ret: storageVol,
  },
  /** Write stream: send the bytes, then end(). length 0 = to the end. */
  STORAGE_VOL_UPLOAD: { proc: 208, args: transfer, ret: none, stream: true },
  /** Read stream: the server sends the bytes, then finishes. length 0 = to the end. */
  STORAGE_VOL_DOWNLOAD: { proc: 209, args: transfer, ret: none, stream: true },
  STORAGE_VOL_RESIZE: { proc: 260, args: struct({ vol: storageVol, capacity: uhyperNum, flags: uint }), ret: none },
  CONNECT_LIST_ALL_STORAGE_POOLS: {
    proc: 281,
    args: struct({ need_results: int, flags: uint }),
    ret: struct({ pools: array(storagePool, LIMITS.STORAGE_POOL_LIST_MAX), ret: uint }),
  },
  STORAGE_POOL_LIST_ALL_VOLUMES: {
    proc: 282,
    args: struct({ pool: storagePool, need_results: int, flags: uint }),
    ret: struct({ vols: array(storageVol, LIMITS.STORAGE_VOL_LIST_MAX), ret: uint }),
  },
});

/** virConnectListAllStoragePoolsFlags */
export const ListPools = { INACTIVE: 1, ACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, AUTOSTART: 16, NO_AUTOSTART: 32 } as const;
/** virStoragePoolBuildFlags */
export const PoolBuild = { NEW: 0, REPAIR: 1, RESIZE: 2, NO_OVERWRITE: 4, OVERWRITE: 8 } as const;
/** virStorageVolCreateFlags */
export const VolCreate = { PREALLOC_METADATA: 1, REFLINK: 2, VALIDATE: 4 } as const;
/** virStorageVolResizeFlags */
export const VolResize = { ALLOCATE: 1, DELTA: 2, SHRINK: 4 } as const;
/** virStorageVolUploadFlags / virStorageVolDownloadFlags */
export const VolStream = { SPARSE: 1 } as const;
/** virStoragePoolEventID and virStoragePoolEventLifecycleType */
export const PoolEventId = { LIFECYCLE: 0, REFRESH: 1 } as const;
export const PoolLifecycle = { DEFINED: 0, UNDEFINED: 1, STARTED: 2, STOPPED: 3, CREATED: 4, DELETED: 5 } as const;
