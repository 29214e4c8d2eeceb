import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HostConfigSchema, type HostConfig } from '../../shared/model/host';

// hosts.json: the user's list of hosts. Losing it silently would be the worst
// bug this app could have, so: written atomically (temp file, fsync, rename),
// validated host by host on load, and any file we cannot fully read is copied
// aside before we ever write over it.

export interface StoredHosts {
  hosts: HostConfig[];
  /** Hosts offered by default (e.g. 'local') that the user removed. */
  removedDefaults: string[];
}

const FileSchema = z.object({
  version: z.literal(1),
  hosts: z.array(z.unknown()),
  removedDefaults: z.array(z.string()).default([]),
});

export async function loadHosts(file: string): Promise<{ data: StoredHosts; problems: string[]; backup?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { data: { hosts: [], removedDefaults: [] }, problems: [] };
    throw e;
  }
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    problems.push(`${file} is not valid JSON (${(e as Error).message})`);
  }
  const shape = raw === undefined ? undefined : FileSchema.safeParse(raw);
  if (shape && !shape.success) problems.push(`${file} does not look like a VirtDeck host list (${shape.error.issues[0]?.message})`);
  const hosts: HostConfig[] = [];
  const seen = new Set<string>();
  if (shape?.success) {
    shape.data.hosts.forEach((h, i) => {
      const parsed = HostConfigSchema.safeParse(h);
      const label = typeof (h as { name?: unknown })?.name === 'string' ? `"${(h as { name: string }).name}"` : `#${i + 1}`;
      if (!parsed.success) {
        problems.push(`host ${label}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      } else if (seen.has(parsed.data.id)) {
        problems.push(`host ${label}: duplicate id ${parsed.data.id}`);
      } else {
        seen.add(parsed.data.id);
        hosts.push(parsed.data);
      }
    });
  }
  const data = { hosts, removedDefaults: shape?.success ? shape.data.removedDefaults : [] };
  if (problems.length === 0) return { data, problems };
  const backup = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await copyFile(file, backup);
  problems.push(`the original file was kept as ${backup}`);
  return { data, problems, backup };
}

let queue: Promise<unknown> = Promise.resolve();

export function saveHosts(file: string, data: StoredHosts): Promise<void> {
  const run = async () => {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const body = JSON.stringify({ version: 1, hosts: data.hosts, removedDefaults: data.removedDefaults }, null, 2) + '\n';
    try {
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(body);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}
