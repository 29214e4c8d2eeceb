// Benchmark: host-side CPU of our metrics sampling against a `virsh domstats`
// loop at the same 1 Hz, in the same run on the same lab host with the same
// VMs, and the 1% line (36 s of one core per hour) it must stay under;
// client-side CPU and memory; and the history store's disk and memory
// footprint for 300 VMs under a synthetic load.
// Host CPU counts every process that works because we sample (see
// host-cpu.ts): the sampler, the sshd session, virt-ssh-helper, libvirtd and
// the VMs' QEMU, each minus what it burns idle over the same time.
// Bench VMs are KVM domains started paused: the same QEMU process, cgroups,
// tap and disk as a running guest (so sampling costs the same) without
// burning the lab's 2 CPUs on 100 guests.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus } from '../../src/main/ipc/bus';
import { HostRegistry } from '../../src/main/hosts/registry';
import { MemorySecretStore } from '../../src/main/hosts/secrets';
import { P } from '../../src/main/libvirt/rpc/procedures/index';
import { LibvirtSessions } from '../../src/main/libvirt/sessions';
import { LIBVIRT_STATS_EVERY_S } from '../../src/main/metrics/host-sampler';
import { MetricsService } from '../../src/main/metrics/service';
import { DisposableStore } from '../../src/main/util/disposable';
import { createLogger } from '../../src/main/util/log';
import { beyondIdle, cpuByRole, findProcesses, minus, procCpu, ROLES, type Role } from './host-cpu';
import { storeFootprint } from './store-footprint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lab = JSON.parse(readFileSync(path.join(ROOT, '.lab/lab.json'), 'utf8'));
// lab-2: the specs mostly use lab-1, and a hundred extra VMs should not slow their host.
const host = lab.hosts[1] ?? lab.hosts[0];
const N = Number(process.env.BENCH_VMS ?? 100);
// Whole multiples of the libvirt stats period, so the phase carries its fair share of those calls.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2 * LIBVIRT_STATS_EVERY_S);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const ONE_PERCENT_S = 36; // 1% of one core for an hour
const BEFORE_S = 499; // issue #8: one GET_ALL_DOMAIN_STATS per tick, sh loop reading with `read`
const PREFIX = 'bench-mx-';
// Warnings (a dropped connection, a failed tick) go to stderr with timestamps.
const log = createLogger('bench', (process.env.VIRTDECK_LOG as 'warn') ?? 'warn');
const IMG = (i: number) => `/var/lib/libvirt/images/${PREFIX}${i}.img`;

// KVM like real hosts; TCG if /dev/kvm is missing.
let virtType: 'kvm' | 'qemu' = 'kvm';
const vmXml = (i: number) => `<domain type='${virtType}'><name>${PREFIX}${i}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${IMG(i)}'/><target dev='vda' bus='virtio'/></disk>
<interface type='network'><source network='default'/><model type='virtio'/></interface><memballoon model='none'/></devices></domain>`;

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for the next whole second (the 1 Hz tick itself). */
const nextSecond = () => sleep(1000 - (Date.now() % 1000));

async function runOnce(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-bench-mx-'));
  const bus = new EventBus();
  const hosts = new HostRegistry({ configDir: dir, sshConfigPath: path.join(dir, 'none'), knownHostsPaths: [lab.ssh.knownHosts], secretStore: new MemorySecretStore(), bus, log: log, localSocketPath: path.join(dir, 'no-sock'), home: dir, agent: null });
  const sessions = new LibvirtSessions(log);
  // No background clock ticks: the bench drives every tick itself.
  const metrics = new MetricsService({ configDir: dir, bus, log: log, backgroundEveryS: 1e9 });
  sessions.addHook(metrics.sessionHook);
  hosts.addAttachment((id, t, signal, ctx) => sessions.attach(id, t, signal, (r) => ctx.drop(r)));
  await hosts.start();
  const added = await hosts.add({ name: 'bench', target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key], jumpHosts: [], libvirtPath: 'system' }, tags: [], autoConnect: false });
  const hostId = added.config.id;
  const st = await hosts.connect(hostId);
  if (st.status !== 'connected') throw new Error(`connect failed: ${JSON.stringify(st)}`);
  const t = hosts.transport(hostId);
  const c = sessions.client(hostId);

  const cleanup = async () => {
    const { domains } = await c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
    await pool(domains.filter((d) => d.name.startsWith(PREFIX)), 8, async (dom) => {
      await c.call(P.DOMAIN_DESTROY_FLAGS, { dom, flags: 0 }).catch(() => undefined);
      await c.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 }).catch(() => undefined);
    });
    await t.exec(['sh', '-c', `rm -f /var/lib/libvirt/images/${PREFIX}*.img`]);
  };
  await cleanup();
  try {
    const t0 = performance.now();
    await t.exec(['sh', '-c', 'i=0; while [ $i -lt "$1" ]; do truncate -s 1M "/var/lib/libvirt/images/bench-mx-$i.img"; i=$((i+1)); done', 'sh', String(N)]);
    let first = await c.call(P.DOMAIN_DEFINE_XML, { xml: vmXml(0) });
    try {
      await c.call(P.DOMAIN_CREATE_WITH_FLAGS, { dom: first, flags: 1 /* START_PAUSED */ });
    } catch (e) {
      console.log(`KVM domains do not start here (${String(e).split('\n')[0]}); bench VMs use TCG`);
      virtType = 'qemu';
      await c.call(P.DOMAIN_UNDEFINE, { dom: first });
      first = await c.call(P.DOMAIN_DEFINE_XML, { xml: vmXml(0) });
      await c.call(P.DOMAIN_CREATE_WITH_FLAGS, { dom: first, flags: 1 });
    }
    await c.call(P.DOMAIN_UNDEFINE, { dom: first });
    await pool([...Array(N).keys()].slice(1), 3, async (i) => {
      const dom = await c.call(P.DOMAIN_DEFINE_XML, { xml: vmXml(i) });
      await c.call(P.DOMAIN_CREATE_WITH_FLAGS, { dom, flags: 1 /* START_PAUSED */ });
      // Transient from here on: nothing is left behind if the lab restarts mid-run.
      await c.call(P.DOMAIN_UNDEFINE, { dom });
    });
    const sampler = metrics.sampler(hostId)!;
    await sampler.relist();
    const vms = sampler.runningCount;
    console.log(`setup: ${N} paused ${virtType === 'kvm' ? 'KVM' : 'TCG'} VMs in ${((performance.now() - t0) / 1000).toFixed(1)} s; sampling ${vms} running VMs`);
    // Warm: rates need a previous reading, and this tick makes the first libvirt stats call, so the
    // phase below starts a fresh LIBVIRT_STATS_EVERY_S period.
    await metrics.sampleNow(hostId, true);
    const who = await findProcesses(t, (await sampler.remotePid())!, PREFIX);
    const libvirtd = who.libvirtd[0]!;

    // --- idle: the same processes with nobody sampling, to subtract what they burn anyway
    const idle0 = await cpuByRole(t, who);
    await sleep(IDLE_SECONDS * 1000);
    const idle = minus(await cpuByRole(t, who), idle0);

    // --- ours: every VM at 1 Hz
    const before = await cpuByRole(t, who);
    const calls0 = sampler.libvirtStatsCalls;
    const cpu0 = process.cpuUsage();
    const mem0 = process.memoryUsage();
    let ticks = 0;
    const wall: number[] = [];
    await nextSecond();
    for (let i = 0; i < SECONDS; i++) {
      const a = performance.now();
      const s = await metrics.sampleNow(hostId, true);
      if (s && s.vms.length >= vms) ticks++;
      wall.push(performance.now() - a);
      await nextSecond();
    }
    const cpu1 = process.cpuUsage(cpu0);
    const mem1 = process.memoryUsage();
    const ours = beyondIdle(minus(await cpuByRole(t, who), before), SECONDS, idle, IDLE_SECONDS);
    const libvirtCalls = sampler.libvirtStatsCalls - calls0;
    log.warn(`ours done: ${ticks} ticks, ${libvirtCalls} libvirt stats calls`);

    // --- ours as used: 5 VMs on screen (1 s) and the rest in the background (10 s), the service's own clock
    const win = { connectionId: 'bench', disposables: new DisposableStore() };
    const watchedVms = (await metrics.sampleNow(hostId, true))!.vms.slice(0, 5);
    metrics.subscribe(win, watchedVms.map((v) => ({ kind: 'vm' as const, hostId, uuid: v.uuid })));
    const used0 = await cpuByRole(t, who);
    metrics.backgroundEveryS = 10;
    await sleep(SECONDS * 1000); // the service's clock runs on its own meanwhile
    metrics.backgroundEveryS = 1e9;
    win.disposables.dispose();
    const asUsed = beyondIdle(minus(await cpuByRole(t, who), used0), SECONDS, idle, IDLE_SECONDS);

    // --- baseline: a virsh domstats loop at 1 Hz, same VMs, same run (libvirtd and QEMU answer it)
    const base0 = await cpuByRole(t, who);
    const loop = await t.exec(['sh', '-c', 'i=0; while [ $i -lt "$1" ]; do virsh -q domstats >/dev/null; i=$((i+1)); sleep 1; done; cat /proc/$$/stat', 'sh', String(SECONDS)], { timeoutMs: SECONDS * 10_000 });
    const virshS = procCpu(loop.stdout.toString().trim()).cpu;
    const baseRoles = beyondIdle(minus(await cpuByRole(t, who), base0), SECONDS, idle, IDLE_SECONDS);
    const base = { virsh: virshS, libvirtd: baseRoles.libvirtd, qemu: baseRoles.qemu };

    // Per 100 VMs per hour. `ours` ran SECONDS ticks of every VM; the others ran SECONDS of wall time.
    const per100h = (cpuS: number) => (cpuS / SECONDS) * 3600 * (100 / vms);
    const scale = (r: Record<Role, number>) => Object.fromEntries(ROLES.map((k) => [k, per100h(r[k])])) as Record<Role, number>;
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const oursH = scale(ours);
    const asUsedH = scale(asUsed);
    const baseH = { virsh: per100h(base.virsh), libvirtd: per100h(base.libvirtd), qemu: per100h(base.qemu) };
    const oursTotal = sum(oursH);
    const asUsedTotal = sum(asUsedH);
    const baseTotal = sum(baseH);
    const sortedWall = [...wall].sort((a, b) => a - b);
    const client = {
      cpuMsPerTick: (cpu1.user + cpu1.system) / 1000 / SECONDS,
      cpuSecondsPerHour: ((cpu1.user + cpu1.system) / 1e6 / SECONDS) * 3600,
      tickLatencyMedianMs: sortedWall[Math.floor(sortedWall.length / 2)]!,
      rssMiB: mem1.rss / 2 ** 20,
      heapUsedMiB: mem1.heapUsed / 2 ** 20,
      rssGrowthMiB: (mem1.rss - mem0.rss) / 2 ** 20,
    };
    const f = (x: number) => x.toFixed(1).padStart(6);
    const roles = (r: Record<Role, number>) => `sampler ${f(r.sampler)}  sshd ${f(r.sshd)}  virt-ssh-helper ${f(r.helper)}  libvirtd ${f(r.libvirtd)}  qemu ${f(r.qemu)}`;
    console.log(`host CPU seconds per hour per 100 VMs, every VM sampled at 1 Hz (${vms} VMs, ${ticks}/${SECONDS} ticks, ${libvirtCalls} libvirt stats calls; accounted: sampler, sshd, ${who.helper.length} virt-ssh-helper, libvirtd ${libvirtd}, ${who.qemu.length} QEMU):`);
    console.log(`  ours         ${roles(oursH)}   total ${f(oursTotal)}`);
    console.log(`  virsh loop   virsh ${f(baseH.virsh)}  libvirtd ${f(baseH.libvirtd)}  qemu ${f(baseH.qemu)}   total ${f(baseTotal)}   (baseline: \`virsh domstats\` every second)`);
    console.log(`  1% line      ${f(ONE_PERCENT_S)}   (1% of one core)   ours: ${oursTotal <= ONE_PERCENT_S ? 'UNDER' : 'OVER'} the line, ${(baseTotal / oursTotal).toFixed(0)}x less than the virsh loop; before this design: ${BEFORE_S}`);
    console.log(`  as used      ${roles(asUsedH)}   total ${f(asUsedTotal)}   (5 VMs watched at 1 s, the rest every 10 s)`);
    console.log(`client: ${client.cpuMsPerTick.toFixed(2)} ms CPU per tick (${client.cpuSecondsPerHour.toFixed(1)} s/h), tick latency median ${client.tickLatencyMedianMs.toFixed(0)} ms, rss ${client.rssMiB.toFixed(0)} MiB (+${client.rssGrowthMiB.toFixed(1)} during run), heap ${client.heapUsedMiB.toFixed(0)} MiB`);

    return { at: new Date().toISOString(), vms, ticks, seconds: SECONDS, idleSeconds: IDLE_SECONDS, libvirtCalls, ours: oursH, oursTotal, asUsed: asUsedH, asUsedTotal, base: baseH, baseTotal, onePercentLine: ONE_PERCENT_S, before: BEFORE_S, idle, client };
  } finally {
    await cleanup().catch((e) => console.error(`cleanup: ${String(e)}`));
    metrics.dispose();
    await hosts.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lab is shared: other suites restart sshd or whole hosts. A run that lost its host is void; try again. */
async function main() {
  let result: Record<string, unknown>;
  for (let attempt = 1; ; attempt++) {
    try {
      result = await runOnce();
      break;
    } catch (e) {
      const lost = /NOT_CONNECTED|not sampled|closed|connection lost/i.test(String((e as { error?: { code?: string } }).error?.code ?? '') + String(e));
      if (!lost || attempt >= 3) throw e;
      console.log(`attempt ${attempt}: the lab host went away mid-run (${String(e).split('\n')[0]}); starting over`);
    }
  }
  // After the host is let go: this keeps the CPU busy for a while, and a connection whose
  // keepalive can't be answered meanwhile would be dropped by libvirtd.
  const store = await storeFootprint(300);
  console.log(`store, 300 VMs: ${store.steady.diskMiB.toFixed(1)} MiB on disk, ${store.steady.memoryMiB.toFixed(1)} MiB in memory (7 d of minutes + 1 h of 10 s background samples); all 300 watched at 1 s for the last hour: ${store.watched.diskMiB.toFixed(1)} MiB disk, ${store.watched.memoryMiB.toFixed(1)} MiB memory; ${store.bytesPerTick} bytes and 1 write per host tick; 7-day query of one VM ${store.weekQueryMs.toFixed(0)} ms; an append of 300 VMs holds the event loop ${store.appendMs.p50.toFixed(1)} ms (p99 ${store.appendMs.p99.toFixed(1)}, max ${store.appendMs.max.toFixed(1)}), its file write is queued`);
  writeFileSync(path.join(ROOT, 'bench/results/metrics.json'), JSON.stringify({ ...result, store }, null, 2));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
