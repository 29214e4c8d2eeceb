import { describe, expect, it } from 'vitest';
import { MigrateFlags } from '../libvirt/rpc/procedures/migration';
import { destinationFlags, migrationFlags, migrationParams, virshOptions, withStringParam } from './params';

describe('migration parameters and flags', () => {
  it('builds typed parameters in a stable order with repeated keys kept', () => {
    const p = migrationParams({
      migrateUri: 'tcp://127.0.0.1:49300',
      listenAddress: '127.0.0.1',
      bandwidthMiBs: 10,
      migrateDisks: ['vda', 'vdb'],
      disksUri: 'tcp://127.0.0.1:49301',
      compression: ['xbzrle', 'mt'],
    });
    expect(p.map((x) => x.field)).toEqual(['migrate_uri', 'listen_address', 'bandwidth', 'migrate_disks', 'migrate_disks', 'disks_uri', 'compression', 'compression']);
    expect(p.find((x) => x.field === 'bandwidth')).toEqual({ field: 'bandwidth', type: 'ullong', value: 10n });
    expect(migrationParams({})).toEqual([]);
  });

  it('replaces a string parameter like virTypedParamsReplaceString', () => {
    const p = withStringParam(migrationParams({ migrateUri: 'tcp://a' }), 'migrate_uri', 'tcp://b');
    expect(p).toEqual([{ field: 'migrate_uri', type: 'string', value: 'tcp://b' }]);
  });

  it('maps choices to libvirt flags and the destination drops abort-on-error and auto-converge', () => {
    const f = migrationFlags({ kind: 'live', storage: 'all', persist: true, undefineSource: true, autoConverge: true });
    expect(f & MigrateFlags.LIVE).toBeTruthy();
    expect(f & MigrateFlags.NON_SHARED_DISK).toBeTruthy();
    expect(f & MigrateFlags.NON_SHARED_INC).toBe(0);
    expect(f & MigrateFlags.ABORT_ON_ERROR).toBeTruthy();
    const d = destinationFlags(f);
    expect(d & (MigrateFlags.ABORT_ON_ERROR | MigrateFlags.AUTO_CONVERGE)).toBe(0);
    expect(d & MigrateFlags.PERSIST_DEST).toBeTruthy();
    expect(virshOptions(f)).toEqual(['--live', '--persistent', '--undefinesource', '--copy-storage-all', '--auto-converge', '--abort-on-error']);
    expect(migrationFlags({ kind: 'live', storage: 'none', persist: false, undefineSource: false, unsafe: true })).toBe(MigrateFlags.LIVE | MigrateFlags.UNSAFE);
  });
});
