import { copyFile } from 'node:fs/promises';
import { AppFailure } from '../../../shared/ipc/result';
import { restorePlan, restoreStart } from '../../backup/restore';
import type { BackupScheduler } from '../../backup/schedule';
import type { BackupService } from '../../backup/service';
import type { NetworkService } from '../../networks/service';
import type { Handlers } from '../registry';

type BackupCall = Extract<keyof Handlers, `backups.${string}`>;

/** `pickSavePath`: the desktop app's save dialog (absent in serve mode, where the page downloads over HTTP). */
export function backupHandlers(svc: BackupService, scheduler: BackupScheduler, nets: NetworkService, pickSavePath?: (defaultName: string) => Promise<string | null>): Pick<Handlers, BackupCall> {
  return {
    'backups.list': () => svc.list(),
    'backups.get': ({ id }) => svc.get(id),
    'backups.create': ({ hostIds }) => ({ taskId: svc.create(hostIds).taskId }),
    'backups.delete': ({ id }) => svc.delete(id),
    'backups.diff': ({ id, fromHostId, toHostId }) => svc.diff(id, fromHostId, toHostId),
    'backups.plan': (args) => restorePlan(svc, args),
    'backups.restore': async (args) => {
      const run = await restoreStart(svc, nets, args);
      run.result.catch(() => {}); // the task records its own failure
      return { taskId: run.taskId };
    },
    'backups.getSchedule': () => scheduler.get(),
    'backups.setSchedule': (s) => scheduler.set(s),
    'backups.saveCopy': async ({ id }) => {
      if (!pickSavePath) throw new AppFailure('UNSUPPORTED', 'Saving through a dialog is for the desktop app; in a browser, download the archive');
      const src = svc.archivePath(id);
      await svc.open(id); // refuse to hand out a damaged archive
      const dest = await pickSavePath(svc.downloadName(id));
      if (!dest) return { path: null };
      await copyFile(src, dest);
      return { path: dest };
    },
  };
}
