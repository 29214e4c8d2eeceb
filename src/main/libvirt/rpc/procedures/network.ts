// Virtual network procedures.
import { array, hyperNum, int, intBool, none, optString, string, struct, uint } from '../codec';
import { LIMITS, network, uuid } from '../types';
import { procedures } from './define';

const net = struct({ net: network });

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
  NETWORK_IS_ACTIVE: { proc: 152, args: net, ret: intBool },
  /** flags: ACTIVE 1, INACTIVE 2, PERSISTENT 4, TRANSIENT 8, AUTOSTART 16, NO_AUTOSTART 32 */
  CONNECT_LIST_ALL_NETWORKS: {
    proc: 283,
    args: struct({ need_results: int, flags: uint }),
    ret: struct({ nets: array(network, LIMITS.NETWORK_LIST_MAX), ret: uint }),
  },
  NETWORK_GET_DHCP_LEASES: {
    proc: 341,
    args: struct({ net: network, mac: optString, need_results: int, flags: uint }),
    ret: struct({ leases: array(dhcpLease, 65536), ret: uint }),
  },
});
