import { z } from 'zod';
import { ErrorCodeSchema } from '../ipc/result';

// One mutating call as the audit log keeps it (see src/main/audit/log.ts).
export const AuditRecordSchema = z.object({
  seq: z.number().int().positive(),
  id: z.string(),
  /** Epoch ms. */
  t: z.number(),
  /** Who: the OS user of the desktop app, the account in serve mode. */
  user: z.string(),
  /** How they reached the core: 'desktop', 'serve-token', 'serve-account'. */
  via: z.string(),
  call: z.string(),
  hostId: z.string().optional(),
  target: z.string().optional(),
  /** The arguments without secrets (see redactArgs). */
  args: z.unknown(),
  result: z.enum(['ok', 'error']),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).optional(),
  durationMs: z.number(),
  /** Hash of the previous record (64 zeros for the first). */
  prev: z.string(),
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

export const AuditFilterSchema = z
  .object({
    from: z.number().optional(),
    to: z.number().optional(),
    user: z.string().max(200).optional(),
    hostId: z.string().max(64).optional(),
    /** A call name or its prefix ("domains."). */
    call: z.string().max(100).optional(),
    result: z.enum(['ok', 'error']).optional(),
    /** Free text over user, call, host, target, error and arguments. */
    q: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(20_000).optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

export const AuditVerdictSchema = z.object({
  ok: z.boolean(),
  /** Records checked (up to the broken one). */
  records: z.number().int(),
  broken: z
    .object({ line: z.number().int(), seq: z.number().int().optional(), id: z.string().optional(), reason: z.string(), excerpt: z.string().optional() })
    .optional(),
});
export type AuditVerdict = z.infer<typeof AuditVerdictSchema>;
