import { api, request } from '../../app/api';
import type { UPLOAD_FORMATS } from '../../../shared/model/volume';
import { i18n } from '../../i18n/instance';
import { useNotifications } from '../notifications/store';
import { openTaskDrawer } from '../tasks/store';

// Moving files between this computer and a pool. In the desktop app the core
// reads/writes the file itself (native dialogs); in a browser the page streams
// the file to the core's upload route (never through the WebSocket's 4 MiB
// contract frames) and downloads through a one-time link.

export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

/** Desktop (Electron IPC) or browser (serve mode). */
export const isDesktop = () => api.linkState() === 'ipc';

/** serve mode's access token as `Authorization: Bearer` (the upload route is credential-gated; fetch sends no cookie for it). */
function transferHeaders(): Record<string, string> {
  const auth = api.authorization();
  return auth ? { Authorization: auth } : {};
}

export function guessFormat(fileName: string): UploadFormat {
  const n = fileName.toLowerCase();
  if (n.endsWith('.iso')) return 'iso';
  if (n.endsWith('.qcow2') || n.endsWith('.qcow')) return 'qcow2';
  return 'raw';
}

/**
 * Browser upload: the core makes the volume and a task, then this page PUTs
 * the file (read from disk by the browser, streamed). Progress, cancel and the
 * checksum live in the task; this promise only reports the HTTP outcome.
 */
export async function uploadFromBrowser(target: { hostId: string; pool: string; name: string; format: UploadFormat }, file: File): Promise<string> {
  const { taskId, uploadPath } = await request('volumes.upload', { ...target, size: file.size });
  openTaskDrawer(taskId);
  void fetch(uploadPath, { method: 'PUT', body: file, headers: { 'Content-Type': 'application/octet-stream', ...transferHeaders() }, credentials: 'same-origin' })
    .then(async (r) => {
      if (!r.ok && r.status !== 409) {
        const body = (await r.json().catch(() => ({}))) as { error?: { message?: string } | string };
        const message = typeof body.error === 'string' ? body.error : body.error?.message;
        useNotifications.getState().push({ level: 'error', title: i18n.t('storage:upload.failed', { name: target.name }), message: message ?? `HTTP ${r.status}` });
      }
    })
    .catch(() => {
      /* the task reports what happened (cancelled, link dropped) */
    });
  return taskId;
}

/** Desktop upload of a file chosen in the native dialog. */
export async function uploadFromDesktop(target: { hostId: string; pool: string; name: string; format: UploadFormat }, path: string): Promise<string> {
  const { taskId } = await request('volumes.uploadFile', { ...target, path });
  openTaskDrawer(taskId);
  return taskId;
}

/** Downloads a volume: a one-time link in a browser (holes arrive as zeros), a sparse file on the desktop. */
export async function downloadVolume(ref: { hostId: string; pool: string; name: string }): Promise<void> {
  if (isDesktop()) {
    const chosen = await request('files.choose', { mode: 'save', title: i18n.t('storage:upload.saveAs', { name: ref.name }), defaultName: ref.name });
    if (!chosen.path) return;
    const { taskId } = await request('volumes.downloadFile', { ...ref, path: chosen.path });
    openTaskDrawer(taskId);
    return;
  }
  const { taskId, downloadPath, fileName } = await request('volumes.download', ref);
  openTaskDrawer(taskId);
  const a = document.createElement('a');
  a.href = downloadPath;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
