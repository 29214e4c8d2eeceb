import { say } from '../../shared/i18n/core-text';
import { AppFailure } from '../../shared/ipc/result';
import { buildVolumeXml } from '../../shared/libvirt/storage-xml';
import { formatBytes } from '../../shared/libvirt/units';
import type { UPLOAD_FORMATS } from '../../shared/model/volume';
import { P } from '../libvirt/rpc/procedures/index';
import type { TaskContext } from '../tasks/manager';
import { deleteVolumeWhenFree } from './bulk-call';
import { storageFailure } from './errors';
import type { StorageDeps } from './pools';
import { type UploadOptions, uploadVolume, volumeSha256OnHost } from './transfer';
import { preflightNewVolume, volumeChanged } from './volumes';

export interface UploadJob {
  hostId: string;
  pool: string;
  name: string;
  /** Exact byte count of the file. */
  size: number;
  format: (typeof UPLOAD_FORMATS)[number];
  /** The bytes, once they are there (a browser's request arrives after the call that made the task). */
  source(ctx: TaskContext): Promise<UploadOptions['source']>;
}

export interface UploadResult {
  pool: string;
  name: string;
  path: string;
  sha256: string;
  bytes: number;
  bytesSent: number;
  holeBytes: number;
  seconds: number;
}

/**
 * The body of every upload task: make a raw volume of the file's size, stream
 * the file into it (zero runs as holes: a fresh volume reads as zeros), check
 * the SHA-256 ON the host against what was sent, and hand the volume over.
 * A failure or cancel deletes the partial volume (after the host is back, if
 * the link dropped). libvirt writes raw bytes: a qcow2 file arrives as itself
 * and the pool refresh that ends the upload recognises its format.
 */
export async function uploadToNewVolume(deps: StorageDeps, ctx: TaskContext, job: UploadJob): Promise<UploadResult> {
  const { hostId, pool, name, size } = job;
  const what = { what: `Uploading “${name}” to pool “${pool}”`, pool, volume: name };
  ctx.phase(say('phase.creatingVolume'));
  const c = deps.sessions.client(hostId);
  // A raw image may be mostly zeros (holes take no space): only ISO and qcow2 files must fit whole.
  const poolRef = await preflightNewVolume(c, hostId, pool, name, job.format === 'raw' ? 0 : size).catch((e: unknown) => {
    throw storageFailure(e, hostId, what);
  });
  const vol = await c.call(P.STORAGE_VOL_CREATE_XML, { pool: poolRef, xml: buildVolumeXml({ name, capacity: size, allocation: 0, format: 'raw' }), flags: 0 }).catch((e: unknown) => {
    throw storageFailure(e, hostId, what);
  });
  const keep = ctx.undo(`delete the partial volume “${name}” in pool “${pool}”`, () => deleteVolumeWhenFree(deps, ctx, { hostId, pool, name }));
  volumeChanged(deps, hostId, pool);
  const source = await job.source(ctx);
  ctx.phase(say('phase.uploading'));
  ctx.progress({ unit: 'bytes', done: 0, total: size, secondary: { label: 'sent as data', done: 0 } });
  const r = await uploadVolume({
    sessions: deps.sessions,
    hostId,
    vol,
    size,
    source,
    sparse: true,
    signal: ctx.signal,
    onProgress: (p) => ctx.progress({ unit: 'bytes', done: p.done, total: size, secondary: { label: 'sent as data', done: p.sent } }),
  });
  ctx.log(`Sent ${formatBytes(r.bytesSent)} as data and ${formatBytes(r.holeBytes)} as holes in ${r.seconds.toFixed(1)} s`);
  ctx.phase(say('phase.verifyingChecksum'));
  const path = await c.call(P.STORAGE_VOL_GET_PATH, { vol });
  const onHost = await volumeSha256OnHost(deps.sessions.get(hostId).transport, path, size, ctx.signal);
  if (onHost !== r.sha256) {
    throw new AppFailure('INTERNAL', `The volume on the host does not hold what was sent (SHA-256 ${onHost.slice(0, 16)}… on the host, ${r.sha256.slice(0, 16)}… sent)`, { hostId, detail: { sent: r.sha256, onHost } });
  }
  ctx.log(`SHA-256 ${r.sha256} matches on the host`);
  keep();
  volumeChanged(deps, hostId, pool);
  return { pool, name, path, sha256: r.sha256, bytes: r.bytes, bytesSent: r.bytesSent, holeBytes: r.holeBytes, seconds: r.seconds };
}
