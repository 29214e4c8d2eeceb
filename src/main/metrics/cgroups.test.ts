import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMountinfo, parseProcCgroup, resolveVmFiles, vmCgroupDir } from './cgroups';
import { parseDiscovery } from './discovery';

const fx = (layout: string, file: string) => fs.readFileSync(path.join(__dirname, 'fixtures', layout, file), 'utf8');
const resolve = (layout: string) => resolveVmFiles(parseMountinfo(fx(layout, 'mountinfo')), parseProcCgroup(fx(layout, 'pid-cgroup')));

describe('cgroup layouts', () => {
  it('v1 (recorded on a lab host): cpuacct.usage in ns and memory.stat of the VM cgroup, not its emulator child', () => {
    expect(resolve('v1')).toEqual({
      layout: 'v1',
      cpu: { path: '/sys/fs/cgroup/cpuacct/machine/qemu-1-lab1-web.libvirt-qemu/cpuacct.usage', unit: 'ns' },
      memory: { version: 1, stat: '/sys/fs/cgroup/memory/machine/qemu-1-lab1-web.libvirt-qemu/memory.stat' },
    });
  });

  it('mixed: CPU from cpu.stat on the unified mount, memory from v1', () => {
    expect(resolve('mixed')).toEqual({
      layout: 'mixed',
      cpu: { path: '/sys/fs/cgroup/unified/machine/qemu-2-db.libvirt-qemu/cpu.stat', unit: 'usec' },
      memory: { version: 1, stat: '/sys/fs/cgroup/memory/machine/qemu-2-db.libvirt-qemu/memory.stat' },
    });
  });

  it('pure v2: the machine scope (above libvirt/emulator), escapes kept verbatim', () => {
    const scope = '/sys/fs/cgroup/machine.slice/machine-qemu\\x2d3\\x2dweb\\x2d01.scope';
    expect(resolve('v2')).toEqual({
      layout: 'v2',
      cpu: { path: `${scope}/cpu.stat`, unit: 'usec' },
      memory: { version: 2, current: `${scope}/memory.current`, stat: `${scope}/memory.stat` },
    });
  });

  it('a process left in the root cgroup gets no files (libvirt did not place it)', () => {
    expect(resolveVmFiles(parseMountinfo(fx('v1', 'mountinfo')), parseProcCgroup('2:cpuacct:/\n4:memory:/\n0::/\n'))).toEqual({ layout: 'v1' });
  });

  it('strips emulator, vcpuN, iothreadN and the nested libvirt dir only', () => {
    expect(vmCgroupDir('/machine/qemu-1-a.libvirt-qemu/vcpu12')).toBe('/machine/qemu-1-a.libvirt-qemu');
    expect(vmCgroupDir('/machine.slice/x.scope/libvirt/iothread1')).toBe('/machine.slice/x.scope');
    expect(vmCgroupDir('/machine/emulator-vm.libvirt-qemu')).toBe('/machine/emulator-vm.libvirt-qemu');
  });

  it('honours a mount whose root is a subtree (containers) and escaped mount points', () => {
    const mounts = parseMountinfo('30 1 0:5 /lxc/h1 /sys/fs/cgroup/my\\040mem rw - cgroup cgroup rw,memory\n');
    expect(mounts).toEqual([{ root: '/lxc/h1', mountPoint: '/sys/fs/cgroup/my mem', version: 1, controllers: ['memory'] }]);
    const files = resolveVmFiles(mounts, parseProcCgroup('4:memory:/lxc/h1/machine/vm.libvirt-qemu\n'));
    expect(files.memory).toEqual({ version: 1, stat: '/sys/fs/cgroup/my mem/machine/vm.libvirt-qemu/memory.stat' });
  });

  it('parses the discovery answer, including a pidfile that was unreadable', () => {
    const out = [...fx('v1', 'mountinfo').trim().split('\n').map((l) => `M ${l}`), 'X 1', 'P 2 279', 'I 2', 'V 2 283 CPU 1/KVM', 'V 2 282 CPU 0/KVM', ...fx('v1', 'pid-cgroup').trim().split('\n').map((l) => `C 2 ${l}`)].join('\n');
    const r = parseDiscovery(out, 2);
    expect(r[0]).toEqual({ files: { layout: 'v1' }, ioReadable: false, vcpuThreads: [] });
    expect(r[1]?.pid).toBe(279);
    expect(r[1]?.ioReadable).toBe(true);
    expect(r[1]?.vcpuThreads).toEqual([{ vcpu: 0, tid: 282 }, { vcpu: 1, tid: 283 }]);
    expect(r[1]?.files.cpu?.path).toContain('qemu-1-lab1-web.libvirt-qemu/cpuacct.usage');
  });
});
