import { z } from 'zod';
import { AppErrorSchema } from '../ipc/result';

// Long work (upload, clone, create, migrate, P2V…) is a Task: it starts at
// once, reports progress, can be cancelled, keeps a log, and ends saying what
// it undid. Finished tasks are kept as history and survive restarts.

export const TaskIdSchema = z.string().regex(/^t-[a-z0-9-]{6,40}$/, 'task id');
export type TaskId = z.infer<typeof TaskIdSchema>;

export const TaskStateSchema = z.enum([
  'running',
  'succeeded',
  'failed',
  'cancelled',
  /** The core stopped (crash, quit) while the task ran: what it had done is kept. */
  'interrupted',
]);
export type TaskState = z.infer<typeof TaskStateSchema>;
export const TERMINAL_TASK_STATES: readonly TaskState[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

export const TaskProgressSchema = z.object({
  /** What `done`/`total` count. */
  unit: z.enum(['bytes', 'steps', 'percent']),
  done: z.number().nonnegative(),
  /** Absent while the size of the work is unknown (indeterminate bar). */
  total: z.number().nonnegative().optional(),
  /** Units per second, smoothed over the last few seconds. */
  rate: z.number().nonnegative().optional(),
  /** Seconds left at the current rate. */
  etaSeconds: z.number().nonnegative().optional(),
  /** Optional second figure, e.g. bytes on the wire beside bytes of the image (sparse transfers). */
  secondary: z.object({ label: z.string().max(60), done: z.number().nonnegative() }).optional(),
});
export type TaskProgress = z.infer<typeof TaskProgressSchema>;

export const TaskLogEntrySchema = z.object({
  t: z.number(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});
export type TaskLogEntry = z.infer<typeof TaskLogEntrySchema>;

/** What the task acted on, for filters and links in the UI. */
export const TaskTargetSchema = z.object({
  kind: z.enum(['host', 'domain', 'pool', 'volume', 'network', 'source']),
  hostId: z.string().optional(),
  /** UUID for domains, pool name, volume key/path, network name… */
  id: z.string(),
  name: z.string().optional(),
});
export type TaskTarget = z.infer<typeof TaskTargetSchema>;

/** A call the UI can send again to retry, when that makes sense (the task says so). */
/** Core-written text as a key of src/shared/i18n/core-text.ts with its parameters. */
export const CoreMsgSchema = z.object({ key: z.string().max(100), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() });

export const TaskRetrySchema = z.object({ call: z.string(), input: z.unknown() });

export const TaskSummarySchema = z.object({
  id: TaskIdSchema,
  /** Machine kind, e.g. 'volume.upload', 'domain.migrate'. */
  kind: z.string(),
  /** One line for people: "Upload debian.iso to default on lab-1". */
  title: z.string(),
  /** The title as a message the UI translates (key and parameters; `title` is its English). */
  titleMsg: CoreMsgSchema.optional(),
  hostId: z.string().optional(),
  target: TaskTargetSchema.optional(),
  parentId: TaskIdSchema.optional(),
  childIds: z.array(TaskIdSchema).default([]),
  state: TaskStateSchema,
  /** Current step, e.g. "Creating volume", "Uploading", "Verifying checksum". */
  phase: z.string(),
  /** The phase as a message the UI translates (`phase` is its English). */
  phaseMsg: CoreMsgSchema.optional(),
  progress: TaskProgressSchema.optional(),
  cancellable: z.boolean(),
  /** Set once cancel was asked; the task may need a moment to undo its work. */
  cancelRequested: z.boolean().default(false),
  createdAt: z.number(),
  endedAt: z.number().optional(),
  error: AppErrorSchema.optional(),
  /** What was undone (or could not be) after a failure or cancel, one line each. */
  cleanup: z.array(z.string()).default([]),
  retry: TaskRetrySchema.optional(),
  /** Small JSON result for the UI (e.g. the new VM's uuid). */
  result: z.unknown().optional(),
  /** Who started it (OS user or account), when known. */
  user: z.string().optional(),
});
export type TaskSummary = z.infer<typeof TaskSummarySchema>;

export const TaskSchema = TaskSummarySchema.extend({
  log: z.array(TaskLogEntrySchema),
});
export type Task = z.infer<typeof TaskSchema>;

/** What a call that starts long work answers at once. */
export const TaskRefSchema = z.object({ taskId: TaskIdSchema });
export type TaskRef = z.infer<typeof TaskRefSchema>;
