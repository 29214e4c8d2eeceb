import { z } from 'zod';
import { call, event } from '../define';

export const AppInfoSchema = z.object({
  name: z.literal('VirtDeck'),
  version: z.string(),
  mode: z.enum(['electron', 'serve']),
  platform: z.string(),
  node: z.string(),
  startedAt: z.number(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const NotificationSchema = z.object({
  id: z.string(),
  level: z.enum(['info', 'success', 'warning', 'error']),
  title: z.string(),
  message: z.string().optional(),
  hostId: z.string().optional(),
  at: z.number(),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const appCalls = {
  'app.info': call(z.object({}).strict(), AppInfoSchema, 'Version and run mode of the core.'),
  'app.ping': call(
    z.object({ echo: z.string().max(1000) }).strict(),
    z.object({ echo: z.string(), at: z.number() }),
    'Round-trip check: answers with the same text.',
  ),
};

export const appEvents = {
  'app.notified': event(NotificationSchema, 'Something the user should see as a toast.'),
};
