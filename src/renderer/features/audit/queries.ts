import { useMutation, useQuery } from '@tanstack/react-query';
import type { AuditFilter } from '../../../shared/model/audit';
import { request } from '../../app/api';
import { downloadText } from '../../ui/download';

export const auditKeys = {
  list: (f: AuditFilter) => ['audit', 'list', f] as const,
};

/** The log grows with every action: re-read when the page is shown and on demand (no push for it). */
export const useAuditRecords = (filter: AuditFilter) =>
  useQuery({ queryKey: auditKeys.list(filter), queryFn: () => request('audit.list', filter), refetchOnWindowFocus: true });

export const useVerifyAudit = () => useMutation({ mutationFn: () => request('audit.verify', {}) });

export function useExportAudit() {
  return useMutation({
    mutationFn: async (a: { format: 'csv' | 'json'; filter: AuditFilter }) => {
      const f = await request('audit.export', a);
      downloadText(f.filename, f.mime, f.content);
      return f;
    },
  });
}
