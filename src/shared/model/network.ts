import { z } from 'zod';
import { HostIdSchema } from './host';
import { DomainStateSchema, UuidSchema } from './domain';

// libvirt's <forward mode>; a network without <forward> is 'isolated'.
export const NETWORK_MODES = ['nat', 'route', 'open', 'isolated', 'bridge', 'passthrough', 'private', 'vepa', 'hostdev'] as const;
export const NetworkModeSchema = z.enum(NETWORK_MODES);
export type NetworkMode = z.infer<typeof NetworkModeSchema>;
/** What VirtDeck creates; the other modes are listed and managed but defined elsewhere. */
export const CreatableModeSchema = z.enum(['nat', 'route', 'isolated']);
export type CreatableMode = z.infer<typeof CreatableModeSchema>;

/**
 * libvirt refuses '/' in names; everything else (quotes, spaces, $(...),
 * non-ASCII) is accepted and must survive. Newlines would break dnsmasq's
 * config, so we refuse control characters too.
 */
export const NetworkNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the network a name')
  .max(200)
  .refine((s) => !s.includes('/'), "Network names can't contain '/'")
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "Network names can't contain control characters");

export const MacSchema = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/, 'MAC address like 52:54:00:12:34:56')
  .transform((s) => s.toLowerCase().replace(/-/g, ':'))
  .refine((s) => (parseInt(s.slice(0, 2), 16) & 1) === 0, 'A multicast MAC address cannot belong to a NIC');

/** A DHCP host name as dnsmasq takes it: letters, digits, dashes, dots. */
export const DhcpHostnameSchema = z
  .string()
  .trim()
  .max(63)
  .regex(/^$|^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'Host names use letters, digits, dots and dashes');

export const IpTextSchema = z.string().trim().min(1).max(64).regex(/^[0-9a-fA-F:.]+$/, 'an IP address');

export const DhcpRangeSchema = z.object({ start: z.string(), end: z.string() });
export const DhcpHostSchema = z.object({ mac: z.string().optional(), ip: z.string().optional(), name: z.string().optional() });
export type DhcpHost = z.infer<typeof DhcpHostSchema>;

export const NetworkIpSchema = z.object({
  family: z.enum(['ipv4', 'ipv6']),
  /** The host's address on the network (the guests' gateway). */
  address: z.string(),
  prefix: z.number().int(),
  /** Normalised subnet, e.g. 192.168.122.0/24. */
  cidr: z.string(),
  dhcpRanges: z.array(DhcpRangeSchema).default([]),
  /** Static reservations (<dhcp><host>). */
  hosts: z.array(DhcpHostSchema).default([]),
});
export type NetworkIp = z.infer<typeof NetworkIpSchema>;

export const NetworkSummarySchema = z.object({
  hostId: HostIdSchema,
  uuid: UuidSchema,
  name: z.string(),
  active: z.boolean(),
  persistent: z.boolean(),
  autostart: z.boolean(),
  mode: NetworkModeSchema,
  /** Linux bridge: libvirt's own (virbrN) or, for mode 'bridge', the host's. */
  bridge: z.string().optional(),
  /** NAT/route: the only host interface traffic may leave by (else any). */
  forwardDev: z.string().optional(),
  /** macvtap/hostdev modes: the host interfaces in the pool. */
  forwardInterfaces: z.array(z.string()).default([]),
  domain: z.string().optional(),
  ips: z.array(NetworkIpSchema).default([]),
});
export type NetworkSummary = z.infer<typeof NetworkSummarySchema>;

/** A VM NIC as the network pages need it (reservations, users, attach). */
export const VmNicSchema = z.object({
  uuid: UuidSchema,
  vm: z.string(),
  state: DomainStateSchema,
  mac: z.string().optional(),
  /** <interface type>: network, bridge, direct, user… */
  type: z.string(),
  /** The network or bridge name it is plugged into. */
  source: z.string().optional(),
  model: z.string().optional(),
  /** From the running definition; the saved one may differ until restart. */
  live: z.boolean(),
});
export type VmNic = z.infer<typeof VmNicSchema>;

export const AddressPlanSchema = z.object({
  cidr: z.string(),
  family: z.union([z.literal(4), z.literal(6)]),
  gateway: z.string().optional(),
  usable: z.number(),
  dhcp: z.object({ size: z.number(), leased: z.number(), reserved: z.number(), free: z.number() }).nullable(),
  outside: z.object({ size: z.number(), reserved: z.number(), free: z.number() }),
  freeBlocks: z.array(z.object({ start: z.string(), end: z.string(), count: z.number(), inDhcpRange: z.boolean() })),
  moreBlocks: z.number(),
  suggestion: z.string().optional(),
});

export const DhcpLeaseSchema = z.object({
  ip: z.string(),
  prefix: z.number().int(),
  family: z.enum(['ipv4', 'ipv6']),
  mac: z.string().optional(),
  hostname: z.string().optional(),
  clientId: z.string().optional(),
  /** Epoch ms; null for leases that never expire. */
  expiresAt: z.number().nullable(),
  /** The VM whose NIC holds this MAC, when there is one on this host. */
  vm: z.object({ uuid: UuidSchema, name: z.string() }).optional(),
});
export type DhcpLease = z.infer<typeof DhcpLeaseSchema>;

export const ReservationSchema = z.object({
  mac: z.string().optional(),
  ip: z.string().optional(),
  name: z.string().optional(),
  family: z.enum(['ipv4', 'ipv6']),
  vm: z.object({ uuid: UuidSchema, name: z.string() }).optional(),
  /** Leased right now (to this MAC or, if `leaseMac` differs, to another). */
  leased: z.boolean(),
  leaseMac: z.string().optional(),
});
export type Reservation = z.infer<typeof ReservationSchema>;

export const NetworkDetailsSchema = NetworkSummarySchema.extend({
  /** VM NICs plugged into this network (running or saved definitions). */
  users: z.array(VmNicSchema),
  plans: z.array(AddressPlanSchema),
  reservations: z.array(ReservationSchema),
  /** Open/route modes need routes elsewhere; NAT without DHCP needs static guests, etc. */
  notes: z.array(z.string()).default([]),
});
export type NetworkDetails = z.infer<typeof NetworkDetailsSchema>;

export const OccupantSchema = z.object({
  kind: z.enum(['network', 'address', 'route']),
  cidr: z.string(),
  name: z.string(),
  detail: z.string().optional(),
});

export const SubnetCheckSchema = z.object({
  /** The normalised subnet that was checked, when one was given. */
  cidr: z.string().optional(),
  ok: z.boolean(),
  /** Why not, in words (the first few conflicts). */
  reason: z.string().optional(),
  conflicts: z.array(OccupantSchema),
  /** Everything already taken on the host, for the form to show. */
  occupied: z.array(OccupantSchema),
  /** The first free private /24 (or /64). */
  suggestion: z.string().optional(),
  /** Parts that could not be read (no `ip` on the host…): the check is partial. */
  warnings: z.array(z.string()).default([]),
});
export type SubnetCheck = z.infer<typeof SubnetCheckSchema>;

export const HostInterfaceSchema = z.object({
  name: z.string(),
  kind: z.enum(['ethernet', 'bridge', 'bond', 'vlan', 'veth', 'tun', 'macvtap', 'loopback', 'other']),
  mac: z.string().optional(),
  state: z.enum(['up', 'down', 'unknown']),
  mtu: z.number().int().optional(),
  addresses: z.array(z.string()).default([]),
  /** The bridge or bond this interface is enslaved to. */
  master: z.string().optional(),
  /** For bridges and bonds: their member interfaces. */
  ports: z.array(z.string()).default([]),
  /** A bridge libvirt made for one of its networks (attach VMs to the network instead). */
  network: z.string().optional(),
});
export type HostInterface = z.infer<typeof HostInterfaceSchema>;

export const HostInterfacesSchema = z.object({
  /** Where the list came from: libvirt's interface driver, or `ip` on the host. */
  source: z.enum(['libvirt', 'ip']),
  note: z.string().optional(),
  interfaces: z.array(HostInterfaceSchema),
});
export type HostInterfaces = z.infer<typeof HostInterfacesSchema>;

const IpBlockInputSchema = z.object({
  cidr: z.string().trim().min(1).max(64),
  gateway: z.string().trim().max(64).optional(),
  dhcp: z.object({ start: IpTextSchema, end: IpTextSchema }).nullable().default(null),
});

export const NetworkCreateInputSchema = z.object({
  hostId: HostIdSchema,
  name: NetworkNameSchema,
  mode: CreatableModeSchema,
  ipv4: IpBlockInputSchema,
  ipv6: IpBlockInputSchema.optional(),
  /** NAT/route only: leave by this host interface only. */
  forwardDev: z.string().trim().max(15).regex(/^$|^[A-Za-z0-9_.:@-]+$/, 'an interface name').optional(),
  /** DNS domain for guests (dnsmasq answers names under it). */
  domainName: z.string().trim().max(253).regex(/^$|^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a DNS domain like lab.internal').optional(),
  autostart: z.boolean().default(true),
  start: z.boolean().default(true),
});
export type NetworkCreateInput = z.infer<typeof NetworkCreateInputSchema>;

export const NicSourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('network'), network: NetworkNameSchema }),
  z.object({ type: z.literal('bridge'), bridge: z.string().trim().min(1).max(15).regex(/^[A-Za-z0-9_.:@-]+$/, 'a bridge name') }),
]);
export type NicSource = z.infer<typeof NicSourceSchema>;
