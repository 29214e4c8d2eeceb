import { describe, expect, it } from 'vitest';
import { PlacementRequestSchema, PlacementSettingsSchema, type HostCandidate, type PlacementRequestInput } from '../model/placement';
import { appOf, planEvacuation, rankHosts, scoreHost, type EvacuationVm } from './score';

const GiB = 1024 * 1024; // in KiB
const settings = PlacementSettingsSchema.parse({ defaultReserveMiB: 512 });
const req = (r: Partial<PlacementRequestInput> = {}) => PlacementRequestSchema.parse({ vcpus: 1, memoryKiB: 1 * GiB, ...r });

const host = (id: string, h: Partial<HostCandidate> = {}): HostCandidate => ({
  hostId: id,
  name: id,
  connected: true,
  maintenance: false,
  cpus: 8,
  memoryKiB: 16 * GiB,
  availableKiB: 12 * GiB,
  allocatedVcpus: 4,
  allocatedMemKiB: 4 * GiB,
  runningVms: 4,
  networks: ['default'],
  pools: [{ name: 'default', path: '/var/lib/libvirt/images', availableBytes: 100 * 2 ** 30 }],
  apps: {},
  ...h,
});

describe('placement scoring', () => {
  it('prefers the least used host and says why', () => {
    const ranked = rankHosts(req(), [host('busy', { availableKiB: 3 * GiB, cpuBusyPct: 80 }), host('idle', { cpuBusyPct: 5 })], settings);
    expect(ranked.map((s) => s.hostId)).toEqual(['idle', 'busy']);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
    expect(ranked[0]!.reasons.join(' | ')).toMatch(/free after placing it/);
    expect(ranked[0]!.reasons.join(' | ')).toMatch(/CPU 5% busy now/);
  });

  it('a host on a shared kernel names its twins: its CPU figure is what its VMs use', () => {
    const [a] = rankHosts(req(), [host('lab-1', { cpuBusyPct: 50, sharesKernelWith: ['lab-2'] })], settings);
    expect(a!.reasons.join(' | ')).toMatch(/CPU 50% busy now \| one kernel with lab-2: CPU counted from its own VMs/);
    const [b] = rankHosts(req(), [host('lab-1', { cpuBusyPct: 50 })], settings);
    expect(b!.reasons.join(' | ')).not.toMatch(/one kernel/);
  });

  it('hard limits: maintenance, disconnected, missing network or pool, memory after the reservation, vCPU overcommit', () => {
    const cases: [Partial<HostCandidate>, RegExp][] = [
      [{ maintenance: true }, /maintenance/],
      [{ connected: false }, /not connected/],
      [{ networks: ['other'] }, /no active network 'default'/],
      [{ availableKiB: 1 * GiB + 100 * 1024 }, /only .* free after the 512 MiB kept/],
      [{ allocatedVcpus: 32 }, /vCPUs would pass 32/],
      [{ allocatedMemKiB: 15.6 * GiB }, /memory allocation would pass/],
    ];
    for (const [h, why] of cases) {
      const s = scoreHost(req({ networks: ['default'] }), host('x', h), settings);
      expect(s.eligible, JSON.stringify(h)).toBe(false);
      expect(s.score).toBe(0);
      expect(s.reasons.join(' ')).toMatch(why);
    }
    expect(scoreHost(req({ pools: ['fast'] }), host('x'), settings).reasons[0]).toMatch(/no active pool 'fast'/);
    expect(scoreHost(req({ poolPaths: ['/srv'] }), host('x'), settings).reasons[0]).toMatch(/no active pool at \/srv/);
    expect(scoreHost(req({ diskBytes: 200 * 2 ** 30, pools: ['default'] }), host('x'), settings).reasons[0]).toMatch(/only 100 GiB free/);
    expect(scoreHost(req({ exclude: ['x'] }), host('x'), settings).eligible).toBe(false);
  });

  it('a per-host reservation counts against that host only', () => {
    const s = PlacementSettingsSchema.parse({ reserveMiB: { big: 11.5 * 1024 } });
    expect(scoreHost(req(), host('big'), s).eligible).toBe(false);
    expect(scoreHost(req(), host('small'), s).eligible).toBe(true);
  });

  it('a shut-off VM needs only its networks and pools', () => {
    const s = scoreHost(req({ running: false, networks: ['default'] }), host('x', { availableKiB: 0 }), settings);
    expect(s.eligible).toBe(true);
  });

  it('spreads VMs with the same app tag', () => {
    const a = host('a', { apps: { web: 1 } });
    const b = host('b', { availableKiB: 9 * GiB });
    const ranked = rankHosts(req({ app: 'web' }), [a, b], settings);
    expect(ranked[0]!.hostId).toBe('b');
    expect(ranked.find((s) => s.hostId === 'a')!.reasons.join(' ')).toMatch(/already runs 1 VM tagged app:web/);
    expect(appOf(['env:prod', 'app:web'])).toBe('web');
    expect(appOf(['app:'])).toBeUndefined();
  });
});

describe('evacuation planning', () => {
  const vm = (name: string, v: Partial<EvacuationVm> = {}): EvacuationVm => ({
    uuid: `00000000-0000-4000-8000-${name.padStart(12, '0')}`,
    name,
    state: 'running',
    vcpus: 1,
    memoryKiB: 1 * GiB,
    tags: [],
    networks: ['default'],
    poolPaths: [],
    diskBytes: 0,
    ...v,
  });

  it('places every VM off the source, spreading an app and counting what the plan already placed', () => {
    const hosts = [host('src'), host('a'), host('b')];
    const plan = planEvacuation('src', [vm('1', { tags: ['app:web'] }), vm('2', { tags: ['app:web'] }), vm('3')], hosts, settings);
    expect(plan).toHaveLength(3);
    expect(plan.every((m) => m.targetHostId && m.targetHostId !== 'src')).toBe(true);
    const web = plan.filter((m) => m.app === 'web').map((m) => m.targetHostId);
    expect(new Set(web).size).toBe(2);
  });

  it('stops when hosts fill up and explains the VM that has nowhere to go', () => {
    const hosts = [host('src'), host('a', { availableKiB: 2.6 * GiB })];
    const plan = planEvacuation('src', [vm('1', { memoryKiB: 2 * GiB }), vm('2', { memoryKiB: 1 * GiB })], hosts, settings);
    expect(plan[0]!.targetHostId).toBe('a');
    expect(plan[1]!.targetHostId).toBeNull();
    expect(plan[1]!.reason).toMatch(/no host can take it: .*a: needs 1 GiB/);
  });

  it('admin overrides win: a chosen target (even against advice) and a skipped VM', () => {
    const hosts = [host('src'), host('a'), host('b', { maintenance: true })];
    const v1 = vm('1');
    const v2 = vm('2');
    const plan = planEvacuation('src', [v1, v2], hosts, settings, { [v1.uuid]: { targetHostId: 'b' }, [v2.uuid]: { skip: true } });
    const p1 = plan.find((m) => m.name === '1')!;
    expect(p1).toMatchObject({ targetHostId: 'b', overridden: true });
    expect(p1.reason).toMatch(/against the advice: in maintenance/);
    expect(plan.find((m) => m.name === '2')).toMatchObject({ skipped: true, targetHostId: null });
  });

  it('shut-off VMs move definitions only and use no memory on the target', () => {
    const hosts = [host('src'), host('a', { availableKiB: 0.6 * GiB })];
    const plan = planEvacuation('src', [vm('off', { state: 'shutoff', memoryKiB: 8 * GiB })], hosts, settings);
    expect(plan[0]!.targetHostId).toBe('a');
  });
});
