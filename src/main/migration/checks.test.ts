import { describe, expect, it } from 'vitest';
import { interpretReach } from './preflight';
import { availableModes, disksToCopy, evaluate, recommendedMode, type DiskFact, type PreflightFacts } from './checks';

const disk = (d: Partial<DiskFact> = {}): DiskFact => ({
  target: 'vda',
  device: 'disk',
  type: 'file',
  path: '/var/lib/libvirt/images/a.qcow2',
  shared: false,
  readonly: false,
  allocation: 200 << 20,
  capacity: 1 << 30,
  format: 'qcow2',
  onTarget: 'missing',
  targetPool: { name: 'default', active: true, availableBytes: 10 * 2 ** 30 },
  ...d,
});

const facts = (f: Partial<PreflightFacts> = {}): PreflightFacts => ({
  hostId: 'a',
  targetHostId: 'b',
  name: 'vm',
  uuid: '00000000-0000-4000-8000-000000000001',
  state: 'running',
  memoryKiB: 96 * 1024,
  versions: { ok: true, detail: 'libvirt 9.0.0 on both' },
  targetMaintenance: false,
  cpu: { result: 2, note: 'the target CPU is a superset' },
  machine: { ok: true, detail: 'pc-i440fx-7.2 with /usr/bin/qemu-system-x86_64' },
  networks: ['default'],
  targetNetworks: [{ name: 'default', active: true }, { name: 'lan', active: true }, { name: 'idle', active: false }],
  bridges: [],
  disks: [disk()],
  snapshots: [],
  targetAvailableKiB: 4 * 1024 * 1024,
  targetReserveKiB: 512 * 1024,
  clash: {},
  reach: { reachable: true, address: '10.0.0.2', detail: 'the source reaches 10.0.0.2:49152' },
  relayPossible: true,
  ...f,
});

const verdict = (r: ReturnType<typeof evaluate>, id: string) => r.checks.find((c) => c.id === id);

describe('preflight verdicts', () => {
  it('a running VM with a local disk: copy modes, not shared; all checks pass', () => {
    const f = facts();
    expect(recommendedMode(f)).toBe('live-copy-all');
    expect(availableModes(f).find((m) => m.mode === 'live-shared')).toMatchObject({ available: false, reason: expect.stringMatching(/vda .* is not on storage the target sees/) });
    const r = evaluate(f, 'live-copy-all', 'direct', {});
    expect(r.ok).toBe(true);
    expect(r.checks.filter((c) => c.verdict !== 'pass')).toEqual([]);
  });

  it('shared disks recommend live-shared and are never copied onto themselves', () => {
    const f = facts({ disks: [disk({ shared: true, onTarget: 'same' }), disk({ target: 'vdb', path: '/x/b.img' })] });
    expect(availableModes(f).find((m) => m.mode === 'live-copy-all')!.available).toBe(false);
    expect(recommendedMode(f)).toBe('live-copy-nonshared');
    expect(disksToCopy(f, 'live-copy-nonshared').map((d) => d.target)).toEqual(['vdb']);
    expect(recommendedMode(facts({ disks: [disk({ shared: true, onTarget: 'same' })] }))).toBe('live-shared');
    const r = evaluate(f, 'live-shared', 'direct', {});
    expect(r.ok).toBe(false);
    expect(verdict(r, 'storage')!.message).toMatch(/vdb: \/x\/b.img is local to the source/);
  });

  it('refuses a target missing the network, and passes once it is mapped', () => {
    const f = facts({ networks: ['prod'] });
    const r = evaluate(f, 'live-copy-all', 'direct', {});
    expect(r.ok).toBe(false);
    expect(verdict(r, 'networks')).toMatchObject({ verdict: 'fail', message: expect.stringMatching(/'prod': the target has no such network/) });
    expect(r.networkMapping).toEqual({ missing: ['prod'], choices: ['default', 'lan'] });
    expect(evaluate(f, 'live-copy-all', 'direct', { prod: 'lan' }).ok).toBe(true);
    const inactive = evaluate(f, 'live-copy-all', 'direct', { prod: 'idle' });
    expect(verdict(inactive, 'networks')!.message).toMatch(/defined on the target but not active/);
  });

  it('refuses a VM with snapshots, naming them', () => {
    const r = evaluate(facts({ snapshots: ['before-upgrade'] }), 'live-copy-all', 'direct', {});
    expect(r.ok).toBe(false);
    expect(verdict(r, 'snapshots')).toMatchObject({ verdict: 'fail', details: ['before-upgrade'], message: expect.stringMatching(/refuses to migrate a VM that has snapshots \(1\)/) });
  });

  it('refuses when memory after the reservation is short (a warning only for an offline move)', () => {
    const f = facts({ targetAvailableKiB: 1024 * 1024, targetReserveKiB: 1000 * 1024 });
    const r = evaluate(f, 'live-copy-all', 'direct', {});
    expect(verdict(r, 'memory')).toMatchObject({ verdict: 'fail', message: expect.stringMatching(/needs 96 MiB but the target has 24 MiB free after the 1000 MiB kept/) });
    expect(verdict(evaluate({ ...f, state: 'shutoff' }, 'offline', 'direct', {}), 'memory')!.verdict).toBe('warn');
  });

  it('unreachable migration ports: direct fails with advice, the relay passes', () => {
    const f = facts({ reach: { reachable: false, detail: 'the source cannot reach 10.0.0.2:49152 (timed out)' } });
    const direct = evaluate(f, 'live-copy-all', 'direct', {});
    expect(verdict(direct, 'route')).toMatchObject({ verdict: 'fail', message: expect.stringMatching(/timed out.*relay/) });
    expect(evaluate(f, 'live-copy-all', 'relay', {}).ok).toBe(true);
    expect(verdict(evaluate(f, 'live-copy-all', 'relay', { }), 'route')!.message).toMatch(/relayed through this workstation/);
  });

  it('name and UUID clashes, CPU, machine, media, space, an overwritten file', () => {
    expect(verdict(evaluate(facts({ clash: { sameUuid: 'old' } }), 'live-copy-all', 'direct', {}), 'identity')!.verdict).toBe('fail');
    expect(verdict(evaluate(facts({ clash: { sameName: 'x' } }), 'live-copy-all', 'direct', {}), 'identity')!.message).toMatch(/another VM named 'vm'/);
    expect(verdict(evaluate(facts({ cpu: { result: 0, note: 'incompatible' } }), 'live-copy-all', 'direct', {}), 'cpu')!.verdict).toBe('fail');
    expect(verdict(evaluate(facts({ cpu: { result: null, note: 'no CPU model: QEMU default' } }), 'live-copy-all', 'direct', {}), 'cpu')!.verdict).toBe('pass');
    expect(verdict(evaluate(facts({ machine: { ok: false, detail: 'no pc-q35-9.0' } }), 'live-copy-all', 'direct', {}), 'machine')!.verdict).toBe('fail');
    const iso = disk({ target: 'sda', device: 'cdrom', readonly: true, path: '/iso/d.iso', onTarget: 'missing' });
    expect(verdict(evaluate(facts({ disks: [disk(), iso] }), 'live-copy-all', 'direct', {}), 'media')!.message).toMatch(/\/iso\/d.iso does not exist on the target/);
    const tight = disk({ allocation: 20 * 2 ** 30 });
    expect(verdict(evaluate(facts({ disks: [tight] }), 'live-copy-all', 'direct', {}), 'space')!.verdict).toBe('fail');
    const clobber = disk({ onTarget: 'different' });
    expect(verdict(evaluate(facts({ disks: [clobber] }), 'live-copy-all', 'direct', {}), 'storage')!.message).toMatch(/different file .* would overwrite/);
    const noPool = disk({ targetPool: undefined });
    expect(verdict(evaluate(facts({ disks: [noPool] }), 'live-copy-all', 'direct', {}), 'storage')!.message).toMatch(/no storage pool for \/var\/lib\/libvirt\/images/);
  });

  it('a shut-off VM: only offline, no route needed', () => {
    const f = facts({ state: 'shutoff', reach: { reachable: false, detail: 'blocked' } });
    expect(recommendedMode(f)).toBe('offline');
    const r = evaluate(f, 'offline', 'direct', {});
    expect(r.ok).toBe(true);
    expect(verdict(evaluate(f, 'live-copy-all', 'direct', {}), 'mode')!.verdict).toBe('fail');
  });
});

describe('route probe', () => {
  it('tells an open route from a firewall', () => {
    expect(interpretReach('10.0.0.2', 49152, 'RC 0 \n').reachable).toBe(true);
    expect(interpretReach('10.0.0.2', 49152, 'RC 1 bash: connect: Connection refused\nbash: line 1: /dev/tcp/10.0.0.2/49152: Connection refused\n')).toMatchObject({ reachable: true });
    expect(interpretReach('10.0.0.2', 49152, 'RC 124 \n')).toMatchObject({ reachable: false, detail: expect.stringMatching(/timed out: a firewall/) });
    expect(interpretReach('10.0.0.2', 49152, 'RC 1 bash: connect: No route to host\n').reachable).toBe(false);
    expect(interpretReach('nohost', 49152, 'RC 1 bash: nohost: Name or service not known\n')).toMatchObject({ reachable: false, detail: 'the source cannot resolve nohost' });
    expect(interpretReach('10.0.0.2', 49152, 'NOTOOLS\n').reachable).toBeNull();
  });
});
