import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../model/audit';
import { auditCsv } from './export';

const rec = (extra: Partial<AuditRecord>): AuditRecord => ({
  seq: 1,
  id: 'a-1',
  t: Date.UTC(2026, 11, 1, 12, 0, 0),
  user: 'alice',
  via: 'desktop',
  call: 'domains.lifecycle',
  hostId: 'lab-1',
  target: 'web',
  args: { action: 'start' },
  result: 'ok',
  durationMs: 12.4,
  prev: '0'.repeat(64),
  hash: 'f'.repeat(64),
  ...extra,
});

describe('auditCsv', () => {
  it('writes a header and one quoted row per record', () => {
    const csv = auditCsv([rec({}), rec({ seq: 2, target: 'a "quoted", name', result: 'error', error: { code: 'LIBVIRT', message: 'no\nway' } })]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('seq,time,user,via,call,host,target,result,error,duration_ms,args,prev,hash');
    expect(lines[1]).toBe(`1,2026-12-01T12:00:00.000Z,alice,desktop,domains.lifecycle,lab-1,web,ok,,12,"{""action"":""start""}",${'0'.repeat(64)},${'f'.repeat(64)}`);
    expect(csv).toContain('"a ""quoted"", name",error,"LIBVIRT: no\nway"');
  });

  it('neutralises cells that a spreadsheet would run as a formula', () => {
    expect(auditCsv([rec({ target: '=HYPERLINK("x")' })])).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
