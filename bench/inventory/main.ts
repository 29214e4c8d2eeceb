// Benchmark: connect + full inventory of a lab host with 50 defined VMs over
// our one SSH connection and libvirt RPC, against the same inventory via
// `ssh host virsh list --all` (baseline), in the same run.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { EventBus } from '../../src/main/ipc/bus';
import { HostRegistry } from '../../src/main/hosts/registry';
import { MemorySecretStore } from '../../src/main/hosts/secrets';
import { DomainInventory } from '../../src/main/libvirt/domain-inventory';
import { P } from '../../src/main/libvirt/rpc/procedures/index';
import { LibvirtSessions } from '../../src/main/libvirt/sessions';
import { silentLogger } from '../../src/main/util/log';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lab = JSON.parse(readFileSync(path.join(ROOT, '.lab/lab.json'), 'utf8'));
const host = lab.hosts[0];
const VMS = 50;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: q(0.5), p95: q(0.95), min: s[0]!, n: s.length };
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function connectOnce(dir: string) {
  const bus = new EventBus();
  const hosts = new HostRegistry({
    configDir: dir,
    sshConfigPath: path.join(dir, 'none'),
    knownHostsPaths: [lab.ssh.knownHosts],
    secretStore: new MemorySecretStore(),
    bus,
    log: silentLogger,
    localSocketPath: path.join(dir, 'no-sock'),
    home: dir,
    agent: null,
  });
  const sessions = new LibvirtSessions(silentLogger);
  const inventory = new DomainInventory(sessions, silentLogger);
  hosts.addAttachment((id, t, signal, ctx) => sessions.attach(id, t, signal, (r) => ctx.drop(r)));
  await hosts.start();
  const t0 = performance.now();
  const added = await hosts.add({ name: 'bench', target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key], jumpHosts: [], libvirtPath: 'system' }, tags: [], autoConnect: false });
  const state = await hosts.connect(added.config.id);
  if (state.status !== 'connected') throw new Error(`connect failed: ${state.reason}`);
  const connected = performance.now();
  const list = await inventory.list(added.config.id);
  const done = performance.now();
  return { hosts, sessions, inventory, hostId: added.config.id, connectMs: connected - t0, inventoryMs: done - connected, count: list.length };
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-bench-'));
  // 50 extra defined VMs, defined once over RPC (names are data, no shell).
  const first = await connectOnce(path.join(dir, 'setup'));
  const c = first.sessions.client(first.hostId);
  const xml = execFileSync('bash', [path.join(ROOT, 'e2e/lab/guest-xml.sh'), 'NAME_PLACEHOLDER']).toString();
  const defined = [];
  for (let i = 0; i < VMS; i++) defined.push(await c.call(P.DOMAIN_DEFINE_XML, { xml: xml.replaceAll('NAME_PLACEHOLDER', `bench-vm-${i}`) }));
  await first.hosts.dispose();

  try {
    const ours: { connect: number[]; inventory: number[]; count: number } = { connect: [], inventory: [], count: 0 };
    let live: Awaited<ReturnType<typeof connectOnce>> | undefined;
    for (let i = 0; i < 5; i++) {
      const r = await connectOnce(path.join(dir, `run${i}`));
      ours.connect.push(r.connectMs);
      ours.inventory.push(r.inventoryMs);
      ours.count = r.count;
      if (live) await live.hosts.dispose();
      live = r;
    }
    // Warm inventory (definitions cached, as after the first list) and raw RPC latency.
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) {
      live!.inventory.forgetHost(live!.hostId);
      const t = performance.now();
      await live!.inventory.list(live!.hostId);
      warm.push(performance.now() - t);
    }
    const rpc = live!.sessions.client(live!.hostId);
    const lat: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await rpc.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
      lat.push(performance.now() - t);
    }
    const t100 = performance.now();
    await Promise.all(Array.from({ length: 100 }, () => rpc.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 })));
    const pipelined = performance.now() - t100;
    // The same answer through exec on our existing connection (no new SSH session).
    const t = live!.hosts.transport(live!.hostId);
    const execLat: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      await t.exec(['virsh', 'list', '--all']);
      execLat.push(performance.now() - s);
    }
    await live!.hosts.dispose();

    // Baseline: what scripts and many tools do: a fresh `ssh host virsh list --all`.
    const base: number[] = [];
    let baseCount = 0;
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      const { stdout } = await run('ssh', ['-F', lab.ssh.config, `root@${host.ip}`, 'virsh', 'list', '--all']);
      base.push(performance.now() - s);
      baseCount = stdout.split('\n').filter((l) => /^\s*(\d+|-)\s+\S/.test(l)).length;
    }

    const o = stats(ours.inventory.map((x, i) => x + ours.connect[i]!));
    const b = stats(base);
    const result = {
      host: host.name,
      domains: ours.count,
      baselineDomains: baseCount,
      connectPlusInventory: o,
      connect: stats(ours.connect),
      coldInventory: stats(ours.inventory),
      warmInventoryListOnly: stats(warm),
      rpcListAllDomains: stats(lat),
      rpc100Pipelined: pipelined,
      execVirshListOnOurConnection: stats(execLat),
      baselineFreshSshVirshList: b,
    };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/inventory.json'), JSON.stringify(result, null, 2));
    console.log(`host ${host.name}, ${ours.count} domains (baseline saw ${baseCount})`);
    console.log(`  connect (ssh + libvirt open), median      ${ms(result.connect.median)}`);
    console.log(`  full inventory after connect, median      ${ms(result.coldInventory.median)}  (state, vCPU, memory, tags, IPs)`);
    console.log(`  re-list with XML re-read, median           ${ms(result.warmInventoryListOnly.median)}`);
    console.log(`  RPC LIST_ALL_DOMAINS latency               median ${ms(result.rpcListAllDomains.median)}, p95 ${ms(result.rpcListAllDomains.p95)}`);
    console.log(`  100 pipelined RPC calls                    ${ms(pipelined)}`);
    console.log(`  exec virsh list on our connection, median  ${ms(result.execVirshListOnOurConnection.median)}`);
    console.log(`  BASELINE fresh ssh virsh list --all        median ${ms(b.median)}, p95 ${ms(b.p95)}`);
    console.log(`  ratio baseline / (connect + inventory)     ${(b.median / o.median).toFixed(1)}x`);
    console.log(`  ratio baseline / RPC list call             ${(b.median / result.rpcListAllDomains.median).toFixed(0)}x`);
  } finally {
    const again = await connectOnce(path.join(dir, 'cleanup'));
    const cc = again.sessions.client(again.hostId);
    for (const d of defined) await cc.call(P.DOMAIN_UNDEFINE, { dom: d }).catch(() => {});
    await again.hosts.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
