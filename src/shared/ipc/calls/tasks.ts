import { z } from 'zod';
import { call, event } from '../define';
import { TaskIdSchema, TaskSchema, TaskStateSchema, TaskSummarySchema } from '../../model/task';

export const taskCalls = {
  'tasks.list': call(
    z
      .object({
        hostId: z.string().max(64).optional(),
        states: z.array(TaskStateSchema).max(5).optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    z.array(TaskSummarySchema),
    'Running tasks and recent history, newest first.',
  ),
  'tasks.get': call(z.object({ taskId: TaskIdSchema }).strict(), TaskSchema, 'One task with its log.'),
  'tasks.cancel': call(
    z.object({ taskId: TaskIdSchema }).strict(),
    z.object({ state: TaskStateSchema, cancelRequested: z.boolean() }),
    'Asks a running task (and its children) to stop and undo what it made.',
  ),
  'tasks.clear': call(
    z.object({ taskIds: z.array(TaskIdSchema).max(1000).optional() }).strict(),
    z.object({ removed: z.number().int() }),
    'Forgets finished tasks (all finished ones when no ids are given).',
  ),
};

export const taskEvents = {
  'task.updated': event(TaskSummarySchema, 'A task started, progressed or ended (coalesced, a few per second per task).'),
  'task.removed': event(z.object({ taskIds: z.array(TaskIdSchema) }), 'Finished tasks were cleared from history.'),
};
