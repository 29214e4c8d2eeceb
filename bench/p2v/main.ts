// Benchmark: P2V disk streaming (dd over the source's SSH connection ->
// sparse upload on the target's bulk libvirt session, SHA-256 while sending)
// against the baseline `ssh source dd | ssh target dd` of the same device, in
// the same run. Two disks on the lab's "physical" source: dense (random data,
// a loop device the bench adds to the source for the run) and sparse (the
// source's own 2 GiB disk, ~175 MiB used). Goal: >= 90% of the pipe's
// throughput when dense; far faster when sparse (holes never cross).
import { ssh2Crypto } from '../storage/ssh2-as-shipped'; // first: decides how ssh2 encrypts
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { EventBus } from '../../src/main/ipc/bus';
import { HostRegistry } from '../../src/main/hosts/registry';
import { MemorySecretStore } from '../../src/main/hosts/secrets';
import { LibvirtSessions } from '../../src/main/libvirt/sessions';
import { deviceSha256, openDeviceReader } from '../../src/main/sources/disk-reader';
import { SourceRegistry } from '../../src/main/sources/registry';
import { uploadVolume, volumeSha256OnHost } from '../../src/main/storage/transfer';
import { silentLogger } from '../../src/main/util/log';
import { createRawVolume, deleteVolume } from '../../src/main/wizards/p2v-target';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lab = JSON.parse(readFileSync(path.join(ROOT, '.lab/lab.json'), 'utf8'));
const host = lab.hosts[0];
const src = lab.source;
const DENSE_MIB = Number(process.env.BENCH_P2V_DENSE_MIB ?? 384);
const RUNS = Number(process.env.BENCH_P2V_RUNS ?? 2);
const MiB = 1 << 20;
const mibps = (bytes: number, s: number) => bytes / MiB / s;

/** The raw pipe: ssh source dd | ssh target dd, timed until both ends exit. */
async function rawPipe(device: string, size: number, target: string): Promise<number> {
  const t0 = performance.now();
  const ssh = (dest: string, cmd: string) => spawn('ssh', ['-F', lab.ssh.config, '-o', 'BatchMode=yes', dest, cmd], { stdio: ['pipe', 'pipe', 'inherit'] });
  const reader = ssh(`root@${src.name}`, `dd if=${device} bs=4M iflag=direct status=none`);
  const writer = ssh(`root@${host.name}`, `dd of=${target} bs=4M status=none`);
  reader.stdout!.pipe(writer.stdin!);
  const codes = await Promise.all([reader, writer].map((p) => new Promise<number | null>((r) => p.on('close', r))));
  if (codes.some((c) => c !== 0)) throw new Error(`raw pipe failed: ${codes.join(', ')}`);
  const secs = (performance.now() - t0) / 1000;
  const written = Number((await run('bash', [path.join(ROOT, 'e2e/lab/lab.sh'), 'in', host.name, 'stat', '-c', '%s', target])).stdout.trim());
  if (written !== size) throw new Error(`raw pipe wrote ${written} of ${size} bytes`);
  await run('bash', [path.join(ROOT, 'e2e/lab/lab.sh'), 'in', host.name, 'rm', '-f', target]);
  return secs;
}

async function main() {
  if (!src) throw new Error('no P2V source in lab.json: bash e2e/lab/lab.sh source up');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-bench-p2v-'));
  // A dense disk for the source: random data on a loop device, shown in the
  // source's /sys/block for this run only (the lab shows one disk otherwise).
  const img = path.join(dir, 'dense.img');
  await run('sh', ['-c', `head -c ${DENSE_MIB * MiB} /dev/urandom > "$1"`, 'sh', img]);
  const dense = (await run('losetup', ['--find', '--show', img])).stdout.trim();
  const nsSysBlock = ['nsenter', '-t', String(src.pid), '-m', '--'];
  await run(nsSysBlock[0]!, [...nsSysBlock.slice(1), 'ln', '-s', `../devices/virtual/block/${path.basename(dense)}`, `/sys/block/${path.basename(dense)}`]);

  const bus = new EventBus();
  const opts = { configDir: path.join(dir, 'config'), sshConfigPath: path.join(dir, 'none'), knownHostsPaths: [lab.ssh.knownHosts as string], secretStore: new MemorySecretStore(), bus, log: silentLogger, home: dir, agent: null };
  const hosts = new HostRegistry({ ...opts, localSocketPath: path.join(dir, 'no-sock') });
  const sessions = new LibvirtSessions(silentLogger);
  hosts.addAttachment((id, t, signal, ctx) => sessions.attach(id, t, signal, (r) => ctx.drop(r)));
  await hosts.start();
  const sources = new SourceRegistry({ ...opts, hosts });
  await sources.start();
  const result: Record<string, unknown> = { when: new Date().toISOString(), runs: RUNS, ssh2Crypto: ssh2Crypto(), loadAverage: os.loadavg() };
  console.log(`ssh2 crypto: ${ssh2Crypto()}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores shared)`);
  try {
    const h = await hosts.add({ name: 'bench', target: { transport: 'ssh', hostname: host.ip, user: 'root', identityFiles: [lab.ssh.key] } });
    if ((await hosts.connect(h.config.id)).status !== 'connected') throw new Error('target did not connect');
    const s = await sources.add({ name: 'bench source', target: { transport: 'ssh', hostname: src.ip, user: 'root', identityFiles: [lab.ssh.key] } });
    if ((await sources.connect(s.config.id)).status !== 'connected') throw new Error('source did not connect');
    const client = sessions.client(h.config.id);

    for (const [kind, device, size] of [
      ['dense', dense, DENSE_MIB * MiB],
      ['sparse', src.disk, src.size],
    ] as const) {
      const p2v: { secs: number; sent: number; verifySecs: number }[] = [];
      const raw: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Alternate the order so neither side always gets the warm cache.
        const order = i % 2 === 0 ? ['p2v', 'raw'] : ['raw', 'p2v'];
        for (const what of order) {
          if (what === 'raw') {
            raw.push(await rawPipe(device, size, `/var/lib/libvirt/images/vd-bench-raw-${kind}.img`));
            continue;
          }
          const signal = new AbortController().signal;
          const vol = await createRawVolume(client, h.config.id, 'default', `vd-bench-p2v-${kind}.img`, size, signal);
          try {
            const t0 = performance.now();
            const reader = await openDeviceReader(sources.transport(s.config.id), device);
            const up = await uploadVolume({ sessions, hostId: h.config.id, vol: vol.vol, size, source: reader.chunks, signal });
            await reader.finished();
            const secs = (performance.now() - t0) / 1000;
            const v0 = performance.now();
            const [a, b] = await Promise.all([deviceSha256(sources.transport(s.config.id), device), volumeSha256OnHost(hosts.transport(h.config.id), vol.path, size)]);
            if (a !== up.sha256 || b !== a) throw new Error(`${kind}: checksums differ (${a} ${up.sha256} ${b})`);
            p2v.push({ secs, sent: up.bytesSent, verifySecs: (performance.now() - v0) / 1000 });
          } finally {
            await deleteVolume(client, h.config.id, vol.vol);
          }
        }
      }
      const best = (xs: number[]) => Math.min(...xs);
      const p2vBest = best(p2v.map((x) => x.secs));
      const rawBest = best(raw);
      const line = {
        sizeMiB: size / MiB,
        sentMiB: +(p2v[0]!.sent / MiB).toFixed(1),
        p2vSecs: p2v.map((x) => +x.secs.toFixed(2)),
        rawPipeSecs: raw.map((x) => +x.toFixed(2)),
        p2vMiBps: +mibps(size, p2vBest).toFixed(1),
        rawPipeMiBps: +mibps(size, rawBest).toFixed(1),
        ratio: +(rawBest / p2vBest).toFixed(2),
        verifySecs: p2v.map((x) => +x.verifySecs.toFixed(2)),
      };
      result[kind] = line;
      console.log(
        `${kind.padEnd(6)} ${line.sizeMiB} MiB (sent ${line.sentMiB} MiB): P2V ${line.p2vMiBps} MiB/s (${line.p2vSecs.join(', ')} s) vs raw ssh|dd pipe ${line.rawPipeMiBps} MiB/s (${line.rawPipeSecs.join(', ')} s) = ${(line.ratio * 100).toFixed(0)}% of the pipe${kind === 'dense' ? ' (goal >= 90%)' : ''}; SHA-256 on both sides after: ${line.verifySecs.join(', ')} s`,
      );
    }
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/p2v.json'), JSON.stringify(result, null, 2));
  } finally {
    await sources.dispose();
    await hosts.dispose();
    await run(nsSysBlock[0]!, [...nsSysBlock.slice(1), 'rm', '-f', `/sys/block/${path.basename(dense)}`]).catch(() => undefined);
    await run('losetup', ['-d', dense]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
