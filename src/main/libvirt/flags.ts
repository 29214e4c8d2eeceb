// libvirt flag values we pass (libvirt-domain.h); named so call sites read.
export const ListDomains = { ACTIVE: 1, INACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, AUTOSTART: 1 << 12, NO_AUTOSTART: 1 << 13 } as const;
export const Stats = { STATE: 1, CPU_TOTAL: 2, BALLOON: 4, VCPU: 8, INTERFACE: 16, BLOCK: 32 } as const;
export const StatsFlags = { NOWAIT: 1 << 29 } as const;
export const Affect = { CURRENT: 0, LIVE: 1, CONFIG: 2 } as const;
export const MetadataType = { DESCRIPTION: 0, TITLE: 1, ELEMENT: 2 } as const;
export const Undefine = { MANAGED_SAVE: 1, SNAPSHOTS_METADATA: 2, NVRAM: 4, CHECKPOINTS_METADATA: 16 } as const;
export const IfaceAddrSource = { LEASE: 0, AGENT: 1, ARP: 2 } as const;
// virDomainEventID values we subscribe to.
export const DomainEventId = { LIFECYCLE: 0, REBOOT: 1, DEVICE_REMOVED: 15, DEVICE_ADDED: 19, METADATA_CHANGE: 23 } as const;
export const XmlFlags = { SECURE: 1, INACTIVE: 2, UPDATE_CPU: 4, MIGRATABLE: 8 } as const;
