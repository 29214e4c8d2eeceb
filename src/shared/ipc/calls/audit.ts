import { z } from 'zod';
import { call } from '../define';
import { AuditFilterSchema, AuditRecordSchema, AuditVerdictSchema } from '../../model/audit';

export const auditCalls = {
  'audit.list': call(AuditFilterSchema, z.array(AuditRecordSchema), 'Audit records matching a filter, newest first.'),
  'audit.verify': call(z.object({}).strict(), AuditVerdictSchema, 'Checks the hash chain; names the first record that was changed, removed or reordered.'),
  'audit.export': call(
    z.object({ format: z.enum(['csv', 'json']), filter: AuditFilterSchema.default({}) }).strict(),
    z.object({ filename: z.string(), mime: z.string(), content: z.string(), records: z.number().int() }),
    'The matching records as a CSV or JSON file.',
  ),
};
