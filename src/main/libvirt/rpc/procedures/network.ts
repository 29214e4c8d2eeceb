// Virtual network procedures.
import { array, hyperNum, int, intBool, none, optString, string, struct, uint } from '../codec';
import { LIMITS, network, uuid } from '../types';
import { procedures } from './define';

const net = struct({ net: network });
/** remote_nonnull_interface: a host interface is named by name and MAC. */
const iface = struct({ name: string, mac: string });

const dhcpLease = struct({
  iface: string,
  /** seconds since the epoch */
  expirytime: hyperNum,
  /** IPV4 0, IPV6 1 */
  type: int,
  mac: optString,
  iaid: optString,
  ipaddr: string,
  prefix: uint,
  hostname: optString,
  clientid: optString,
});

export const NetworkProcedures = procedures({
  NETWORK_CREATE: { proc: 39, args: net, ret: none },
  NETWORK_DEFINE_XML: { proc: 41, args: struct({ xml: string }), ret: network },
  NETWORK_DESTROY: { proc: 42, args: net, ret: none },
  NETWORK_GET_XML_DESC: { proc: 43, args: struct({ net: network, flags: uint }), ret: string },
  NETWORK_GET_AUTOSTART: { proc: 44, args: net, ret: intBool },
  NETWORK_GET_BRIDGE_NAME: { proc: 45, args: net, ret: string },
  NETWORK_LOOKUP_BY_NAME: { proc: 46, args: struct({ name: string }), ret: network },
  NETWORK_LOOKUP_BY_UUID: { proc: 47, args: struct({ uuid }), ret: network },
  NETWORK_SET_AUTOSTART: { proc: 48, args: struct({ net: network, autostart: intBool }), ret: none },
  NETWORK_UNDEFINE: { proc: 49, args: net, ret: none },
  /** Host interfaces (libvirt's interface driver: udev or netcf backend). */
  INTERFACE_GET_XML_DESC: { proc: 130, args: struct({ iface, flags: uint }), ret: string },
  NETWORK_IS_ACTIVE: { proc: 152, args: net, ret: intBool },
  NETWORK_IS_PERSISTENT: { proc: 153, args: net, ret: intBool },
  INTERFACE_IS_ACTIVE: { proc: 156, args: struct({ iface }), ret: intBool },
  /** flags: INACTIVE 1, ACTIVE 2, PERSISTENT 4, TRANSIENT 8, AUTOSTART 16, NO_AUTOSTART 32 */
  CONNECT_LIST_ALL_NETWORKS: {
    proc: 283,
    args: struct({ need_results: int, flags: uint }),
    ret: struct({ nets: array(network, LIMITS.NETWORK_LIST_MAX), ret: uint }),
  },
  /** flags: INACTIVE 1, ACTIVE 2 */
  CONNECT_LIST_ALL_INTERFACES: {
    proc: 284,
    args: struct({ need_results: int, flags: uint }),
    ret: struct({ ifaces: array(iface, LIMITS.NETWORK_LIST_MAX), ret: uint }),
  },
  /**
   * command/section are in this (documented) order only when the daemon says
   * so (NetworkFeature.UPDATE_HAS_CORRECT_ORDER); older daemons swap them.
   * flags: AFFECT_LIVE 1, AFFECT_CONFIG 2.
   */
  NETWORK_UPDATE: {
    proc: 291,
    args: struct({ net: network, command: uint, section: uint, parentIndex: int, xml: string, flags: uint }),
    ret: none,
  },
  NETWORK_GET_DHCP_LEASES: {
    proc: 341,
    args: struct({ net: network, mac: optString, need_results: int, flags: uint }),
    ret: struct({ leases: array(dhcpLease, 65536), ret: uint }),
  },
  /** flags: VALIDATE 1 (libvirt >= 7.7) */
  NETWORK_DEFINE_XML_FLAGS: { proc: 432, args: struct({ xml: string, flags: uint }), ret: network },
});

/** VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER, for CONNECT_SUPPORTS_FEATURE. */
export const NetworkFeature = { UPDATE_HAS_CORRECT_ORDER: 16 } as const;

export const NetworkUpdate = {
  Command: { MODIFY: 1, DELETE: 2, ADD_LAST: 3, ADD_FIRST: 4 },
  Section: { IP: 3, IP_DHCP_HOST: 4, IP_DHCP_RANGE: 5, DNS_HOST: 10 },
  Affect: { CURRENT: 0, LIVE: 1, CONFIG: 2 },
} as const;

/** VIR_NETWORK_EVENT_* for networkLifecycle.event */
export const NetworkLifecycleEvent = { DEFINED: 0, UNDEFINED: 1, STARTED: 2, STOPPED: 3 } as const;

/** virConnectListAllNetworks flags. */
export const ListNetworks = { INACTIVE: 1, ACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, AUTOSTART: 16, NO_AUTOSTART: 32 } as const;
