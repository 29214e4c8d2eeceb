import { say } from '../../shared/i18n/core-text';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { diffDefinitions, type DiffSide } from '../../shared/backup/diff';
import { domainFile, hostDir, ipsFile, networkFile, poolFile, tagsFile } from '../../shared/backup/paths';
import { AppFailure } from '../../shared/ipc/result';
import {
  BACKUP_FORMAT_VERSION,
  BackupIdSchema,
  BackupSummarySchema,
  type BackupDiff,
  type BackupHost,
  type BackupItem,
  type BackupManifest,
  type BackupSummary,
  type TagsFile,
} from '../../shared/model/backup';
import type { HostRegistry } from '../hosts/registry';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { TaskManager } from '../tasks/manager';
import { maskPasswords } from '../domains/service';
import { writeFileAtomic } from '../util/atomic-file';
import type { Logger } from '../util/log';
import { VERSION } from '../version';
import { openArchive, writeArchive, type OpenedArchive } from './archive';
import { readHostDefinitions } from './collect';

// Backups of definitions (docs/backup.md): each run is one archive in
// <configDir>/backups/<id>.tar.gz with a small <id>.json summary beside it, so
// the list never has to unpack archives. Restore lives in restore.ts, the
// daily schedule in schedule.ts.

export type BackupHosts = Pick<HostRegistry, 'list' | 'state'>;

const stampOf = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
export const newBackupId = (t: number): string => `b-${stampOf(t)}-${randomBytes(3).toString('hex')}`;

export class BackupService {
  readonly dir: string;

  constructor(
    private readonly opts: { configDir: string; sessions: LibvirtSessions; hosts: BackupHosts; tasks: TaskManager; log: Logger },
  ) {
    this.dir = path.join(opts.configDir, 'backups');
  }

  get sessions(): LibvirtSessions {
    return this.opts.sessions;
  }
  get tasks(): TaskManager {
    return this.opts.tasks;
  }
  get log(): Logger {
    return this.opts.log;
  }

  archivePath(id: string): string {
    // The id is checked by the contract; checked again here because the download route and the schedule call this too.
    if (!BackupIdSchema.safeParse(id).success) throw new AppFailure('VALIDATION', `Not a backup id: ${JSON.stringify(id).slice(0, 80)}`);
    return path.join(this.dir, `${id}.tar.gz`);
  }
  private summaryPath(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }
  downloadName(id: string): string {
    return `virtdeck-${id}.tar.gz`;
  }

  async list(): Promise<BackupSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: BackupSummary[] = [];
    for (const n of names) {
      const m = /^(b-.+)\.tar\.gz$/.exec(n);
      if (!m || !BackupIdSchema.safeParse(m[1]).success) continue;
      const s = await this.readSummary(m[1]!).catch(() => undefined);
      if (s) out.push(s);
    }
    return out.sort((a, b) => b.created - a.created);
  }

  private async readSummary(id: string): Promise<BackupSummary> {
    try {
      return BackupSummarySchema.parse(JSON.parse(await readFile(this.summaryPath(id), 'utf8')));
    } catch {
      // An archive copied in without its summary: read it once (this verifies it) and write one.
      const opened = await openArchive(this.archivePath(id), id);
      return this.writeSummary(opened.manifest, (await stat(this.archivePath(id))).size);
    }
  }

  private async writeSummary(m: BackupManifest, size: number): Promise<BackupSummary> {
    const count = (k: BackupItem['kind']) => m.items.filter((i) => i.kind === k).length;
    const s: BackupSummary = {
      id: m.id,
      created: m.created,
      trigger: m.trigger,
      size,
      filename: this.downloadName(m.id),
      hosts: m.hosts.map((h) => ({ hostId: h.hostId, name: h.name, errors: h.errors })),
      counts: { domains: count('domain'), networks: count('network'), pools: count('pool') },
    };
    await writeFileAtomic(this.summaryPath(m.id), JSON.stringify(s) + '\n');
    return s;
  }

  /** Opens and verifies an archive (a damaged one is refused, naming the file). */
  open(id: string): Promise<OpenedArchive> {
    return openArchive(this.archivePath(id), id);
  }

  async get(id: string) {
    const a = await this.open(id);
    return { summary: await this.readSummary(id), hosts: a.manifest.hosts, items: a.manifest.items };
  }

  async delete(id: string): Promise<{ deleted: boolean }> {
    const file = this.archivePath(id);
    const existed = await stat(file).then(
      () => true,
      () => false,
    );
    await rm(file, { force: true });
    await rm(this.summaryPath(id), { force: true });
    return { deleted: existed };
  }

  /** Starts a backup task; `done` resolves with the summary (the schedule waits on it). */
  create(hostIds: readonly string[] | undefined, trigger: 'manual' | 'schedule' = 'manual'): { taskId: string; done: Promise<BackupSummary> } {
    const known = this.opts.hosts.list();
    const chosen = hostIds?.length ? hostIds : known.map((h) => h.config.id);
    for (const id of chosen) if (!known.some((h) => h.config.id === id)) throw new AppFailure('NOT_FOUND', `No host ${id}`, { hostId: id });
    if (!chosen.length) throw new AppFailure('VALIDATION', 'There are no hosts to back up');
    const names = chosen.map((id) => known.find((h) => h.config.id === id)!.config.name);
    const run = this.opts.tasks.run(
      {
        kind: 'backup.create',
        title: say(`title.backup${chosen.length === 1 ? 'Host' : 'Hosts'}${trigger === 'schedule' ? 'Scheduled' : ''}`, { host: names[0] ?? '', count: chosen.length }),
        ...(chosen.length === 1 ? { hostId: chosen[0] } : {}),
        retry: { call: 'backups.create', input: { hostIds: [...chosen] } },
      },
      async (ctx) => {
        const created = Date.now();
        const id = newBackupId(created);
        const files = new Map<string, Buffer>();
        const items: BackupItem[] = [];
        const hosts: BackupHost[] = [];
        const put = (p: string, s: string) => files.set(p, Buffer.from(s, 'utf8'));
        ctx.progress({ unit: 'steps', done: 0, total: chosen.length + 1 });
        for (const [i, hostId] of chosen.entries()) {
          ctx.throwIfCancelled();
          const cfg = known.find((h) => h.config.id === hostId)!.config;
          ctx.phase(say('phase.readingHost', { host: cfg.name }));
          const host: BackupHost = { hostId, name: cfg.name, dir: hostDir(hostId), tags: cfg.tags, errors: [] };
          hosts.push(host);
          if (!this.opts.sessions.has(hostId)) {
            host.errors.push(`not connected (${this.opts.hosts.state(hostId).status}): nothing backed up`);
            ctx.log(`${cfg.name}: not connected, skipped`, 'warn');
          } else {
            try {
              const defs = await readHostDefinitions(this.opts.sessions.client(hostId), hostId, ctx.signal);
              for (const d of defs.domains) {
                const file = domainFile(hostId, d.key);
                put(file, d.xml);
                items.push({ kind: 'domain', hostId, key: d.key, name: d.name, file, active: d.active, autostart: d.autostart });
              }
              for (const [kind, list, fileOf] of [
                ['network', defs.networks, networkFile],
                ['pool', defs.pools, poolFile],
              ] as const) {
                for (const n of list) {
                  const file = fileOf(hostId, n.name);
                  put(file, n.xml);
                  items.push({ kind, hostId, key: n.key, name: n.name, file, active: n.active, autostart: n.autostart });
                }
              }
              put(ipsFile(hostId), JSON.stringify(defs.ips, null, 2) + '\n');
              const tags: TagsFile = { host: cfg.tags, domains: defs.tags };
              put(tagsFile(hostId), JSON.stringify(tags, null, 2) + '\n');
              ctx.log(`${cfg.name}: ${defs.domains.length} VMs, ${defs.networks.length} networks, ${defs.pools.length} pools`);
            } catch (e) {
              if (ctx.signal.aborted) throw e;
              const why = e instanceof Error ? e.message : String(e);
              host.errors.push(why);
              ctx.log(`${cfg.name}: ${why}`, 'error');
            }
          }
          ctx.progress({ done: i + 1, total: chosen.length + 1 });
        }
        if (hosts.every((h) => h.errors.length)) throw new AppFailure('CONFLICT', `Nothing was backed up: ${hosts.map((h) => `${h.name}: ${h.errors.join('; ')}`).join(' | ')}`);
        ctx.phase(say('phase.writingArchive'));
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        const file = this.archivePath(id);
        ctx.undo(`delete the partial archive ${id}`, async () => {
          await rm(file, { force: true });
          await rm(this.summaryPath(id), { force: true });
        });
        const { manifest, size } = await writeArchive(file, { format: 'virtdeck-backup', version: BACKUP_FORMAT_VERSION, id, created, virtdeckVersion: VERSION, trigger, hosts, items }, files);
        const summary = await this.writeSummary(manifest, size);
        ctx.progress({ done: chosen.length + 1, total: chosen.length + 1 });
        ctx.log(`Saved ${id} (${size} bytes, ${items.length} definitions)`);
        return summary;
      },
    );
    run.result.catch(() => {}); // the task records its own failure
    return { taskId: run.taskId, done: run.result };
  }

  /** Backup (one host of it) against a live host: per item added/removed/changed, with XML diffs. */
  async diff(id: string, fromHostId: string, toHostId = fromHostId): Promise<BackupDiff> {
    const a = await this.open(id);
    if (!a.manifest.hosts.some((h) => h.hostId === fromHostId)) throw new AppFailure('NOT_FOUND', `Backup ${id} has no host ${fromHostId}`);
    if (!this.opts.sessions.has(toHostId)) throw new AppFailure('NOT_CONNECTED', `Connect ${toHostId} to compare it with the backup`, { hostId: toHostId });
    const live = await readHostDefinitions(this.opts.sessions.client(toHostId), toHostId);
    const backup: DiffSide[] = a.manifest.items.filter((i) => i.hostId === fromHostId).map((i) => ({ kind: i.kind, key: i.key, name: i.name, xml: a.text(i.file) }));
    const liveSides: DiffSide[] = [
      ...live.domains.map((d) => ({ kind: 'domain' as const, key: d.key, name: d.name, xml: d.xml })),
      ...live.networks.map((d) => ({ kind: 'network' as const, key: d.key, name: d.name, xml: d.xml })),
      ...live.pools.map((d) => ({ kind: 'pool' as const, key: d.key, name: d.name, xml: d.xml })),
    ];
    const present = (xml: string) => (xml.trimStart().startsWith('<domain') ? maskPasswords(xml) : xml);
    return { backupHostId: fromHostId, liveHostId: toHostId, entries: diffDefinitions(backup, liveSides, present) };
  }

  /** Scheduled backups beyond `keep`, oldest first, are deleted; manual ones are never touched. */
  async prune(keep: number): Promise<string[]> {
    const scheduled = (await this.list()).filter((b) => b.trigger === 'schedule');
    const gone = scheduled.slice(keep).map((b) => b.id);
    for (const id of gone) await this.delete(id);
    return gone;
  }
}
