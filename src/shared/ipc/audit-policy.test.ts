import { describe, expect, it } from 'vitest';
import { calls } from './contract';
import { isReadOnlyCall } from './audit-policy';

describe('audit policy', () => {
  it('audits every call that changes something or opens access, and no pure read', () => {
    const audited = Object.keys(calls).filter((n) => !isReadOnlyCall(n));
    // Spot checks that must hold whatever else is added to the contract.
    for (const n of ['hosts.add', 'hosts.remove', 'hosts.answerPrompt', 'domains.lifecycle', 'domains.delete', 'consoles.openVnc', 'consoles.openShell', 'tasks.cancel', 'metrics.setRules']) {
      expect(audited, n).toContain(n);
    }
    for (const n of ['app.ping', 'hosts.list', 'domains.get', 'metrics.history', 'metrics.exportCsv', 'tasks.list', 'audit.list', 'audit.verify', 'audit.export']) {
      expect(audited, n).not.toContain(n);
    }
  });

  it('decides by verb: unknown verbs are audited', () => {
    expect(isReadOnlyCall('storage.listVolumes')).toBe(true);
    expect(isReadOnlyCall('migration.preflight')).toBe(true);
    expect(isReadOnlyCall('storage.deleteVolume')).toBe(false);
    expect(isReadOnlyCall('domains.frobnicate')).toBe(false);
    expect(isReadOnlyCall('domains.getaway')).toBe(false);
  });
});
