import { describe, expect, it } from 'vitest';
import { PlacementSettingsSchema, type HostCandidate, type PlacementRequest } from '../model/placement';
import { appTag, spreadCopies } from './placement';

// Pure: figures made up on purpose (what a loaded and an idle host report).
const GiB = 1024 * 1024;
const host = (id: string, o: Partial<HostCandidate> = {}): HostCandidate => ({
  hostId: id,
  name: id,
  connected: true,
  maintenance: false,
  cpus: 4,
  memoryKiB: 8 * GiB,
  availableKiB: 6 * GiB,
  allocatedVcpus: 2,
  allocatedMemKiB: 2 * GiB,
  runningVms: 1,
  networks: ['default'],
  pools: [{ name: 'default', availableBytes: 50e9 }],
  apps: {},
  ...o,
});
const req: PlacementRequest = { vcpus: 2, memoryKiB: GiB, networks: ['default'], pools: ['default'], poolPaths: [], diskBytes: 10e9, exclude: [], running: true };
const settings = PlacementSettingsSchema.parse({});

describe('create placement (shared scoring, copies placed one at a time)', () => {
  it('ranks the idle host above the CPU-loaded one and says why', () => {
    const { ranking, picks } = spreadCopies(req, [host('lab-1', { cpuBusyPct: 95 }), host('lab-2', { cpuBusyPct: 3 })], settings, 1);
    expect(ranking.map((x) => x.hostId)).toEqual(['lab-2', 'lab-1']);
    expect(ranking[1]!.reasons.join(' ')).toContain('CPU 95% busy');
    expect(picks).toEqual(['lab-2']);
  });
  it('spreads three app:web copies over three hosts, and a host already running one comes last', () => {
    const { picks } = spreadCopies({ ...req, app: 'web' }, [host('h1', { apps: { web: 1 } }), host('h2'), host('h3')], settings, 3);
    expect(new Set(picks).size).toBe(3);
    expect(picks[2]).toBe('h1');
    expect(appTag(['env:x', 'app:web'])).toBe('web');
  });
  it('puts copies on the same host when it is the only one that can take them, and never on a host in maintenance', () => {
    const { picks, ranking } = spreadCopies({ ...req, app: 'web' }, [host('h1'), host('h2', { networks: [] }), host('h3', { maintenance: true })], settings, 2);
    expect(picks).toEqual(['h1', 'h1']);
    expect(ranking.find((r) => r.hostId === 'h3')!.reasons[0]).toMatch(/maintenance/);
  });
  it('counts each copy against its host: the third copy finds no memory left', () => {
    const { picks } = spreadCopies(req, [host('h1', { availableKiB: 2.6 * GiB })], settings, 3);
    expect(picks).toEqual(['h1', 'h1', null]);
  });
});
