import { describe, expect, it } from 'vitest';
import { appTag, rankHosts, spreadCopies, type AdviceRequest, type HostFacts } from './placement';

// Pure scoring: figures made up on purpose (what a loaded and an idle host report).
const host = (id: string, o: Partial<HostFacts> = {}): HostFacts => ({
  hostId: id,
  name: id,
  cpus: 4,
  memoryKiB: 8 * 1024 * 1024,
  freeKiB: 6 * 1024 * 1024,
  allocatedVcpus: 2,
  networks: ['default'],
  pools: [{ name: 'default', availableBytes: 50e9 }],
  apps: {},
  ...o,
});
const req: AdviceRequest = { vcpus: 2, memoryMiB: 1024, network: 'default', pool: 'default', diskBytes: 10e9, cpuOvercommit: 4 };

describe('placement advice', () => {
  it('ranks the idle host above the CPU-loaded one and says why', () => {
    const r = rankHosts(req, [host('lab-1', { cpuBusyPct: 95 }), host('lab-2', { cpuBusyPct: 3 })]);
    expect(r.map((x) => x.hostId)).toEqual(['lab-2', 'lab-1']);
    expect(r[1]!.reasons.join(' ')).toContain('CPU 95% busy');
  });
  it('refuses hosts without the network, the pool room or the memory, with the reason', () => {
    const r = rankHosts(req, [host('a', { networks: [] }), host('b', { pools: [{ name: 'default', availableBytes: 1e9 }] }), host('c', { freeKiB: 512 * 1024 })]);
    expect(r.every((x) => !x.eligible)).toBe(true);
    expect(r.find((x) => x.hostId === 'a')!.reasons[0]).toBe("no active network 'default'");
    expect(r.find((x) => x.hostId === 'b')!.reasons[0]).toMatch(/pool 'default' has 953 MiB free/);
    expect(r.find((x) => x.hostId === 'c')!.reasons[0]).toBe('needs 1024 MiB, 512 MiB free');
  });
  it('spreads three app:web copies over three hosts, and a host already running one comes last', () => {
    const hosts = [host('h1', { apps: { web: 1 } }), host('h2'), host('h3')];
    const { picks } = spreadCopies({ ...req, app: 'web' }, hosts, 3);
    expect(new Set(picks).size).toBe(3);
    expect(picks[2]).toBe('h1');
    expect(appTag(['env:x', 'app:web'])).toBe('web');
  });
  it('puts copies on the same host when it is the only one that can take them', () => {
    const { picks } = spreadCopies({ ...req, app: 'web' }, [host('h1'), host('h2', { networks: [] })], 2);
    expect(picks).toEqual(['h1', 'h1']);
  });
});
