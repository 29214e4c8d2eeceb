import { say } from '../../shared/i18n/core-text';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildDomainXml } from '../../shared/create/build';
import { cloudInitDocuments } from '../../shared/create/cloud-init';
import { INSTALL_NS, readInstallPlan } from '../../shared/create/install-meta';
import { CURATED_OS, type OsProfile } from '../../shared/create/os';
import type { CreateSpec, PlacementPick } from '../../shared/create/spec';
import { virtInstallArgv, virtInstallPrep, virtInstallScript } from '../../shared/create/virt-install';
import { attr, parseXmlDoc, path as xpath } from '../../shared/libvirt/dom/index';
import type { CreateOptions, CreatePreview, MediaVolume } from '../../shared/ipc/calls/create';
import { AppFailure } from '../../shared/ipc/result';
import type { TaskRef } from '../../shared/model/task';
import { fail, inactiveXml, openDomain } from '../domains/definition';
import type { HostTransport } from '../hosts/transport';
import { toLibvirtFailure } from '../libvirt/errors';
import { Affect, MetadataType } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { TaskManager } from '../tasks/manager';
import { firstStart } from './first-boot';
import { readBridges, readCapabilities, readNetworks, readOsDatabase, readPools, readVmNames, type OsDatabase } from './host-facts';
import { createCopy, volumeNames, type CopyResult } from './run';
import { removeSeedAfterRead, type SeedWatchOptions } from './seed';
import { advise, type AdviceDeps } from './advice';
import { appTag } from '../../shared/create/placement';
import type { CallArgs } from '../../shared/ipc/contract';

// The create wizard's service (issue 11): what a host offers, a preview of
// the definition and its virt-install line, and the create itself as one
// Task (one child task per copy; a failure undoes every copy made so far).

export interface CreateDeps {
  sessions: LibvirtSessions;
  tasks: TaskManager;
  transport(hostId: string): HostTransport;
  /** Where ~/.ssh is (tests point it elsewhere). */
  home?: string;
  seedWatch?: SeedWatchOptions;
  /** The placement service's measured hosts and settings (absent: advice refused). */
  advice?: AdviceDeps;
}

const ISO_RE = /\.iso$/i;

export class CreateService {
  /** OS databases per host: read once (about a second over SSH), refreshed on demand. */
  private readonly osdb = new Map<string, Promise<OsDatabase>>();

  constructor(private readonly deps: CreateDeps) {}

  private osDatabase(hostId: string, refresh = false): Promise<OsDatabase> {
    let p = this.osdb.get(hostId);
    if (!p || refresh) {
      p = readOsDatabase(this.deps.transport(hostId)).catch(() => ({ source: 'curated' as const, profiles: [...CURATED_OS] }));
      this.osdb.set(hostId, p);
    }
    return p;
  }

  async osProfile(hostId: string, id: string): Promise<OsProfile> {
    const db = await this.osDatabase(hostId);
    const p = db.profiles.find((o) => o.id === id) ?? CURATED_OS.find((o) => o.id === id);
    if (!p) throw new AppFailure('NOT_FOUND', `Unknown OS “${id}” on ${hostId} (pick one from the list)`, { hostId });
    return p;
  }

  async getOptions(hostId: string, refreshOs = false): Promise<CreateOptions> {
    const c = this.deps.sessions.client(hostId);
    const t = this.deps.transport(hostId);
    const [db, caps, pools, networks, bridges, names] = await Promise.all([
      this.osDatabase(hostId, refreshOs),
      readCapabilities(c, hostId),
      readPools(c),
      readNetworks(c),
      readBridges(t),
      readVmNames(c),
    ]).catch((e: unknown) => {
      throw toLibvirtFailure(e, hostId, 'Reading what the host offers');
    });
    return { os: { source: db.source, ...(db.version ? { version: db.version } : {}), profiles: db.profiles }, ...caps, pools, networks, bridges, names };
  }

  async listMedia(hostId: string): Promise<MediaVolume[]> {
    const c = this.deps.sessions.client(hostId);
    const { pools } = await c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 2 /* ACTIVE */ });
    const out: MediaVolume[] = [];
    for (const pool of pools) {
      const { vols } = await c.call(P.STORAGE_POOL_LIST_ALL_VOLUMES, { pool, need_results: 1, flags: 0 }).catch(() => ({ vols: [] }));
      for (const vol of vols) {
        const [info, xml] = await Promise.all([c.call(P.STORAGE_VOL_GET_INFO, { vol }), c.call(P.STORAGE_VOL_GET_XML_DESC, { vol, flags: 0 })]).catch(() => [undefined, undefined] as const);
        if (!info || !xml || info.type === 2 /* dir */) continue;
        const root = parseXmlDoc(xml).documentElement!;
        const format = attr(xpath(root, 'target', 'format'), 'type');
        const p = (xpath(root, 'target', 'path')?.textContent ?? '').trim();
        out.push({ pool: pool.name, volume: vol.name, path: p, ...(format ? { format } : {}), capacityBytes: info.capacity, kind: format === 'iso' || ISO_RE.test(vol.name) ? 'iso' : 'disk' });
      }
    }
    return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.volume.localeCompare(b.volume));
  }

  async check(hostId: string, name: string, diskPool?: string): Promise<{ free: boolean; reason?: string }> {
    const c = this.deps.sessions.client(hostId);
    if ((await readVmNames(c)).includes(name)) return { free: false, reason: `a VM named “${name}” already exists on this host` };
    if (diskPool) {
      const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: diskPool }).catch(() => undefined);
      if (pool) {
        for (const v of Object.values(volumeNames(name))) {
          const taken = await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name: v }).then(
            () => true,
            () => false,
          );
          if (taken) return { free: false, reason: `pool '${diskPool}' already has a volume '${v}'` };
        }
      }
    }
    return { free: true };
  }

  /** The definition and virt-install line for this host, with the paths the task will use. */
  async preview(hostId: string, name: string, spec: CreateSpec): Promise<CreatePreview> {
    const c = this.deps.sessions.client(hostId);
    const os = await this.osProfile(hostId, spec.osId);
    const warnings: string[] = [];
    const pools = await readPools(c);
    const poolName = spec.hardware.disk?.pool ?? 'default';
    const pool = pools.find((p) => p.name === poolName);
    if (!pool) warnings.push(`No pool '${poolName}' on this host`);
    const dir = pool?.path ?? `/<pool ${poolName}>`;
    const names = volumeNames(name, spec.hardware.disk?.format);
    const media = async (m: Extract<CreateSpec['source'], { media: unknown }>['media']) => {
      if (m.kind === 'path') return { path: m.path, format: /\.qcow2$/i.test(m.path) ? 'qcow2' : 'raw' };
      const vol = await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool: await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: m.pool }), name: m.volume }).catch(() => undefined);
      if (!vol) {
        warnings.push(`Volume '${m.volume}' is not in pool '${m.pool}' (yet)`);
        return { path: `/<pool ${m.pool}>/${m.volume}`, format: 'qcow2' };
      }
      return { path: await c.call(P.STORAGE_VOL_GET_PATH, { vol }), format: 'qcow2' };
    };
    const src = spec.source;
    const mac = spec.hardware.nic ? (spec.hardware.nic.mac ?? '52:54:00:00:00:00') : undefined;
    let disk: { path: string; format: 'qcow2' | 'raw' } | undefined;
    if (spec.hardware.disk) disk = src.kind === 'import' && src.use === 'in-place' ? ((m) => ({ path: m.path, format: m.format === 'raw' ? ('raw' as const) : ('qcow2' as const) }))(await media(src.media)) : { path: `${dir}/${names.disk}`, format: src.kind === 'cloud' && src.use === 'backing' ? 'qcow2' : spec.hardware.disk.format };
    const built = buildDomainXml({
      spec,
      name,
      os,
      ...(mac ? { mac } : {}),
      ...(disk ? { disk } : {}),
      ...(src.kind === 'iso' ? { iso: { path: (await media(src.media)).path } } : {}),
      ...(spec.cloudInit ? { seed: { pool: poolName, volume: names.seed, path: `${dir}/${names.seed}` } } : {}),
      ...(src.kind === 'url'
        ? { kernel: { kernel: `${dir}/${names.kernel}`, initrd: `${dir}/${names.initrd}`, cmdline: src.kernelArgs, scratch: [{ pool: poolName, volume: names.kernel }, { pool: poolName, volume: names.initrd }] } }
        : {}),
    });
    if (spec.hardware.nic && !spec.hardware.nic.mac) warnings.push('The MAC shown is a placeholder: each VM gets its own random 52:54:00 address');
    const argv = virtInstallArgv(spec, { name, os, ...(mac && spec.hardware.nic?.mac ? { mac } : {}), ...(disk ? { diskPath: disk.path } : {}) });
    const ci = spec.cloudInit ? cloudInitDocuments(maskPassword(spec.cloudInit), { instanceId: 'iid-(new for each VM)', vmName: name, ...(mac ? { mac } : {}) }) : undefined;
    const steps = [
      ...(disk && !(src.kind === 'import' && src.use === 'in-place') ? [`create volume '${names.disk}' in pool '${poolName}'`] : []),
      ...(src.kind === 'url' ? [`fetch the kernel and initrd (${src.fetchBy === 'host' ? 'by the host' : 'through VirtDeck'}) into scratch volumes`] : []),
      ...(spec.cloudInit ? [`write and upload the cloud-init seed '${names.seed}'`] : []),
      `define ${name}`,
      ...(spec.customise ? ['open its settings (start it from there)'] : spec.start ? ['start it', 'make later boots use the disk'] : []),
      ...(spec.cloudInit && spec.start && !spec.customise ? ['remove the seed once the guest has read it'] : []),
    ];
    return {
      xml: built.xml,
      virtInstall: virtInstallScript(virtInstallPrep(spec, { name, ...(disk ? { diskPath: disk.path } : {}) }), argv),
      ...(ci ? { cloudInit: { userData: ci.userData, metaData: ci.metaData, ...(ci.networkConfig ? { networkConfig: ci.networkConfig } : {}) } } : {}),
      warnings,
      steps,
    };
  }

  /** Creates one VM per placement as one task; copies run one after another (each its own child task). */
  start(spec: CreateSpec, placements: PlacementPick[]): TaskRef & { result: Promise<CopyResult[]> } {
    if (spec.xml && placements.length > 1) throw new AppFailure('VALIDATION', 'An edited definition makes one VM: create copies from the form');
    const names = placements.map((p) => `${p.hostId}/${p.name}`);
    if (new Set(names).size !== names.length) throw new AppFailure('VALIDATION', 'Two copies have the same name on the same host');
    const first = placements[0]!;
    const title = placements.length === 1 ? say('title.vmCreate', { name: first.name, host: first.hostId }) : say('title.vmCreateMany', { count: placements.length, names: placements.map((p) => p.name).join(', ') });
    const run = this.deps.tasks.run({ kind: 'domain.create', title, hostId: first.hostId, target: { kind: 'host', id: first.hostId, hostId: first.hostId } }, async (ctx) => {
      const out: CopyResult[] = [];
      for (const p of placements) {
        const os = await this.osProfile(p.hostId, spec.osId);
        const r =
          placements.length === 1
            ? await createCopy(ctx, this.deps, { spec, hostId: p.hostId, name: p.name, os })
            : await ctx.child({ kind: 'domain.create', title: say('title.vmCreate', { name: p.name, host: p.hostId }), hostId: p.hostId }, (cc) => createCopy(cc, this.deps, { spec, hostId: p.hostId, name: p.name, os }));
        out.push(r);
      }
      ctx.phase(say('phase.done'));
      for (const r of out) if (r.seed) this.watchSeed(r.hostId, r.uuid, r.name, r.seed);
      return out.map(({ hostId, uuid, name, started }) => ({ hostId, uuid, name, started }));
    });
    run.result.catch(() => {}); // the task records its own failure
    return { taskId: run.taskId, result: run.result };
  }

  /**
   * Any start of a shut-off VM that still carries its install plan (the
   * toolbar's Start, a bulk start) runs the plan, so the install media, kernel
   * and seed are handled as if “Start install” had been pressed. Resolves
   * once it ran (true), or false when there is no plan. Every start asks, so
   * the question is one call: the plan's metadata element in the persistent
   * definition (libvirt answers "no metadata" for VMs without one, and an
   * error for transient VMs, which cannot carry a plan).
   */
  async beginIfPlanned(hostId: string, uuid: string, dom?: DomainRef): Promise<boolean> {
    const c = this.deps.sessions.client(hostId);
    const ref = dom ?? (await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid }).catch(fail({ hostId }, `Domain ${uuid}`)));
    const planned = await c.call(P.DOMAIN_GET_METADATA, { dom: ref, type: MetadataType.ELEMENT, uri: INSTALL_NS, flags: Affect.CONFIG }).then(
      () => true,
      () => false,
    );
    if (!planned) return false;
    await (await this.begin(hostId, uuid)).result;
    return true;
  }

  /** The first start of a VM defined with “Customise before start”, with its first-boot plan. */
  async begin(hostId: string, uuid: string): Promise<TaskRef & { result: Promise<unknown> }> {
    const h = await openDomain(this.deps.sessions, hostId, uuid);
    if (!readInstallPlan(parseXmlDoc(await inactiveXml(h)))) throw new AppFailure('NOT_FOUND', `${h.dom.name} has no install plan left: start it as usual`, { hostId });
    const run = this.deps.tasks.run({ kind: 'domain.create', title: say('title.installStart', { name: h.dom.name }), hostId, target: { kind: 'domain', hostId, id: uuid, name: h.dom.name } }, async (ctx) => {
      const r = await firstStart(ctx, this.deps.sessions, hostId, uuid);
      if (r.seed) this.watchSeed(hostId, uuid, h.dom.name, r.seed);
      return { hostId, uuid, name: h.dom.name, started: r.started };
    });
    run.result.catch(() => {});
    return { taskId: run.taskId, result: run.result };
  }

  async advise(a: CallArgs<'create.advise'>) {
    if (!this.deps.advice) throw new AppFailure('UNSUPPORTED', 'Placement advice is not available in this build');
    const app = appTag(a.tags);
    return advise(
      this.deps.advice,
      {
        vcpus: a.vcpus,
        memoryKiB: a.memoryMiB * 1024,
        networks: a.network ? [a.network] : [],
        pools: a.pool ? [a.pool] : [],
        poolPaths: [],
        diskBytes: a.diskGiB * 1024 ** 3,
        exclude: [],
        running: true,
        ...(app ? { app } : {}),
      },
      a.copies,
      a.cpuOvercommit,
    );
  }

  /** Seed ids by VM uuid, for tests and the UI to follow. */
  readonly seedTasks = new Map<string, { taskId: string; result: Promise<void> }>();

  private watchSeed(hostId: string, uuid: string, name: string, seed: NonNullable<CopyResult['seed']>): void {
    const run = this.deps.tasks.run({ kind: 'domain.seedCleanup', title: say('title.seedCleanup', { name }), hostId, target: { kind: 'domain', hostId, id: uuid, name } }, (ctx) =>
      removeSeedAfterRead(ctx, this.deps.sessions, hostId, uuid, seed, this.deps.seedWatch),
    );
    run.result.catch(() => {});
    this.seedTasks.set(uuid, run);
  }

  /** ~/.ssh/*.pub of the user running VirtDeck (public keys only; private keys are never read). */
  async listSshKeys(): Promise<Array<{ file: string; key: string; comment: string }>> {
    const dir = path.join(this.deps.home ?? os.homedir(), '.ssh');
    const files = await readdir(dir).catch(() => [] as string[]);
    const out: Array<{ file: string; key: string; comment: string }> = [];
    for (const f of files.filter((x) => x.endsWith('.pub')).sort()) {
      const text = await readFile(path.join(dir, f), 'utf8').catch(() => '');
      const line = text.split('\n').find((l) => /^(ssh-|ecdsa-|sk-)\S+ \S+/.test(l.trim()));
      if (line) out.push({ file: f, key: line.trim(), comment: line.trim().split(/\s+/).slice(2).join(' ') });
    }
    return out;
  }
}

function maskPassword(ci: NonNullable<CreateSpec['cloudInit']>): NonNullable<CreateSpec['cloudInit']> {
  return ci.user?.password ? { ...ci, user: { ...ci.user, password: '********' } } : ci;
}
