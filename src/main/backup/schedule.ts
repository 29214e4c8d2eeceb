import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BackupScheduleStateSchema, type BackupSchedule, type BackupScheduleState } from '../../shared/model/backup';
import type { HostRegistry } from '../hosts/registry';
import { writeFileAtomic } from '../util/atomic-file';
import type { Logger } from '../util/log';
import { missedRun, nextSlot } from './schedule-time';
import type { BackupService } from './service';

// The daily backup, run by a timer in the core while the app or `serve` runs.
// Schedule, last run and when it was set are kept in backups/schedule.json, so
// a restart picks the timer up again, and a run missed while the core was down
// runs once at startup (after the chosen hosts had a chance to connect).

interface Stored extends BackupScheduleState {
  setAt: number;
}

const DEFAULT: Stored = { enabled: false, time: '02:00', hostIds: [], keep: 7, setAt: 0 };

export class BackupScheduler {
  private state: Stored = DEFAULT;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private disposed = false;
  private readonly file: string;

  constructor(
    private readonly svc: BackupService,
    private readonly hosts: Pick<HostRegistry, 'list' | 'state' | 'onStateChange'>,
    private readonly log: Logger,
    /** How long a missed run waits for its hosts to connect at startup. */
    private readonly connectGraceMs = 60_000,
  ) {
    this.file = path.join(svc.dir, 'schedule.json');
  }

  async start(): Promise<void> {
    try {
      const { setAt, ...raw } = JSON.parse(await readFile(this.file, 'utf8')) as Partial<Stored>;
      this.state = { ...BackupScheduleStateSchema.parse(raw), setAt: typeof setAt === 'number' ? setAt : 0 };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`backups/schedule.json is unreadable (${String(e)}): the daily backup is off until it is set again`);
      this.state = DEFAULT;
    }
    if (this.state.enabled && missedRun(this.state.time, Date.now(), Math.max(this.state.lastRunAt ?? 0, this.state.setAt))) {
      this.log.info(`the daily backup at ${this.state.time} was missed while VirtDeck was not running: running it now`);
      this.track(this.waitForHosts().then(() => this.fire()));
    }
    this.arm();
  }

  get(): BackupScheduleState {
    const { setAt: _s, ...rest } = this.state;
    return { ...rest, ...(this.state.enabled ? { nextRunAt: nextSlot(this.state.time, Date.now()) } : {}) };
  }

  async set(s: BackupSchedule): Promise<BackupScheduleState> {
    this.state = { ...this.state, ...s, setAt: Date.now() };
    await this.save();
    this.arm();
    return this.get();
  }

  /** Resolves when a run started by the timer or at startup has finished (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.state.enabled || this.disposed) return;
    const delay = Math.max(1000, nextSlot(this.state.time, Date.now()) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.track(this.fire().finally(() => this.arm()));
    }, delay);
    // The timer must not keep a core that is shutting down alive.
    this.timer.unref();
  }

  private track(p: Promise<void>): void {
    const run: Promise<void> = p.finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
  }

  private async fire(): Promise<void> {
    if (this.disposed) return;
    const hostIds = this.state.hostIds.length ? this.state.hostIds.filter((id) => this.hosts.list().some((h) => h.config.id === id)) : undefined;
    let result: string;
    try {
      const { done } = this.svc.create(hostIds, 'schedule');
      const s = await done;
      const pruned = await this.svc.prune(this.state.keep);
      result = `ok: ${s.id}${pruned.length ? `; deleted ${pruned.length} older scheduled backup${pruned.length > 1 ? 's' : ''}` : ''}`;
    } catch (e) {
      result = `failed: ${e instanceof Error ? e.message : String(e)}`;
      this.log.warn(`scheduled backup ${result}`);
    }
    this.state = { ...this.state, lastRunAt: Date.now(), lastResult: result };
    await this.save().catch((e: unknown) => this.log.error(`saving the backup schedule: ${String(e)}`));
  }

  private save(): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(this.state, null, 2) + '\n');
  }

  /** Waits (on state events, with a deadline) until every host the schedule covers is connected. */
  private waitForHosts(): Promise<void> {
    const wanted = () => (this.state.hostIds.length ? this.state.hostIds : this.hosts.list().filter((h) => h.config.autoConnect).map((h) => h.config.id));
    const ready = () => wanted().every((id) => this.hosts.list().some((h) => h.config.id === id) && this.hosts.state(id).status === 'connected');
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, this.connectGraceMs);
      timer.unref();
      const off = this.hosts.onStateChange(() => {
        if (ready()) finish();
      });
      function finish() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}
