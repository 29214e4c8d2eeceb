import { describe, expect, it } from 'vitest';
import { decode, encode } from '../codec';
import { XdrError } from '../xdr';
import { typedParamsToRecord, type DomainRef, type TypedParam } from '../types';
import { Events, MIGRATE_COOKIE_MAX, P } from './index';

const dom: DomainRef = { name: 'ab', uuid: '00112233-4455-6677-8899-aabbccddeeff', id: 3 };
const DOM_HEX = '00000002' + '61620000' + '00112233445566778899aabbccddeeff' + '00000003';
const hexStr = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  const pad = (4 - (b.length % 4)) % 4;
  return b.length.toString(16).padStart(8, '0') + b.toString('hex') + '00'.repeat(pad);
};

describe('migration procedures', () => {
  it('pins the numbers from remote_protocol.x', () => {
    const pins: Record<string, number> = {
      DOMAIN_ABORT_JOB: 164, DOMAIN_MIGRATE_SET_MAX_DOWNTIME: 166, DOMAIN_MIGRATE_SET_MAX_SPEED: 207,
      DOMAIN_LIST_ALL_SNAPSHOTS: 274, DOMAIN_GET_JOB_STATS: 298, DOMAIN_MIGRATE_BEGIN3_PARAMS: 302,
      DOMAIN_MIGRATE_PREPARE3_PARAMS: 303, DOMAIN_MIGRATE_PERFORM3_PARAMS: 305, DOMAIN_MIGRATE_FINISH3_PARAMS: 306,
      DOMAIN_MIGRATE_CONFIRM3_PARAMS: 307, DOMAIN_MIGRATE_START_POST_COPY: 364, STORAGE_POOL_LOOKUP_BY_TARGET_PATH: 391,
      CONNECT_COMPARE_HYPERVISOR_CPU: 393, DOMAIN_ABORT_JOB_FLAGS: 442,
    };
    for (const [name, proc] of Object.entries(pins)) expect(P[name as keyof typeof P].proc, name).toBe(proc);
    expect(Events.domainMigrationIteration).toMatchObject({ proc: 359, eventId: 20 });
    expect(Events.domainJobCompleted).toMatchObject({ proc: 363, eventId: 21 });
  });

  it('Begin3Params: a repeated key (migrate_disks) goes on the wire once per value, in order', () => {
    const params: TypedParam[] = [
      { field: 'migrate_disks', type: 'string', value: 'vda' },
      { field: 'migrate_disks', type: 'string', value: 'vdb' },
      { field: 'bandwidth', type: 'ullong', value: 5n },
    ];
    const bytes = encode(P.DOMAIN_MIGRATE_BEGIN3_PARAMS.args, { dom, params, flags: 1 | 64 });
    const expected =
      DOM_HEX +
      '00000003' +
      hexStr('migrate_disks') + '00000007' + hexStr('vda') +
      hexStr('migrate_disks') + '00000007' + hexStr('vdb') +
      hexStr('bandwidth') + '00000004' + '0000000000000005' +
      '00000041';
    expect(bytes.toString('hex')).toBe(expected);
    expect(decode(P.DOMAIN_MIGRATE_BEGIN3_PARAMS.args, bytes)).toEqual({ dom, params, flags: 65 });
  });

  it('Perform3Params: dom, optional dconnuri (null for client-driven), params, opaque cookie, flags', () => {
    const cookie = Buffer.from([1, 2, 3, 4, 5]);
    const bytes = encode(P.DOMAIN_MIGRATE_PERFORM3_PARAMS.args, { dom, dconnuri: null, params: [], cookie_in: cookie, flags: 256 });
    expect(bytes.toString('hex')).toBe(DOM_HEX + '00000000' + '00000000' + '00000005' + '0102030405000000' + '00000100');
    const back = decode(P.DOMAIN_MIGRATE_PERFORM3_PARAMS.args, bytes);
    expect(Buffer.from(back.cookie_in)).toEqual(cookie);
  });

  it('Prepare3Params returns an optional uri_out; Finish3Params returns the new domain and a cookie', () => {
    const prep = encode(P.DOMAIN_MIGRATE_PREPARE3_PARAMS.ret, { cookie_out: Buffer.from('ck'), uri_out: 'tcp://10.0.0.2:49152' });
    expect(decode(P.DOMAIN_MIGRATE_PREPARE3_PARAMS.ret, prep).uri_out).toBe('tcp://10.0.0.2:49152');
    const none = encode(P.DOMAIN_MIGRATE_PREPARE3_PARAMS.ret, { cookie_out: Buffer.alloc(0), uri_out: null });
    expect(none.toString('hex')).toBe('00000000' + '00000000');
    const fin = encode(P.DOMAIN_MIGRATE_FINISH3_PARAMS.ret, { dom, cookie_out: Buffer.alloc(0) });
    expect(fin.toString('hex')).toBe(DOM_HEX + '00000000');
    const args = encode(P.DOMAIN_MIGRATE_FINISH3_PARAMS.args, { params: [], cookie_in: Buffer.alloc(0), flags: 1, cancelled: 1 });
    expect(args.toString('hex')).toBe('00000000' + '00000000' + '00000001' + '00000001');
    const conf = encode(P.DOMAIN_MIGRATE_CONFIRM3_PARAMS.args, { dom, params: [], cookie_in: Buffer.alloc(0), flags: 1, cancelled: 0 });
    expect(conf.toString('hex')).toBe(DOM_HEX + '00000000' + '00000000' + '00000001' + '00000000');
  });

  it('cookies up to 4 MiB pass; a bigger one is refused before it is sent', () => {
    const big = Buffer.alloc(MIGRATE_COOKIE_MAX, 7);
    const bytes = encode(P.DOMAIN_MIGRATE_PERFORM3_PARAMS.ret, big);
    expect(bytes.length).toBe(4 + MIGRATE_COOKIE_MAX);
    expect(decode(P.DOMAIN_MIGRATE_PERFORM3_PARAMS.ret, bytes).length).toBe(MIGRATE_COOKIE_MAX);
    expect(() => encode(P.DOMAIN_MIGRATE_PERFORM3_PARAMS.ret, Buffer.alloc(MIGRATE_COOKIE_MAX + 1))).toThrow(XdrError);
  });

  it('more than 64 migration parameters are refused', () => {
    const params: TypedParam[] = Array.from({ length: 65 }, (_, i) => ({ field: 'migrate_disks', type: 'string', value: `d${i}` }));
    expect(() => encode(P.DOMAIN_MIGRATE_BEGIN3_PARAMS.args, { dom, params, flags: 0 })).toThrow(XdrError);
  });

  it('job stats decode into a record of numbers', () => {
    const ret = {
      type: 1,
      params: [
        { field: 'time_elapsed', type: 'ullong', value: 1500n },
        { field: 'memory_remaining', type: 'ullong', value: 1048576n },
        { field: 'memory_dirty_rate', type: 'ullong', value: 250n },
        { field: 'memory_iteration', type: 'ullong', value: 3n },
      ] as TypedParam[],
    };
    const back = decode(P.DOMAIN_GET_JOB_STATS.ret, encode(P.DOMAIN_GET_JOB_STATS.ret, ret));
    expect(back.type).toBe(1);
    expect(typedParamsToRecord(back.params)).toMatchObject({ time_elapsed: 1500, memory_remaining: 1048576, memory_dirty_rate: 250, memory_iteration: 3 });
  });

  it('compare CPU, snapshot list and pool-by-path layouts', () => {
    const cpu = encode(P.CONNECT_COMPARE_HYPERVISOR_CPU.args, { emulator: null, arch: 'x86_64', machine: null, virttype: 'qemu', xmlCPU: '<cpu/>', flags: 0 });
    expect(cpu.toString('hex')).toBe('00000000' + '00000001' + hexStr('x86_64') + '00000000' + '00000001' + hexStr('qemu') + hexStr('<cpu/>') + '00000000');
    const snaps = encode(P.DOMAIN_LIST_ALL_SNAPSHOTS.ret, { snapshots: [{ name: 's1', dom }], ret: 1 });
    expect(snaps.toString('hex')).toBe('00000001' + hexStr('s1') + DOM_HEX + '00000001');
    expect(encode(P.STORAGE_POOL_LOOKUP_BY_TARGET_PATH.args, { path: '/a' }).toString('hex')).toBe(hexStr('/a'));
  });

  it('the migration iteration event decodes', () => {
    const msg = { callbackID: 4, dom, iteration: 2 };
    expect(decode(Events.domainMigrationIteration.msg, encode(Events.domainMigrationIteration.msg, msg))).toEqual(msg);
  });
});
