import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { AppFailure } from '../../shared/ipc/result';
import type { BackupService } from './service';

/**
 * serve mode's archive download (GET BACKUP_DOWNLOAD_PATH?id=…), behind the
 * front's Bearer check like every route: the page fetches it with its token in
 * the Authorization header and saves the blob, never through a cookie or a URL
 * that carries the token. The archive is verified first: a damaged one is
 * answered 422 naming the file, not handed out.
 */
export function backupDownloadRoute(svc: BackupService) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const id = url.searchParams.get('id') ?? '';
    try {
      await svc.open(id);
    } catch (e) {
      const f = e instanceof AppFailure ? e.error : { code: 'INTERNAL', message: 'Could not read the backup' };
      const status = f.code === 'NOT_FOUND' ? 404 : f.code === 'VALIDATION' ? (f.message.startsWith('Not a backup id') ? 400 : 422) : 500;
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(f.message);
      return;
    }
    const file = svc.archivePath(id);
    res.writeHead(200, {
      'Content-Type': 'application/gzip',
      'Content-Disposition': `attachment; filename="${svc.downloadName(id)}"`,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(file), res);
  };
}
