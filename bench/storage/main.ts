// Benchmark: volume uploads over the host's one SSH connection.
//  1. Throughput of a 1 GiB upload from a local file, as the desktop app does
//     it (our bulk session: virt-ssh-helper channel, libvirt stream, SHA-256
//     and zero detection on the way) beside two BASELINES for the same file
//     over the same link: `ssh host 'cat > file'`, and libvirt's own client
//     (`virsh vol-upload` over qemu+ssh: OpenSSH -> virt-ssh-helper ->
//     libvirtd, the server path we use too). CPU seconds per GiB of every
//     program on both ends say where the time goes.
//  2. A 4 GiB raw image holding 200 MiB of data: bytes sent and time of our
//     sparse upload beside the BASELINE full copy with `ssh cat`.
//  3. The host stays responsive: libvirt event latency and serial-console echo
//     (both on the shared channel) on an idle host, and again while 1 GiB
//     uploads run on the bulk session (sampling from 0.5 s into each).
import { ssh2Crypto } from './ssh2-as-shipped';
import { execFileSync, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { chmodSync, closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus } from '../../src/main/ipc/bus';
import { HostRegistry } from '../../src/main/hosts/registry';
import { MemorySecretStore } from '../../src/main/hosts/secrets';
import type { RpcClient } from '../../src/main/libvirt/rpc/client';
import { P } from '../../src/main/libvirt/rpc/procedures/index';
import type { RpcStream } from '../../src/main/libvirt/rpc/stream';
import type { StorageVolRef } from '../../src/main/libvirt/rpc/types';
import { LibvirtSessions } from '../../src/main/libvirt/sessions';
import { FileChunks } from '../../src/main/storage/file-chunks';
import { uploadVolume, type TransferResult } from '../../src/main/storage/transfer';
import { buildVolumeXml } from '../../src/shared/libvirt/storage-xml';
import { silentLogger } from '../../src/main/util/log';
import { cpuDuring, cpuLine, cpuTotal } from './cpu';
import { negotiatedCiphers } from './ciphers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lab = JSON.parse(readFileSync(path.join(ROOT, '.lab/lab.json'), 'utf8'));
const host = lab.hosts[0];
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const IMAGES = '/var/lib/libvirt/images';
const SAMPLES = 60;
const ROUNDS = 2;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1]!, n: s.length };
};
const mbps = (bytes: number, seconds: number) => bytes / MiB / seconds;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inHost = (...argv: string[]) => execFileSync('bash', [path.join(ROOT, 'e2e/lab/lab.sh'), 'in', host.name, '--', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] }).toString();

/** A file of `size` bytes: incompressible data in the 1 MiB blocks `data(i)` picks, holes elsewhere. */
function makeFile(file: string, size: number, data: (mib: number) => boolean): void {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < size / MiB; i++) {
    if (!data(i)) continue;
    randomFillSync(block);
    writeSync(fd, block, 0, MiB, i * MiB);
  }
  ftruncateSync(fd, size);
  closeSync(fd);
}

/** Seconds a command takes. */
function timed(cmd: string, args: string[], stdin: number | 'ignore'): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [stdin, 'ignore', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

/** `ssh host 'cat > path' < file`, as an admin would copy it; seconds. */
async function sshCat(file: string, remote: string): Promise<number> {
  const fd = openSync(file, 'r');
  try {
    return await timed('ssh', ['-F', lab.ssh.config, host.name, `cat > '${remote}'`], fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * libvirt's own client: `virsh vol-upload` over qemu+ssh, which runs OpenSSH
 * (here through a wrapper adding the lab's ssh_config: its key and strict
 * known_hosts) and virt-ssh-helper on the host, as we do; seconds.
 */
function virshUpload(sshWrapper: string, vol: string, file: string): Promise<number> {
  const uri = `qemu+ssh://root@${host.ip}/system?command=${encodeURIComponent(sshWrapper)}`;
  return timed('virsh', ['-q', '-c', uri, 'vol-upload', '--pool', 'default', '--', vol, file], 'ignore');
}

async function newVolume(c: RpcClient, name: string, size: number): Promise<StorageVolRef> {
  const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: 'default' });
  return c.call(P.STORAGE_VOL_CREATE_XML, { pool, xml: buildVolumeXml({ name, capacity: size, allocation: 0, format: 'raw' }), flags: 0 });
}

/** Time from a definition change to its libvirt event on the shared channel (metadata change on a shut-off guest). */
async function eventLatency(c: RpcClient, dom: { name: string; uuid: string; id: number }, n: number, until?: () => boolean): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n && (until ? !until() : true); i++) {
    const t0 = performance.now();
    const seen = new Promise<void>((resolve) => {
      const off = c.onEvent('domainMetadataChange', (ev) => {
        if (ev.dom.uuid !== dom.uuid) return;
        off();
        resolve();
      });
    });
    await c.call(P.DOMAIN_SET_METADATA, { dom, type: 0, metadata: `bench ${i} ${Date.now()}`, key: null, uri: null, flags: 2 /* CONFIG */ });
    await seen;
    out.push(performance.now() - t0);
    await sleep(20);
  }
  return out;
}

/** One key to the guest's serial console and its echo back (the tty echoes what is typed). */
async function consoleEcho(stream: RpcStream, n: number, until?: () => boolean): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n && (until ? !until() : true); i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const on = (d: Buffer) => {
        if (!d.toString('latin1').includes(key)) return;
        stream.off('data', on);
        resolve();
      };
      stream.on('data', on);
      stream.write(key);
    });
    out.push(performance.now() - t0);
    if (i % 40 === 39) stream.write('\x15'); // Ctrl-U: keep the shell's line short
    await sleep(20);
  }
  stream.write('\x15');
  return out;
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-bench-storage-'));
  const hosts = new HostRegistry({ configDir: dir, sshConfigPath: path.join(dir, 'none'), knownHostsPaths: [lab.ssh.knownHosts], secretStore: new MemorySecretStore(), bus: new EventBus(), log: silentLogger, localSocketPath: path.join(dir, 'no-sock'), home: dir, agent: null });
  const sessions = new LibvirtSessions(silentLogger);
  hosts.addAttachment((id, t, signal, ctx) => sessions.attach(id, t, signal, (r) => ctx.drop(r)));
  await hosts.start();
  const added = await hosts.add({ name: 'bench-storage', target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key], jumpHosts: [], libvirtPath: 'system' }, tags: [], autoConnect: false });
  const hostId = added.config.id;
  if ((await hosts.connect(hostId)).status !== 'connected') throw new Error('connect failed');
  const c = sessions.client(hostId);
  await c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: 23, dom: null });
  const made: StorageVolRef[] = [];
  const remoteFiles: string[] = [];
  const stamp = Date.now().toString(36);
  const upload = async (file: string, size: number, name: string, sparse = true): Promise<TransferResult> => {
    const vol = await newVolume(c, name, size);
    made.push(vol);
    return uploadVolume({ sessions, hostId, vol, size, source: new FileChunks(file), sparse, signal: new AbortController().signal });
  };
  const sshWrapper = path.join(dir, 'ssh');
  writeFileSync(sshWrapper, `#!/bin/sh\nexec ssh -F '${lab.ssh.config}' "$@"\n`);
  chmodSync(sshWrapper, 0o755);
  const load = { start: os.loadavg(), end: [] as number[] };
  try {
    const ciphers = await negotiatedCiphers(host, lab.ssh.key, lab.ssh.config);
    // 1. Throughput: 1 GiB of random data (no holes, no compression wins).
    const dense = path.join(dir, 'dense.img');
    makeFile(dense, GiB, () => true);
    execFileSync('cat', [dense], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache for all
    type Run = { mibps: number; cpu: Record<string, number> };
    const rounds: Array<{ ours: Run; ssh: Run; virsh: Run }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      const remote = `${IMAGES}/vd-bench-cat-${stamp}-${r}.img`;
      remoteFiles.push(remote);
      const ssh = await cpuDuring(host.pid, () => sshCat(dense, remote));
      const virshVol = `vd-bench-virsh-${stamp}-${r}.img`;
      made.push(await newVolume(c, virshVol, GiB));
      const virsh = await cpuDuring(host.pid, () => virshUpload(sshWrapper, virshVol, dense));
      const ours = await cpuDuring(host.pid, () => upload(dense, GiB, `vd-bench-up-${stamp}-${r}.img`));
      rounds.push({ ours: { mibps: mbps(GiB, ours.result.seconds), cpu: ours.cpu }, ssh: { mibps: mbps(GiB, ssh.result), cpu: ssh.cpu }, virsh: { mibps: mbps(GiB, virsh.result), cpu: virsh.cpu } });
    }
    // Best of the rounds for each: on a shared machine the slow round says more about the neighbours.
    const best = (k: 'ours' | 'ssh' | 'virsh') => rounds.map((x) => x[k]).reduce((a, b) => (b.mibps > a.mibps ? b : a));
    const [ours, ssh, virsh] = [best('ours'), best('ssh'), best('virsh')];

    // 2. Sparse: 4 GiB image, 200 MiB of data in 10 runs of 20 MiB.
    const sparseFile = path.join(dir, 'sparse.img');
    makeFile(sparseFile, 4 * GiB, (i) => i % 400 < 20 && i < 4000);
    const sparseUp = await upload(sparseFile, 4 * GiB, `vd-bench-sparse-${stamp}.img`);
    const fullRemote = `${IMAGES}/vd-bench-full-${stamp}.img`;
    remoteFiles.push(fullRemote);
    const fullSeconds = await sshCat(sparseFile, fullRemote);

    // 3. Responsiveness: idle, then during 1 GiB uploads on the bulk session.
    // The metadata change behind each event is saved to the domain XML, which
    // libvirt fsyncs: let the host write back what the phases above left dirty
    // (4 GiB of ssh cat) first, or that write-back is what gets measured.
    inHost('sync');
    const doms = await c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
    const off = doms.domains.find((d) => d.name === `${host.name.replace('lab-', 'lab')}-off`) ?? doms.domains.find((d) => d.id < 0)!;
    const web = doms.domains.find((d) => d.name === `${host.name.replace('lab-', 'lab')}-web`) ?? doms.domains.find((d) => d.id >= 0)!;
    const stream = await c.openStream(P.DOMAIN_OPEN_CONSOLE, { dom: web, dev_name: null, flags: 1 });
    stream.on('data', () => undefined);
    stream.write('\x15');
    await sleep(300);
    const idle = { event: await eventLatency(c, off, SAMPLES), echo: await consoleEcho(stream, SAMPLES) };
    // As many 1 GiB uploads as it takes to get as many samples as idle (a fast
    // upload is over in a few seconds: a p95 of 50 samples is mostly noise).
    const busy = { event: [] as number[], echo: [] as number[], mibps: [] as number[] };
    for (let u = 0; u < 4 && (u === 0 || busy.event.length < SAMPLES || busy.echo.length < SAMPLES); u++) {
      let done = false;
      const busyUpload = upload(dense, GiB, `vd-bench-busy-${stamp}-${u}.img`).finally(() => (done = true));
      await sleep(500); // the upload is streaming
      while (!done) {
        busy.event.push(...(await eventLatency(c, off, 5, () => done)));
        busy.echo.push(...(await consoleEcho(stream, 5, () => done)));
      }
      busy.mibps.push(mbps(GiB, (await busyUpload).seconds));
    }
    stream.destroy();

    load.end = os.loadavg();
    const result = {
      host: host.name,
      loadAverage: load,
      ssh2Crypto: ssh2Crypto(),
      ciphers,
      throughputMiBps: {
        upload: ours.mibps,
        baselineSshCat: ssh.mibps,
        baselineVirsh: virsh.mibps,
        ratio: ours.mibps / ssh.mibps,
        ratioToVirsh: ours.mibps / virsh.mibps,
        rounds: rounds.map((x) => ({ ours: x.ours.mibps, ssh: x.ssh.mibps, virsh: x.virsh.mibps })),
      },
      // Of the best round of each: every program on both ends.
      cpuSecondsPerGiB: { upload: ours.cpu, baselineSshCat: ssh.cpu, baselineVirsh: virsh.cpu },
      sparse4GiB: {
        dataMiB: 200,
        upload: { seconds: sparseUp.seconds, bytesSent: sparseUp.bytesSent, holeBytes: sparseUp.holeBytes },
        baselineFullCopy: { seconds: fullSeconds, bytesSent: 4 * GiB },
      },
      responsivenessMs: {
        idle: { eventLatency: stats(idle.event), consoleEcho: stats(idle.echo) },
        during1GiBUpload: { eventLatency: stats(busy.event), consoleEcho: stats(busy.echo), uploads: busy.mibps.length, uploadMiBps: stats(busy.mibps).median },
      },
    };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/storage.json'), JSON.stringify(result, null, 2));
    const f = (x: number) => `${x.toFixed(1)} ms`;
    const r = result.responsivenessMs;
    const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
    const cpuRow = (what: string, cpu: Record<string, number>) => `     ${what.padEnd(18)}${cpuTotal(cpu).toFixed(1).padStart(5)} s: ${cpuLine(cpu, 1)}`;
    console.log(`host ${host.name}: uploads on a bulk session over the host's one SSH connection`);
    console.log(`  load average ${la(load.start)} at the start, ${la(load.end)} at the end (2 cores shared); ssh2 crypto: ${result.ssh2Crypto}`);
    console.log(`  1 GiB upload (best of ${rounds.length})      ${ours.mibps.toFixed(1)} MiB/s, BASELINE ssh cat ${ssh.mibps.toFixed(1)} MiB/s (${pct(result.throughputMiBps.ratio)}, goal >= 90%)`);
    console.log(`                                    BASELINE virsh vol-upload (libvirt's client, same server path) ${virsh.mibps.toFixed(1)} MiB/s (${pct(result.throughputMiBps.ratioToVirsh)})`);
    console.log(`     ciphers: ours ${ciphers.ssh2} (ssh2), ssh cat and virsh ${ciphers.openssh} (OpenSSH's choice)`);
    console.log(`     CPU seconds per GiB, both ends:`);
    console.log(cpuRow('upload', ours.cpu));
    console.log(cpuRow('ssh cat', ssh.cpu));
    console.log(cpuRow('virsh vol-upload', virsh.cpu));
    console.log(`  4 GiB raw, 200 MiB data           sparse upload ${(sparseUp.bytesSent / MiB).toFixed(0)} MiB sent in ${sparseUp.seconds.toFixed(1)} s, BASELINE full copy (ssh cat) 4096 MiB in ${fullSeconds.toFixed(1)} s`);
    console.log(`  event latency  idle  median ${f(r.idle.eventLatency.median)}, p95 ${f(r.idle.eventLatency.p95)} (n=${r.idle.eventLatency.n})`);
    console.log(`                 during 1 GiB uploads   median ${f(r.during1GiBUpload.eventLatency.median)}, p95 ${f(r.during1GiBUpload.eventLatency.p95)} (n=${r.during1GiBUpload.eventLatency.n})`);
    console.log(`  console echo   idle  median ${f(r.idle.consoleEcho.median)}, p95 ${f(r.idle.consoleEcho.p95)} (n=${r.idle.consoleEcho.n})`);
    console.log(`                 during 1 GiB uploads   median ${f(r.during1GiBUpload.consoleEcho.median)}, p95 ${f(r.during1GiBUpload.consoleEcho.p95)} (n=${r.during1GiBUpload.consoleEcho.n}; ${r.during1GiBUpload.uploads} uploads, median ${r.during1GiBUpload.uploadMiBps.toFixed(1)} MiB/s)`);
  } finally {
    for (const vol of made) await c.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 }).catch(() => undefined);
    if (remoteFiles.length) inHost('rm', '-f', ...remoteFiles);
    await hosts.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
