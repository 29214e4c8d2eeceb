// Event registration procedures and the event MESSAGE decoders.
// The callback-style messages nest `{ int callbackID; remote_domain_event_X_msg msg; }`;
// XDR has no struct framing, so they decode as flat structs in wire order.
import { type Codec, array, hyper, int, none, optString, optional, string, struct, uhyper } from '../codec';
import { LIMITS, domain, network, optDomain, storagePool, typedParam } from '../types';
import { type EventSpec, procedures } from './define';

export const EventProcedures = procedures({
  CONNECT_NETWORK_EVENT_REGISTER_ANY: {
    proc: 313,
    args: struct({ eventID: int, net: optional(network) }),
    ret: int,
  },
  CONNECT_NETWORK_EVENT_DEREGISTER_ANY: { proc: 314, args: struct({ callbackID: int }), ret: none },
  /** dom null = events of every domain. Returns the callbackID carried by each message. */
  CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY: {
    proc: 316,
    args: struct({ eventID: int, dom: optDomain }),
    ret: int,
  },
  CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY: { proc: 317, args: struct({ callbackID: int }), ret: none },
  CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY: {
    proc: 368,
    args: struct({ eventID: int, pool: optional(storagePool) }),
    ret: int,
  },
  CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY: { proc: 369, args: struct({ callbackID: int }), ret: none },
});

const ev = <M>(proc: number, eventId: number | undefined, msg: Codec<M>): EventSpec<M> =>
  eventId === undefined ? { proc, msg } : { proc, eventId, msg };

/** Event messages by name. eventId is what the REGISTER_ANY call takes. */
export const Events = {
  /** event: VIR_DOMAIN_EVENT_* (DEFINED 0 ... CRASHED 8); detail depends on event. */
  domainLifecycle: ev(318, 0, struct({ callbackID: int, dom: domain, event: int, detail: int })),
  domainReboot: ev(319, 1, struct({ callbackID: int, dom: domain })),
  /** offset: seconds relative to UTC */
  domainRtcChange: ev(320, 2, struct({ callbackID: int, dom: domain, offset: hyper })),
  domainWatchdog: ev(321, 3, struct({ callbackID: int, dom: domain, action: int })),
  domainIoError: ev(
    322,
    4,
    struct({ callbackID: int, dom: domain, srcPath: string, devAlias: string, action: int }),
  ),
  domainControlError: ev(325, 7, struct({ callbackID: int, dom: domain })),
  domainDiskChange: ev(
    327,
    9,
    struct({ callbackID: int, dom: domain, oldSrcPath: optString, newSrcPath: optString, devAlias: string, reason: int }),
  ),
  domainTrayChange: ev(328, 10, struct({ callbackID: int, dom: domain, devAlias: string, reason: int })),
  domainPmWakeup: ev(329, 11, struct({ callbackID: int, reason: int, dom: domain })),
  domainPmSuspend: ev(330, 12, struct({ callbackID: int, reason: int, dom: domain })),
  /** actual: KiB */
  domainBalloonChange: ev(331, 13, struct({ callbackID: int, dom: domain, actual: uhyper })),
  domainDeviceRemoved: ev(333, 15, struct({ callbackID: int, dom: domain, devAlias: string })),
  domainBlockJob: ev(
    339,
    16,
    struct({ callbackID: int, dom: domain, dst: string, type: int, status: int }),
  ),
  domainTunable: ev(
    346,
    17,
    struct({ callbackID: int, dom: domain, params: array(typedParam, LIMITS.DOMAIN_EVENT_TUNABLE_MAX) }),
  ),
  domainAgentLifecycle: ev(348, 18, struct({ callbackID: int, dom: domain, state: int, reason: int })),
  domainDeviceAdded: ev(354, 19, struct({ callbackID: int, dom: domain, devAlias: string })),
  /** Sent by the source on each pass over dirty memory. */
  domainMigrationIteration: ev(359, 20, struct({ callbackID: int, dom: domain, iteration: int })),
  /** Sent by the source only, on success, after the VM stopped there. */
  domainJobCompleted: ev(
    363,
    21,
    struct({ callbackID: int, dom: domain, params: array(typedParam, LIMITS.DOMAIN_JOB_STATS_MAX) }),
  ),
  domainDeviceRemovalFailed: ev(367, 22, struct({ callbackID: int, dom: domain, devAlias: string })),
  /** type: DESCRIPTION 0, TITLE 1, ELEMENT 2; nsuri set for ELEMENT. */
  domainMetadataChange: ev(379, 23, struct({ callbackID: int, dom: domain, type: int, nsuri: optString })),
  networkLifecycle: ev(315, 0, struct({ callbackID: int, net: network, event: int, detail: int })),
  storagePoolLifecycle: ev(370, 0, struct({ callbackID: int, pool: storagePool, event: int, detail: int })),
  storagePoolRefresh: ev(373, 1, struct({ callbackID: int, pool: storagePool })),
  /** The daemon says it is closing the connection (reason: ERROR 0, EOF 1, KEEPALIVE 2, CLIENT 3). */
  connectionClosed: ev(362, undefined, struct({ reason: int })),
} as const;

export type EventName = keyof typeof Events;
export type EventMap = { [K in EventName]: ReturnType<(typeof Events)[K]['msg']['dec']> };
export type DomainEventName = {
  [K in EventName]: K extends `domain${string}` ? K : never;
}[EventName];

/** VIR_DOMAIN_EVENT_* for domainLifecycle.event */
export const LifecycleEvent = {
  DEFINED: 0,
  UNDEFINED: 1,
  STARTED: 2,
  SUSPENDED: 3,
  RESUMED: 4,
  STOPPED: 5,
  SHUTDOWN: 6,
  PMSUSPENDED: 7,
  CRASHED: 8,
} as const;
