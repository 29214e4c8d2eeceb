import type { AuditRecord } from '../model/audit';

// CSV as spreadsheet programs read it (RFC 4180: quote fields holding a comma,
// quote or line break; double the quotes). Cells that start like a formula are
// prefixed with ' so an exported log can't run anything when opened.
const COLUMNS = ['seq', 'time', 'user', 'via', 'call', 'host', 'target', 'result', 'error', 'duration_ms', 'args', 'prev', 'hash'] as const;

function cell(v: unknown): string {
  let s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsv(records: readonly AuditRecord[]): string {
  const rows = records.map((r) =>
    [r.seq, new Date(r.t).toISOString(), r.user, r.via, r.call, r.hostId, r.target, r.result, r.error ? `${r.error.code}: ${r.error.message}` : '', Math.round(r.durationMs), r.args, r.prev, r.hash]
      .map(cell)
      .join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
