import { z } from 'zod';
import { call, event } from '../define';
import { HostIdSchema } from '../../model/host';
import { DeletePlanSchema } from '../../model/delete-plan';
import { AppErrorSchema } from '../result';
import { DomainDetailsSchema, DomainRefSchema, DomainSummarySchema, LifecycleActionSchema, UuidSchema } from '../../model/domain';

// One outcome per domain; a failure carries the whole AppError (code, message,
// libvirt detail) so the UI can group and act on codes, not parse sentences.
export const BulkResultSchema = z.array(
  z.discriminatedUnion('ok', [z.object({ uuid: UuidSchema, ok: z.literal(true) }), z.object({ uuid: UuidSchema, ok: z.literal(false), error: AppErrorSchema })]),
);

/**
 * Where a domain read stands in its host's history. `seq` grows with every
 * read the core starts for that host (a list, or a refresh after events), so
 * of two answers about one domain the higher `seq` saw the newer state, even
 * when it arrives first. `epoch` names the core process: after a restart of
 * `serve`, sequences begin again and the old ones mean nothing.
 */
export const DomainSeqSchema = z.object({ epoch: z.string().min(1).max(64), seq: z.number().int().nonnegative() });
export type DomainSeq = z.infer<typeof DomainSeqSchema>;

export const DomainListingSchema = DomainSeqSchema.extend({ domains: z.array(DomainSummarySchema) });
export type DomainListing = z.infer<typeof DomainListingSchema>;

export const domainCalls = {
  'domains.list': call(z.object({ hostId: HostIdSchema }).strict(), DomainListingSchema, 'All domains of a host with their state, stamped with the read sequence.'),
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
    DomainSeqSchema.extend({
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
