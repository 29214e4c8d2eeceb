import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { AppFailure } from '../../shared/ipc/result';
import { isSafeArchivePath } from '../../shared/backup/paths';
import { BackupManifestSchema, type BackupFile, type BackupManifest } from '../../shared/model/backup';
import { writeFileAtomic } from '../util/atomic-file';
import { packTar, TarFormatError, unpackTar } from './tar';

// The archive is one .tar.gz: manifest.json first, then the files it lists,
// each with its sha256. Reading verifies every checksum and refuses a damaged
// archive naming the file, so a restore never runs on half-right data.

const gz = promisify(gzip);
const gunz = promisify(gunzip);

export const MANIFEST = 'manifest.json';
/** Definitions only: far below this; anything bigger is not ours. */
const MAX_UNPACKED = 512 * 1024 * 1024;

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export type ManifestDraft = Omit<BackupManifest, 'files'>;

/** Builds the archive bytes: the manifest (with each file's checksum) and the files. */
export async function packArchive(draft: ManifestDraft, files: ReadonlyMap<string, Buffer>): Promise<{ bytes: Buffer; manifest: BackupManifest }> {
  const listed: BackupFile[] = [];
  for (const [path, data] of files) {
    if (!isSafeArchivePath(path) || path === MANIFEST) throw new Error(`bad archive path ${path}`);
    listed.push({ path, sha256: sha256(data), size: data.length });
  }
  const manifest: BackupManifest = { ...draft, files: listed };
  const mtime = draft.created;
  const tar = packTar([{ path: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), mtime }, ...[...files].map(([path, data]) => ({ path, data, mtime }))]);
  return { bytes: await gz(tar, { level: 9 }), manifest };
}

export async function writeArchive(file: string, draft: ManifestDraft, files: ReadonlyMap<string, Buffer>): Promise<{ manifest: BackupManifest; size: number }> {
  const { bytes, manifest } = await packArchive(draft, files);
  await writeFileAtomic(file, bytes);
  return { manifest, size: bytes.length };
}

export interface OpenedArchive {
  manifest: BackupManifest;
  /** Verified file contents by archive path. */
  files: Map<string, Buffer>;
  text(path: string): string;
}

const damaged = (label: string, why: string, detail?: unknown) =>
  new AppFailure('VALIDATION', `Backup ${label} is damaged: ${why}. It was not used; pick another backup.`, detail === undefined ? {} : { detail });

/** Unpacks and verifies archive bytes; `label` names the archive in errors. */
export async function openArchiveBytes(bytes: Buffer, label: string): Promise<OpenedArchive> {
  let tar: Buffer;
  try {
    tar = await gunz(bytes, { maxOutputLength: MAX_UNPACKED });
  } catch (e) {
    throw damaged(label, `it is not a readable gzip file (${(e as Error).message})`);
  }
  let members: Map<string, Buffer>;
  try {
    members = unpackTar(tar, (p) => p === MANIFEST || isSafeArchivePath(p));
  } catch (e) {
    if (e instanceof TarFormatError) throw damaged(label, e.message);
    throw e;
  }
  const raw = members.get(MANIFEST);
  if (!raw) throw damaged(label, 'manifest.json is missing');
  let manifest: BackupManifest;
  try {
    manifest = BackupManifestSchema.parse(JSON.parse(raw.toString('utf8')));
  } catch (e) {
    throw damaged(label, `manifest.json is not a VirtDeck manifest (${(e as Error).message.slice(0, 200)})`);
  }
  const bad: string[] = [];
  for (const f of manifest.files) {
    const data = members.get(f.path);
    if (!data) bad.push(`${f.path} is missing`);
    else if (data.length !== f.size || sha256(data) !== f.sha256) bad.push(`${f.path} does not match its checksum`);
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const p of members.keys()) if (p !== MANIFEST && !listed.has(p)) bad.push(`${p} is not in the manifest`);
  if (bad.length) throw damaged(label, bad.slice(0, 5).join('; ') + (bad.length > 5 ? ` (and ${bad.length - 5} more)` : ''), { files: bad });
  members.delete(MANIFEST);
  return {
    manifest,
    files: members,
    text(path) {
      const b = members.get(path);
      if (!b) throw damaged(label, `${path} is missing`);
      return b.toString('utf8');
    },
  };
}

export async function openArchive(file: string, label: string): Promise<OpenedArchive> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new AppFailure('NOT_FOUND', `Backup ${label} no longer exists`);
    throw e;
  }
  return openArchiveBytes(bytes, label);
}
