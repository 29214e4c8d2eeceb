import { z } from 'zod';
import { call, event } from '../define';
import { HostIdSchema, HostSchema } from '../../model/host';
import { UuidSchema } from '../../model/domain';
import { MigratedSchema, MigrationProgressSchema, MigrationRequestSchema, PreflightReportSchema } from '../../model/migration';
import { PlannedMoveSchema } from '../../model/placement';
import { TaskRefSchema } from '../../model/task';

const overrideSchema = z.union([z.object({ targetHostId: HostIdSchema }).strict(), z.object({ skip: z.literal(true) }).strict()]);

export const migrationCalls = {
  'migration.preflight': call(
    MigrationRequestSchema,
    PreflightReportSchema,
    'Checks a move on both hosts (CPU, machine, networks, disks, memory, snapshots, route…) and answers with a verdict per line; nothing is changed.',
  ),
  'migration.start': call(
    MigrationRequestSchema,
    TaskRefSchema,
    'Runs preflight again and, only when no check fails, starts the move as a task (progress, cancel).',
  ),
  'migration.planEvacuation': call(
    z.object({ hostId: HostIdSchema, overrides: z.record(UuidSchema, overrideSchema).default({}) }).strict(),
    z.object({ hostId: HostIdSchema, moves: z.array(PlannedMoveSchema) }),
    'Plans where every VM of a host goes (placement advice, with the admin overrides), without moving anything.',
  ),
  'migration.evacuate': call(
    z
      .object({
        hostId: HostIdSchema,
        /** The plan as shown (and edited): VM -> target. VMs not listed stay. */
        moves: z.array(z.object({ uuid: UuidSchema, targetHostId: HostIdSchema }).strict()).min(1).max(1000),
        /** How many VMs move at once. */
        parallel: z.number().int().min(1).max(8).default(1),
      })
      .strict(),
    TaskRefSchema,
    'Marks the host in maintenance and moves the planned VMs off it: a parent task with a child per VM.',
  ),
  'hosts.setMaintenance': call(
    z.object({ hostId: HostIdSchema, maintenance: z.boolean() }).strict(),
    HostSchema,
    'Puts a host in (or takes it out of) maintenance; placement advice never picks a host in maintenance.',
  ),
};

export const migrationEvents = {
  'migration.progressed': event(MigrationProgressSchema, 'Live figures of a running migration (job stats), a few per second.'),
  'domain.migrated': event(MigratedSchema, 'A VM now lives on another host (the tree, console and metrics follow it).'),
};
