import type { AuditService } from '../../audit/service';
import type { Handlers } from '../registry';

export function auditHandlers(audit: AuditService): Pick<Handlers, 'audit.list' | 'audit.verify' | 'audit.export'> {
  return {
    'audit.list': (filter) => audit.list(filter),
    'audit.verify': () => audit.verify(),
    'audit.export': ({ format, filter }) => audit.export(format, filter),
  };
}
