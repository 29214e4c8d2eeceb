import { z } from 'zod';
import { call, event } from '../define';
import { HostIdSchema } from '../../model/host';
import { DeletePlanSchema } from '../../model/delete-plan';
import { DomainDetailsSchema, DomainRefSchema, DomainSummarySchema, LifecycleActionSchema, UuidSchema } from '../../model/domain';

export const BulkResultSchema = z.array(
  z.object({ uuid: UuidSchema, ok: z.boolean(), error: z.string().optional() }),
);

export const domainCalls = {
  'domains.list': call(z.object({ hostId: HostIdSchema }).strict(), z.array(DomainSummarySchema), 'All domains of a host with their state.'),
  'domains.get': call(DomainRefSchema.strict(), DomainDetailsSchema, 'One domain parsed from its XML.'),
  'domains.lifecycle': call(
    z.object({ hostId: HostIdSchema, uuids: z.array(UuidSchema).min(1).max(5000), action: LifecycleActionSchema }).strict(),
    BulkResultSchema,
    'Start, shut down, reboot, reset, force off, pause or resume one or many domains.',
  ),
  'domains.deletePlan': call(
    DomainRefSchema.strict(),
    DeletePlanSchema,
    'Every disk of a domain and whether its image may be deleted with it; if not, why (names the other VM).',
  ),
  'domains.delete': call(
    z.object({ hostId: HostIdSchema, uuid: UuidSchema, volumes: z.array(z.string().max(4096)).max(64).default([]) }).strict(),
    z.object({ deleted: z.boolean(), volumesDeleted: z.array(z.string()), volumeErrors: z.array(z.string()) }),
    'Undefines a domain (forcing it off first) and deletes the chosen volumes; refuses, changing nothing, any image another VM uses.',
  ),
  'domains.setAutostart': call(
    z.object({ hostId: HostIdSchema, uuid: UuidSchema, autostart: z.boolean() }).strict(),
    z.object({ autostart: z.boolean() }),
    'Starts the domain when the host boots.',
  ),
  'domains.setTags': call(
    z.object({ hostId: HostIdSchema, uuid: UuidSchema, tags: z.array(z.string().trim().min(1).max(60)).max(50) }).strict(),
    z.object({ tags: z.array(z.string()) }),
    'Stores our tags in the domain <metadata> under the VirtDeck namespace.',
  ),
};

export const domainEvents = {
  'domain.changed': event(
    z.object({
      hostId: HostIdSchema,
      /** Domains whose summary changed (state, definition); full rows to patch in. */
      upserted: z.array(DomainSummarySchema),
      /** UUIDs undefined on the host. */
      removed: z.array(UuidSchema),
      /** Set when events may have been missed (reconnect): the receiver re-lists. */
      resync: z.boolean().default(false),
    }),
    'Domains changed on a host (coalesced ~16 ms).',
  ),
};
