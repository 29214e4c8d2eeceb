import { z } from 'zod';
import { call, event } from '../define';
import { HostIdSchema } from '../../model/host';
import { UuidSchema } from '../../model/domain';
import { TaskRefSchema } from '../../model/task';
import {
  DhcpHostnameSchema,
  DhcpLeaseSchema,
  HostInterfacesSchema,
  IpTextSchema,
  MacSchema,
  NetworkCreateInputSchema,
  NetworkDetailsSchema,
  NetworkNameSchema,
  NetworkSummarySchema,
  NicSourceSchema,
  SubnetCheckSchema,
  VmNicSchema,
} from '../../model/network';

const NetRef = z.object({ hostId: HostIdSchema, name: NetworkNameSchema }).strict();

const ReservationInput = NetRef.extend({
  mac: MacSchema,
  ip: IpTextSchema,
  hostname: DhcpHostnameSchema.optional(),
}).strict();

export const networkCalls = {
  'networks.list': call(z.object({ hostId: HostIdSchema }).strict(), z.array(NetworkSummarySchema), 'Every virtual network of a host (all modes), active or not.'),
  'networks.get': call(NetRef, NetworkDetailsSchema, 'One network with its VMs, reservations and address plan.'),
  'networks.checkSubnet': call(
    z.object({ hostId: HostIdSchema, cidr: z.string().trim().max(64).optional() }).strict(),
    SubnetCheckSchema,
    "Whether a subnet overlaps any network, address or route on the host; what is taken; a free suggestion.",
  ),
  'networks.create': call(
    NetworkCreateInputSchema.strict(),
    TaskRefSchema,
    'Checks a NAT, routed or isolated network (answering refusals at once), then defines, starts and autostarts it as a task.',
  ),
  'networks.start': call(NetRef, NetworkSummarySchema, 'Starts a network.'),
  'networks.stop': call(NetRef, NetworkSummarySchema, 'Stops a network; running VMs on it lose connectivity.'),
  'networks.setAutostart': call(NetRef.extend({ autostart: z.boolean() }).strict(), NetworkSummarySchema, 'Starts the network when the host boots.'),
  'networks.delete': call(NetRef, z.object({ deleted: z.boolean() }), 'Stops and undefines a network; refused while VMs use it.'),
  'networks.leases': call(NetRef, z.array(DhcpLeaseSchema), "The network's current DHCP leases, with the VM holding each."),
  'networks.addReservation': call(ReservationInput, NetworkDetailsSchema, 'A static DHCP reservation (MAC -> IP, name), live and saved.'),
  'networks.updateReservation': call(ReservationInput, NetworkDetailsSchema, 'Changes the IP or name reserved for a MAC.'),
  'networks.removeReservation': call(NetRef.extend({ mac: MacSchema }).strict(), NetworkDetailsSchema, 'Removes the reservation of a MAC.'),
  'networks.hostInterfaces': call(z.object({ hostId: HostIdSchema }).strict(), HostInterfacesSchema, "The host's own interfaces and bridges (read-only)."),
  'networks.vmNics': call(z.object({ hostId: HostIdSchema }).strict(), z.array(VmNicSchema), 'Every VM NIC on the host with its MAC and what it is plugged into.'),
  'domains.setNetwork': call(
    z.object({ hostId: HostIdSchema, uuid: UuidSchema, mac: MacSchema, source: NicSourceSchema }).strict(),
    z.object({ live: z.boolean(), saved: z.boolean() }),
    "Plugs one of a VM's NICs into a network or host bridge (saved, and live when running).",
  ),
};

export const networkEvents = {
  'network.changed': event(
    z.object({
      hostId: HostIdSchema,
      /** Networks defined, undefined, started or stopped; empty with resync. */
      names: z.array(z.string()),
      /** Events may have been missed (new session): re-list. */
      resync: z.boolean().default(false),
    }),
    'Networks changed on a host (libvirt network lifecycle events).',
  ),
  'network.leasesChanged': event(
    z.object({ hostId: HostIdSchema, networks: z.array(z.string()) }),
    "A network's DHCP leases changed (seen on the host's lease files).",
  ),
};
