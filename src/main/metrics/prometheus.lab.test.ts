// `virtdeck serve --metrics` against lab-1: GET /metrics with real samples of
// a guest of our own while it works (CPU, disk writes, network), read by a
// real parser of the text format and linted by Prometheus' own promtool.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, waitForLab, type Lab } from '../hosts/lab-harness';
import { P } from '../libvirt/rpc/procedures/index';
import type { RpcStream } from '../libvirt/rpc/stream';
import type { DomainRef } from '../libvirt/rpc/types';
import { serve, type Served } from '../serve';
import { silentLogger } from '../util/log';

const run = promisify(execFile);
let lab: Lab;
let served: Served;
let dir: string;
let hostId: string;
let guest: DomainRef | undefined;
let console_: RpcStream | undefined;
const NAME = `vd-prom "lab" ${process.pid}`;
const DISK = `/var/lib/libvirt/images/vd-prom-${process.pid}.qcow2`;

async function scrape(): Promise<{ text: string; families: ParsedFamily[]; type: string | null }> {
  const r = await fetch(`http://127.0.0.1:${served.port}/metrics`, { headers: { authorization: `Bearer ${served.scrapeToken}` } });
  expect(r.status).toBe(200);
  const text = await r.text();
  return { text, families: parsePrometheusTextFormat(text), type: r.headers.get('content-type') };
}

/** The value of a family's sample for our guest (optionally one device or vCPU). */
function ours(families: ParsedFamily[], name: string, extra: Record<string, string> = {}): number | undefined {
  const m = families.find((f) => f.name === name)?.metrics.find((x) => x.labels?.uuid === guest?.uuid && Object.entries(extra).every(([k, v]) => x.labels?.[k] === v));
  return m ? Number(m.value) : undefined;
}

/** Scrapes until `pred` holds (the service samples every VM every 10 s): waits on state, never a fixed time. */
async function scrapeUntil(pred: (f: ParsedFamily[]) => boolean, what: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await scrape();
    if (pred(s.families)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last scrape:\n${s.text.split('\n').filter((l) => l.includes(guest?.uuid ?? '-')).join('\n')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function promtool(text: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', (e) => reject(new Error(`promtool is needed for this test (.ci/run installs it): ${e.message}`)));
    p.on('close', (code) => resolve({ code, out }));
    p.stdin.end(text);
  });
}

beforeAll(async () => {
  lab = await waitForLab();
  const h1 = lab.hosts[0]!;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-prom-lab-'));
  served = await serve({
    host: '127.0.0.1',
    port: 0,
    configDir: path.join(dir, 'config'),
    staticDir: dir,
    log: silentLogger,
    metricsEndpoint: true,
    ssh: { knownHostsPaths: [lab.ssh.knownHosts], configPath: path.join(dir, 'no-ssh-config') },
  });
  const added = await served.core.hosts.add({ name: 'prom', target: { transport: 'ssh', hostname: h1.ip, user: 'root', identityFiles: [lab.ssh.key] }, autoConnect: false });
  hostId = added.config.id;
  expect((await served.core.hosts.connect(hostId)).status).toBe('connected');
  // A guest of our own with a scratch disk (shared lab guests may be busy with other tests).
  const t = served.core.hosts.transport(hostId);
  const img = await t.exec(['qemu-img', 'create', '-f', 'qcow2', DISK, '64M']);
  expect(img.code).toBe(0);
  const xml = (await run('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), NAME, DISK])).stdout;
  const c = served.core.sessions.client(hostId);
  const dom = await c.call(P.DOMAIN_DEFINE_XML, { xml });
  await c.call(P.DOMAIN_CREATE, { dom });
  // Transient from here on: destroying it leaves nothing defined behind.
  await c.call(P.DOMAIN_UNDEFINE, { dom });
  guest = dom;
  await run('bash', [path.join(REPO, 'e2e/lab/lab.sh'), 'wait-guest', h1.name, NAME, '90']);
}, 180_000);

afterAll(async () => {
  console_?.end();
  if (guest && hostId) await served.core.sessions.client(hostId).call(P.DOMAIN_DESTROY, { dom: guest }).catch(() => undefined);
  if (hostId) await served.core.hosts.transport(hostId).exec(['rm', '-f', DISK]).catch(() => undefined);
  await served?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('Prometheus endpoint with a working lab guest', () => {
  it('exports counters that move as the guest works, parsed and linted by real tools', async () => {
    const first = await scrapeUntil((f) => ours(f, 'virtdeck_domain_cpu_time_seconds_total') !== undefined && ours(f, 'virtdeck_domain_host_storage_write_bytes_total') !== undefined, 'our guest in the export');
    expect(first.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const cpu0 = ours(first.families, 'virtdeck_domain_cpu_time_seconds_total')!;
    const vcpu0 = ours(first.families, 'virtdeck_domain_vcpu_time_seconds_total', { vcpu: '0' })!;
    const wr0 = ours(first.families, 'virtdeck_domain_host_storage_write_bytes_total')!;
    const tapDev = first.families.find((f) => f.name === 'virtdeck_domain_interface_stats_transmit_bytes_total')?.metrics.find((m) => m.labels?.uuid === guest!.uuid)?.labels?.target_device;
    expect(tapDev).toMatch(/^vnet\d+$/);
    const tx0 = ours(first.families, 'virtdeck_domain_interface_stats_transmit_bytes_total', { target_device: tapDev! })!;

    // Work: 16 MiB written to the guest's disk, packets out of its NIC, a CPU burner.
    const c = served.core.sessions.client(hostId);
    console_ = await c.openStream(P.DOMAIN_OPEN_CONSOLE, { dom: guest!, dev_name: null, flags: 1 /* FORCE */ });
    console_.on('data', () => undefined);
    console_.on('error', () => undefined);
    const gateway = (lab.hosts[0] as unknown as { network: { subnet: string } }).network.subnet.replace(/\.0\/\d+$/, '.1');
    console_.write(`\rdd if=/dev/urandom of=/dev/vda bs=64k count=256; sync; ping -c 5 -W 1 ${gateway}; while :; do :; done &\r`);

    const moved = await scrapeUntil(
      (f) =>
        (ours(f, 'virtdeck_domain_cpu_time_seconds_total') ?? 0) > cpu0 + 1 &&
        (ours(f, 'virtdeck_domain_host_storage_write_bytes_total') ?? 0) >= wr0 + 8 * 2 ** 20 &&
        (ours(f, 'virtdeck_domain_interface_stats_transmit_bytes_total', { target_device: tapDev! }) ?? 0) > tx0,
      'CPU, disk and network counters to move',
    );
    const f = moved.families;
    console.log(
      `cpu ${cpu0.toFixed(2)} -> ${ours(f, 'virtdeck_domain_cpu_time_seconds_total')!.toFixed(2)} s; ` +
        `host storage written ${wr0} -> ${ours(f, 'virtdeck_domain_host_storage_write_bytes_total')} B; tx ${tx0} -> ${ours(f, 'virtdeck_domain_interface_stats_transmit_bytes_total', { target_device: tapDev! })} B`,
    );
    expect(ours(f, 'virtdeck_domain_vcpu_time_seconds_total', { vcpu: '0' })!).toBeGreaterThan(vcpu0);
    expect(ours(f, 'virtdeck_domain_memory_usage_bytes')!).toBeGreaterThan(32 * 2 ** 20);
    expect(ours(f, 'virtdeck_domain_virtual_cpus')).toBe(1);
    // The domain label is the VM's name exactly, quotes and all.
    expect(f.find((x) => x.name === 'virtdeck_domain_cpu_time_seconds_total')!.metrics.find((m) => m.labels?.uuid === guest!.uuid)!.labels!.domain).toBe(NAME);
    // The host's own counters, too.
    expect(f.find((x) => x.name === 'virtdeck_host_cpu_seconds_total')!.metrics.filter((m) => m.labels?.host === hostId).map((m) => m.labels?.mode)).toContain('idle');
    for (const fam of f) for (const m of fam.metrics) expect(m.timestamp_ms).toBeUndefined();

    const lint = await promtool(moved.text);
    expect(lint.out).toBe('');
    expect(lint.code).toBe(0);
  }, 200_000);
});
