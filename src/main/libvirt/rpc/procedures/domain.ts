// Domain procedures (remote_protocol.x numbers and layouts).
import {
  array,
  int,
  intBool,
  none,
  optString,
  string,
  struct,
  uhyper,
  uhyperNum,
  uint,
} from '../codec';
import { LIMITS, domain, typedParam, uuid } from '../types';
import { procedures } from './define';

const dom = struct({ dom: domain });
const domFlags = struct({ dom: domain, flags: uint });
const listAll = struct({ need_results: int, flags: uint });

const ipAddr = struct({ type: int, addr: string, prefix: uint });
const iface = struct({ name: string, hwaddr: optString, addrs: array(ipAddr, LIMITS.DOMAIN_IP_ADDR_MAX) });
const statsRecord = struct({ dom: domain, params: array(typedParam, LIMITS.CONNECT_GET_ALL_DOMAIN_STATS_MAX) });

export const DomainProcedures = procedures({
  DOMAIN_CREATE: { proc: 9, args: dom, ret: none },
  DOMAIN_DEFINE_XML: { proc: 11, args: struct({ xml: string }), ret: domain },
  DOMAIN_DESTROY: { proc: 12, args: dom, ret: none },
  /** flags: SECURE 1, INACTIVE 2, UPDATE_CPU 4, MIGRATABLE 8 */
  DOMAIN_GET_XML_DESC: { proc: 14, args: domFlags, ret: string },
  DOMAIN_GET_AUTOSTART: { proc: 15, args: dom, ret: intBool },
  /** rpcgen widens `unsigned char state` and `unsigned short nrVirtCpu` to 4 bytes. Memory in KiB, cpuTime in ns. */
  DOMAIN_GET_INFO: {
    proc: 16,
    args: dom,
    ret: struct({ state: uint, maxMem: uhyperNum, memory: uhyperNum, nrVirtCpu: uint, cpuTime: uhyper }),
  },
  DOMAIN_LOOKUP_BY_ID: { proc: 22, args: struct({ id: int }), ret: domain },
  DOMAIN_LOOKUP_BY_NAME: { proc: 23, args: struct({ name: string }), ret: domain },
  DOMAIN_LOOKUP_BY_UUID: { proc: 24, args: struct({ uuid }), ret: domain },
  DOMAIN_REBOOT: { proc: 27, args: domFlags, ret: none },
  DOMAIN_RESUME: { proc: 28, args: dom, ret: none },
  DOMAIN_SET_AUTOSTART: { proc: 29, args: struct({ dom: domain, autostart: intBool }), ret: none },
  DOMAIN_SHUTDOWN: { proc: 33, args: dom, ret: none },
  DOMAIN_SUSPEND: { proc: 34, args: dom, ret: none },
  DOMAIN_UNDEFINE: { proc: 35, args: dom, ret: none },
  DOMAIN_IS_ACTIVE: { proc: 150, args: dom, ret: intBool },
  DOMAIN_IS_PERSISTENT: { proc: 151, args: dom, ret: intBool },
  /** flags: AFFECT_CURRENT 0, LIVE 1, CONFIG 2 */
  DOMAIN_ATTACH_DEVICE_FLAGS: { proc: 160, args: struct({ dom: domain, xml: string, flags: uint }), ret: none },
  DOMAIN_DETACH_DEVICE_FLAGS: { proc: 161, args: struct({ dom: domain, xml: string, flags: uint }), ret: none },
  DOMAIN_UPDATE_DEVICE_FLAGS: { proc: 174, args: struct({ dom: domain, xml: string, flags: uint }), ret: none },
  DOMAIN_CREATE_WITH_FLAGS: { proc: 196, args: domFlags, ret: domain },
  DOMAIN_SET_VCPUS_FLAGS: { proc: 199, args: struct({ dom: domain, nvcpus: uint, flags: uint }), ret: none },
  /** A bidirectional byte stream. flags: FORCE 1, SAFE 2. dev_name null = first console. */
  DOMAIN_OPEN_CONSOLE: {
    proc: 201,
    args: struct({ dom: domain, dev_name: optString, flags: uint }),
    ret: none,
    stream: true,
  },
  /** memory in KiB */
  DOMAIN_SET_MEMORY_FLAGS: { proc: 204, args: struct({ dom: domain, memory: uhyperNum, flags: uint }), ret: none },
  DOMAIN_GET_STATE: { proc: 212, args: domFlags, ret: struct({ state: int, reason: int }) },
  /** flags: MANAGED_SAVE 1, SNAPSHOTS_METADATA 2, NVRAM 4, KEEP_NVRAM 8, CHECKPOINTS_METADATA 16 */
  DOMAIN_UNDEFINE_FLAGS: { proc: 231, args: domFlags, ret: none },
  /** flags: DEFAULT 0, GRACEFUL 1 */
  DOMAIN_DESTROY_FLAGS: { proc: 234, args: domFlags, ret: none },
  DOMAIN_RESET: { proc: 245, args: domFlags, ret: none },
  /** flags: DEFAULT 0, ACPI 1, GUEST_AGENT 2, INITCTL 4, SIGNAL 8, PARAVIRT 16 */
  DOMAIN_SHUTDOWN_FLAGS: { proc: 258, args: domFlags, ret: none },
  /** type: DESCRIPTION 0, TITLE 1, ELEMENT 2 (key + uri name the namespace). */
  DOMAIN_SET_METADATA: {
    proc: 264,
    args: struct({ dom: domain, type: int, metadata: optString, key: optString, uri: optString, flags: uint }),
    ret: none,
  },
  DOMAIN_GET_METADATA: {
    proc: 265,
    args: struct({ dom: domain, type: int, uri: optString, flags: uint }),
    ret: string,
  },
  /** flags: ACTIVE 1, INACTIVE 2, PERSISTENT 4, TRANSIENT 8, RUNNING 16, PAUSED 32, SHUTOFF 64, OTHER 128 */
  CONNECT_LIST_ALL_DOMAINS: {
    proc: 273,
    args: listAll,
    ret: struct({ domains: array(domain, LIMITS.DOMAIN_LIST_MAX), ret: uint }),
  },
  /** doms empty = all; stats bits STATE 1, CPU_TOTAL 2, BALLOON 4 ...; flags NOWAIT 1<<29 avoids 30 s stalls. */
  CONNECT_GET_ALL_DOMAIN_STATS: {
    proc: 344,
    args: struct({ doms: array(domain, LIMITS.DOMAIN_LIST_MAX), stats: uint, flags: uint }),
    ret: array(statsRecord, LIMITS.DOMAIN_LIST_MAX),
  },
  /** flags: VALIDATE 1 */
  DOMAIN_DEFINE_XML_FLAGS: { proc: 350, args: struct({ xml: string, flags: uint }), ret: domain },
  /** source: LEASE 0, AGENT 1, ARP 2. addr type: IPV4 0, IPV6 1. */
  DOMAIN_INTERFACE_ADDRESSES: {
    proc: 353,
    args: struct({ dom: domain, source: uint, flags: uint }),
    ret: array(iface, LIMITS.DOMAIN_INTERFACE_MAX),
  },
});

export const DomainState = {
  NOSTATE: 0,
  RUNNING: 1,
  BLOCKED: 2,
  PAUSED: 3,
  SHUTDOWN: 4,
  SHUTOFF: 5,
  CRASHED: 6,
  PMSUSPENDED: 7,
} as const;

export const ListAllDomainsFlags = {
  ACTIVE: 1,
  INACTIVE: 2,
  PERSISTENT: 4,
  TRANSIENT: 8,
  RUNNING: 16,
  PAUSED: 32,
  SHUTOFF: 64,
  OTHER: 128,
} as const;

export const DomainStatsTypes = {
  STATE: 1,
  CPU_TOTAL: 2,
  BALLOON: 4,
  VCPU: 8,
  INTERFACE: 16,
  BLOCK: 32,
  PERF: 64,
  IOTHREAD: 128,
  MEMORY: 256,
} as const;

export const DomainStatsFlags = { NOWAIT: 1 << 29, BACKING: 1 << 30, ENFORCE_STATS: 0x80000000 } as const;

export const DomainXmlFlags = { SECURE: 1, INACTIVE: 2, UPDATE_CPU: 4, MIGRATABLE: 8 } as const;

export const MetadataType = { DESCRIPTION: 0, TITLE: 1, ELEMENT: 2 } as const;
