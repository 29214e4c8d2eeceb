import { coreText, say } from '../../shared/i18n/core-text';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TaskSchema, type Task } from '../../shared/model/task';
import { CoalescingWriter } from '../util/atomic-file';
import type { Logger } from '../util/log';

// tasks.json: task history, so a restart still shows what ran, how it ended
// and what it left behind. Running tasks are saved too (progress at most every
// few seconds) with the undo steps they still owe: if the core dies, the next
// start marks them "interrupted" and lists those steps as possibly left behind.

const FileSchema = z.object({
  version: z.literal(1),
  tasks: z.array(z.unknown()),
  /** Undo labels still owed by running tasks, by task id. */
  pendingUndo: z.record(z.string(), z.array(z.string())).default({}),
});

export class TaskStore {
  private readonly file: string;
  private readonly writer: CoalescingWriter;

  constructor(configDir: string, private readonly log: Logger) {
    this.file = path.join(configDir, 'tasks.json');
    this.writer = new CoalescingWriter(this.file, (e) => log.warn(`could not save task history: ${String(e)}`));
  }

  async load(): Promise<Task[]> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(this.file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`task history ${this.file} unreadable, starting empty: ${String(e)}`);
      return [];
    }
    const file = FileSchema.safeParse(raw);
    if (!file.success) {
      this.log.warn(`task history ${this.file} has an unknown shape, starting empty`);
      return [];
    }
    const out: Task[] = [];
    for (const item of file.data.tasks) {
      const t = TaskSchema.safeParse(item);
      if (!t.success) continue; // one bad record must not cost the rest
      out.push(t.data.state === 'running' ? interrupted(t.data, file.data.pendingUndo[t.data.id] ?? []) : t.data);
    }
    return out;
  }

  save(tasks: Task[], pendingUndo: (id: string) => string[]): void {
    this.writer.schedule(() => {
      const owed: Record<string, string[]> = {};
      for (const t of tasks) {
        if (t.state !== 'running') continue;
        const labels = pendingUndo(t.id);
        if (labels.length) owed[t.id] = labels;
      }
      return JSON.stringify({ version: 1, tasks, pendingUndo: owed }) + '\n';
    });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}

function interrupted(t: Task, owed: string[]): Task {
  const last = t.log.at(-1)?.t ?? t.createdAt;
  return {
    ...t,
    state: 'interrupted',
    phase: coreText(say('phase.interrupted', { phase: t.phase })),
    phaseMsg: say('phase.interrupted', { phase: t.phase }),
    endedAt: last,
    error: { code: 'INTERNAL', message: 'VirtDeck stopped while this task was running' },
    cleanup: [...t.cleanup, ...owed.map((l) => `NOT undone (VirtDeck stopped first): ${l}; check whether it was left behind`)],
    log: [...t.log, { t: last, level: 'error', message: 'VirtDeck stopped while this task was running' }],
  };
}
