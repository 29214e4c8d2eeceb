import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDiscovery, splitSections } from '../../shared/p2v/discovery';
import { DISCOVERY_SCRIPT } from './discovery-script';

// The script runs here under /bin/sh as it will on a source (this machine is a
// real Linux box); the source-machine lab test runs it over SSH.
describe('DISCOVERY_SCRIPT', () => {
  it('parses what the real script prints on this machine', () => {
    const out = execFileSync('/bin/sh', ['-s'], { input: DISCOVERY_SCRIPT }).toString();
    expect([...splitSections(out).keys()]).toEqual(['id', 'hostname', 'uname', 'osrelease', 'efi', 'nproc', 'cpuinfo', 'meminfo', 'lsblk', 'mountinfo', 'ipaddr', 'mdstat', 'vgs', 'lvs', 'blkid', 'end']);
    const inv = parseDiscovery(out);
    expect(inv.memoryBytes).toBeGreaterThan(0);
    expect(inv.cpu.count).toBeGreaterThan(0);
    expect(inv.kernel).toMatch(/^\d+\.\d+/);
    expect(inv.problems).toEqual([]);
  });
});
