import { z } from 'zod';
import { call } from '../define';
import { HostIdSchema } from '../../model/host';
import { TaskRefSchema } from '../../model/task';
import {
  BackupDiffSchema,
  BackupHostSchema,
  BackupIdSchema,
  BackupItemSchema,
  BackupScheduleSchema,
  BackupScheduleStateSchema,
  BackupSummarySchema,
  RestoreInputSchema,
  RestorePlanSchema,
} from '../../model/backup';

/** serve mode: GET `${BACKUP_DOWNLOAD_PATH}?id=<backup id>` with `Authorization: Bearer <token>` streams the archive. */
export const BACKUP_DOWNLOAD_PATH = '/api/backups/download';

const ById = z.object({ id: BackupIdSchema }).strict();

export const backupCalls = {
  'backups.list': call(z.object({}).strict(), z.array(BackupSummarySchema), 'Stored backups, newest first, with size, date and hosts.'),
  'backups.get': call(
    ById,
    z.object({ summary: BackupSummarySchema, hosts: z.array(BackupHostSchema), items: z.array(BackupItemSchema) }),
    'One backup: its hosts and every definition in it (the archive is read and its checksums verified).',
  ),
  'backups.create': call(
    z.object({ hostIds: z.array(HostIdSchema).max(500).optional() }).strict(),
    TaskRefSchema,
    'Backs up the definitions of the given hosts (all hosts when omitted) as a task.',
  ),
  'backups.delete': call(ById, z.object({ deleted: z.boolean() }), 'Deletes a stored backup.'),
  'backups.diff': call(
    z.object({ id: BackupIdSchema, fromHostId: HostIdSchema, toHostId: HostIdSchema.optional() }).strict(),
    BackupDiffSchema,
    'Compares a host in a backup with a live host (the same one by default): added, removed, changed, with XML diffs.',
  ),
  'backups.plan': call(RestoreInputSchema, RestorePlanSchema, 'Dry run of a restore: exactly what would be defined, replaced, renamed, skipped or refused.'),
  'backups.restore': call(RestoreInputSchema, TaskRefSchema, 'Restores definitions (networks and pools before domains) as a task; refused when the plan refuses an item.'),
  'backups.getSchedule': call(z.object({}).strict(), BackupScheduleStateSchema, 'The daily backup schedule, its last run and next run.'),
  'backups.setSchedule': call(BackupScheduleSchema, BackupScheduleStateSchema, 'Sets the daily backup schedule (time, hosts, how many scheduled backups to keep).'),
  'backups.saveCopy': call(ById, z.object({ path: z.string().nullable() }), 'Desktop app: saves a copy of the archive where the user picks (a save dialog); null when cancelled.'),
};
