import { say } from '../../shared/i18n/core-text';
import { randomUUID } from 'node:crypto';
import { AppFailure } from '../../shared/ipc/result';
import type { TaskRef } from '../../shared/model/task';
import type { SourceInventory } from '../../shared/p2v/discovery';
import { buildP2vDomainXml } from '../../shared/p2v/domain-xml';
import { requestProblems } from '../../shared/p2v/plan';
import type { P2vRequest, P2vResult, P2vTarget } from '../../shared/p2v/schema';
import type { HostRegistry } from '../hosts/registry';
import type { HostTransport } from '../hosts/transport';
import { toLibvirtFailure } from '../libvirt/errors';
import { Undefine } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import type { LibvirtSessions } from '../libvirt/sessions';
import { deviceSha256, deviceSize, freeze, openDeviceReader } from '../sources/disk-reader';
import type { SourceRegistry } from '../sources/registry';
import { uploadVolume, volumeSha256OnHost } from '../storage/transfer';
import type { TaskContext, TaskManager } from '../tasks/manager';
import { convertToQcow2, createRawVolume, deleteVolume, p2vTarget } from './p2v-target';
import { runV2vInPlace } from './p2v-v2v';

// P2V orchestration: one Task per machine, a child per disk. Each child reads
// the source's block device over the source's SSH connection (dd), sends zero
// runs as stream holes into a new volume on the target host's own bulk
// session, then compares three SHA-256s: the one computed on the source, the
// one of the bytes that crossed, and the one computed on the target host.
// Only then is the VM defined. Anything created is undone on failure/cancel.

const DEFINE_VALIDATE = 1; // VIR_DOMAIN_DEFINE_VALIDATE

export interface P2vDeps {
  tasks: TaskManager;
  sources: SourceRegistry;
  hosts: HostRegistry;
  sessions: LibvirtSessions;
}

export class P2vService {
  constructor(private readonly d: P2vDeps) {}

  getTarget(hostId: string): Promise<P2vTarget> {
    return p2vTarget(this.d.sessions.client(hostId), this.d.hosts.transport(hostId), hostId);
  }

  /**
   * Checks everything that can be checked before a byte moves (source
   * privilege, disks, pools, names, networks) and refuses with VALIDATION
   * when something is wrong; then starts the task.
   */
  async start(req: P2vRequest, user?: string): Promise<TaskRef> {
    const source = this.d.sources.get(req.sourceId);
    const src = this.d.sources.transport(req.sourceId);
    const inv = await this.d.sources.discover(req.sourceId);
    if (inv.privilege === 'none') {
      throw new AppFailure('UNAUTHORIZED', `${source.config.target.transport === 'ssh' ? source.config.target.user : 'This user'} on ${source.config.name} is neither root nor allowed "sudo -n": reading its disks needs one of them. Nothing was copied.`, {
        hostId: req.sourceId,
      });
    }
    const target = await this.getTarget(req.hostId);
    const problems = requestProblems(req, inv, target);
    if (problems.length) throw new AppFailure('VALIDATION', problems.join('\n'), { hostId: req.hostId, detail: { problems } });
    const hostName = this.d.hosts.get(req.hostId).config.name;
    return this.d.tasks.start(
      {
        kind: 'p2v.convert',
        title: say('title.p2v', { source: source.config.name, name: req.name, host: hostName }),
        hostId: req.hostId,
        target: { kind: 'source', id: req.sourceId, name: source.config.name },
        ...(user ? { user } : {}),
      },
      (ctx) => this.run(ctx, req, inv, src),
    );
  }

  private async run(ctx: TaskContext, req: P2vRequest, inv: SourceInventory, src: HostTransport): Promise<P2vResult> {
    const client = this.d.sessions.client(req.hostId);
    const host = this.d.hosts.transport(req.hostId);
    ctx.log(`Source ${inv.hostname} (${inv.os.prettyName}, ${inv.mode === 'live' ? 'running from its disks: crash-consistent copy' : 'not running from its disks'}), ${req.disks.length} disk(s)`);
    const sizes = new Map(inv.disks.map((x) => [x.path, x.size]));
    const total = req.disks.reduce((n, x) => n + (sizes.get(x.device) ?? 0), 0);
    const done: P2vResult['disks'] = [];
    const paths: { path: string; format: 'raw' | 'qcow2' }[] = [];
    let before = 0;
    for (const [i, disk] of req.disks.entries()) {
      ctx.throwIfCancelled();
      ctx.phase(say('phase.p2vDiskNofM', { n: i + 1, total: req.disks.length, device: disk.device }));
      const r = await ctx.child({ kind: 'p2v.disk', title: say('title.p2vDisk', { device: disk.device, pool: disk.pool, volume: disk.volume }), hostId: req.hostId, target: { kind: 'volume', hostId: req.hostId, id: disk.volume, name: disk.volume } }, (c) =>
        this.copyDisk(c, req, disk, src, host, inv, (p) => ctx.progress({ unit: 'bytes', done: before + p.done, total, secondary: { label: 'sent', done: p.sent } })),
      );
      before += r.size;
      done.push(r.result);
      paths.push({ path: r.result.volumePath, format: disk.format });
    }

    ctx.phase(say('phase.definingVm'));
    const uuid = randomUUID();
    const keepMacs = req.mac === 'keep';
    const xml = buildP2vDomainXml({ req, uuid, disks: paths, nics: inv.nics.map((n) => (keepMacs ? { mac: n.mac } : {})) });
    let dom;
    try {
      dom = await client.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml, flags: DEFINE_VALIDATE }, { signal: ctx.signal });
    } catch (e) {
      throw toLibvirtFailure(e, req.hostId, `Defining VM "${req.name}"`);
    }
    const undefine = ctx.undo(`undefine VM "${req.name}"`, async () => {
      await client.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: Undefine.NVRAM }, { timeoutMs: 30_000 });
    });
    ctx.log(`Defined VM "${req.name}" (${uuid}): ${req.diskBus} disks, ${req.nicModel} NICs${keepMacs ? ' with the source MACs' : ' with new MACs'}`);

    // The copy is complete and verified: the VM owns its volumes from here on,
    // and nothing below throws (a failed fix-up or start is a warning).
    undefine();
    if (req.v2vInPlace) {
      ctx.phase(say('phase.v2v'));
      try {
        await runV2vInPlace(host, req.name, ctx);
      } catch (e) {
        ctx.log(`virt-v2v-in-place failed; the VM is kept as copied: ${e instanceof Error ? e.message : String(e)}`, 'warn');
      }
    }

    let started = false;
    if (req.start) {
      ctx.phase(say('phase.startingVm'));
      try {
        await client.call(P.DOMAIN_CREATE, { dom }, { signal: ctx.signal, timeoutMs: 120_000 });
        started = true;
      } catch (e) {
        ctx.log(`The VM is defined but did not start: ${toLibvirtFailure(e, req.hostId, 'Start').message}`, 'warn');
      }
    }
    ctx.phase(say(started ? 'phase.doneRunning' : 'phase.doneDefined'));
    return { domainName: req.name, uuid, disks: done, started };
  }

  private async copyDisk(
    c: TaskContext,
    req: P2vRequest,
    disk: P2vRequest['disks'][number],
    src: HostTransport,
    host: HostTransport,
    inv: SourceInventory,
    parentProgress: (p: { done: number; sent: number }) => void,
  ): Promise<{ size: number; result: P2vResult['disks'][number] }> {
    const client = this.d.sessions.client(req.hostId);
    c.phase(say('phase.checkingSourceDisk'));
    const size = await deviceSize(src, disk.device, c.signal);
    const rawName = disk.format === 'qcow2' ? `${disk.volume}.p2v-raw` : disk.volume;
    c.phase(say('phase.creatingVolumeNamed', { name: rawName }));
    const raw = await createRawVolume(client, req.hostId, disk.pool, rawName, size, c.signal);
    const dropRaw = c.undo(`delete volume '${rawName}' in pool '${disk.pool}'`, () => deleteVolume(client, req.hostId, raw.vol));

    const frozen: string[] = [];
    if (req.consistency === 'fsfreeze') {
      const d = inv.disks.find((x) => x.path === disk.device);
      const mps = (d?.partitions ?? []).flatMap(function walk(p): string[] {
        return [...p.mountpoints, ...p.children.flatMap(walk)];
      });
      for (const mp of mps.filter((m) => m !== '/' && !m.startsWith('['))) {
        await freeze(src, mp, true, c.signal);
        frozen.push(mp);
        c.undo(`thaw ${mp} on the source`, () => freeze(src, mp, false));
        c.log(`Froze ${mp} on the source for the copy`);
      }
    }

    c.phase(say('phase.readingAndSending', { device: disk.device, pool: disk.pool, volume: rawName }));
    const reader = await openDeviceReader(src, disk.device);
    let up;
    try {
      up = await uploadVolume({
        sessions: this.d.sessions,
        hostId: req.hostId,
        vol: raw.vol,
        size,
        source: reader.chunks,
        signal: c.signal,
        onProgress: (p) => {
          c.progress({ unit: 'bytes', done: p.done, total: size, secondary: { label: 'sent', done: p.sent } });
          parentProgress(p);
        },
      });
      await reader.finished();
    } catch (e) {
      const own = c.signal.aborted ? undefined : await reader.ownFailure(2000);
      reader.close();
      throw own ?? e;
    }
    for (const mp of frozen.reverse()) {
      await freeze(src, mp, false);
      c.log(`Thawed ${mp}`);
    }
    c.log(`Read ${up.bytes} bytes in ${up.seconds.toFixed(1)} s; sent ${up.bytesSent} as data, ${up.holeBytes} as holes`);

    c.phase(say('phase.verifyingBothEnds'));
    const [sourceSha, volumeSha] = await Promise.all([deviceSha256(src, disk.device, c.signal), volumeSha256OnHost(host, raw.path, size, c.signal)]);
    c.log(`SHA-256 source ${sourceSha}, stream ${up.sha256}, volume ${volumeSha}`);
    if (sourceSha !== up.sha256 || volumeSha !== sourceSha) {
      throw new AppFailure(
        'INTERNAL',
        sourceSha !== up.sha256
          ? `${disk.device} changed while it was read (source SHA-256 ${sourceSha.slice(0, 12)}… differs from the bytes read ${up.sha256.slice(0, 12)}…): the source is in use; copy it from a rescue system`
          : `The volume on the target does not hold what was sent (SHA-256 ${volumeSha.slice(0, 12)}… vs ${sourceSha.slice(0, 12)}…)`,
        { hostId: req.hostId },
      );
    }

    let final = raw;
    if (disk.format === 'qcow2') {
      c.phase(say('phase.convertingToQcow2', { volume: disk.volume }));
      final = await convertToQcow2(client, req.hostId, disk.pool, raw.vol, disk.volume, size, c.signal);
      c.undo(`delete volume '${disk.volume}' in pool '${disk.pool}'`, () => deleteVolume(client, req.hostId, final.vol));
      dropRaw();
      await deleteVolume(client, req.hostId, raw.vol);
      c.log(`Converted to qcow2 by libvirt; removed the raw staging volume ${rawName}`);
    }
    return {
      size,
      result: { device: disk.device, volumePath: final.path, sourceSha256: sourceSha, volumeSha256: volumeSha, bytesRead: up.bytes, bytesSent: up.bytesSent, holeBytes: up.holeBytes },
    };
  }
}
