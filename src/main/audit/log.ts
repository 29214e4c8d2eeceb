import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditFilter, AuditRecord, AuditVerdict } from '../../shared/model/audit';
import type { Logger } from '../util/log';

// The audit log: one JSON record per line in audit.jsonl, appended only.
// Each record carries the hash of the previous one and its own hash over
// (previous hash + its content), so editing, deleting or reordering any line
// breaks the chain from that line on, and `verify()` names the first record
// that no longer fits. It proves tampering happened, not who did it; keep
// exports elsewhere for that.

const GENESIS = '0'.repeat(64);

export type AuditInput = Omit<AuditRecord, 'seq' | 'id' | 'prev' | 'hash'>;

export class AuditLog {
  readonly file: string;
  private fh: FileHandle | null = null;
  private lastHash = GENESIS;
  private seq = 0;
  private queue: Promise<void> = Promise.resolve();
  private opened: Promise<void> | null = null;

  constructor(
    dir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dir, 'audit', 'audit.jsonl');
  }

  /** Appends one record; resolves once it is written. Never throws (a failed write is logged). */
  append(input: AuditInput): Promise<AuditRecord | null> {
    const run = async (): Promise<AuditRecord | null> => {
      await this.open();
      const body = { seq: this.seq + 1, id: `a-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`, ...input, prev: this.lastHash };
      const hash = chainHash(body.prev, JSON.stringify(body));
      const rec = { ...body, hash } as AuditRecord;
      try {
        await (this.fh as FileHandle).appendFile(JSON.stringify(rec) + '\n');
        this.seq = rec.seq;
        this.lastHash = hash;
        return rec;
      } catch (e) {
        this.log.error(`audit: could not append a record for ${input.call}: ${String(e)}`);
        return null;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /** Resolves when every append asked so far is written. */
  async flush(): Promise<void> {
    await this.queue;
  }

  /** Records matching `filter`, newest first. */
  async list(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    await this.flush();
    const limit = filter.limit ?? 500;
    const ring: AuditRecord[] = [];
    await this.scan((rec) => {
      if (rec && matches(rec, filter)) {
        ring.push(rec);
        if (ring.length > limit) ring.shift();
      }
    });
    return ring.reverse();
  }

  /** Walks the whole chain; the first record that does not fit is named. */
  async verify(): Promise<AuditVerdict> {
    await this.flush();
    let prev = GENESIS;
    let expectSeq = 1;
    let records = 0;
    let broken: AuditVerdict['broken'];
    await this.scan((rec, line, raw) => {
      if (broken) return;
      if (!rec) {
        broken = { line, reason: `line ${line} is not a readable audit record`, excerpt: raw.slice(0, 120) };
        return;
      }
      const { hash, ...body } = rec;
      const where = { line, seq: rec.seq, id: rec.id };
      if (rec.prev !== prev) broken = { ...where, reason: `record ${rec.seq} (line ${line}) does not follow the record before it: a record was removed, inserted or reordered` };
      else if (chainHash(rec.prev, JSON.stringify(body)) !== hash) broken = { ...where, reason: `record ${rec.seq} (line ${line}) was changed after it was written` };
      else if (rec.seq !== expectSeq) broken = { ...where, reason: `record ${rec.seq} (line ${line}) breaks the sequence: expected ${expectSeq}` };
      if (broken) return;
      prev = hash;
      expectSeq = rec.seq + 1;
      records++;
    });
    return broken ? { ok: false, records, broken } : { ok: true, records };
  }

  async dispose(): Promise<void> {
    await this.flush();
    await this.fh?.close().catch(() => undefined);
    this.fh = null;
  }

  private open(): Promise<void> {
    this.opened ??= (async () => {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const last = await lastLine(this.file);
      if (last) {
        try {
          const rec = JSON.parse(last) as AuditRecord;
          this.seq = rec.seq;
          this.lastHash = rec.hash;
        } catch {
          // A torn last line (crash mid-write): chain on from its bytes; verify() will name it.
          this.lastHash = createHash('sha256').update(last).digest('hex');
          this.log.warn(`audit: the last line of ${this.file} is unreadable; the chain check will report it`);
        }
      }
      this.fh = await open(this.file, 'a', 0o600);
    })();
    return this.opened;
  }

  private async scan(each: (rec: AuditRecord | null, line: number, raw: string) => void): Promise<void> {
    try {
      await stat(this.file);
    } catch {
      return;
    }
    const rl = createInterface({ input: createReadStream(this.file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let line = 0;
    for await (const raw of rl) {
      line++;
      if (!raw.trim()) continue;
      let rec: AuditRecord | null = null;
      try {
        const v = JSON.parse(raw) as AuditRecord;
        if (v && typeof v === 'object' && typeof v.seq === 'number' && typeof v.hash === 'string') rec = v;
      } catch {
        rec = null;
      }
      each(rec, line, raw);
    }
  }
}

function chainHash(prev: string, body: string): string {
  return createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

function matches(r: AuditRecord, f: AuditFilter): boolean {
  if (f.from !== undefined && r.t < f.from) return false;
  if (f.to !== undefined && r.t > f.to) return false;
  if (f.user && r.user !== f.user) return false;
  if (f.hostId && r.hostId !== f.hostId) return false;
  if (f.call && !r.call.startsWith(f.call)) return false;
  if (f.result && r.result !== f.result) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    const hay = `${r.user} ${r.call} ${r.hostId ?? ''} ${r.target ?? ''} ${r.error?.message ?? ''} ${JSON.stringify(r.args)}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

/** The last non-empty line of a file, read from its end (the log can be large). */
async function lastLine(file: string): Promise<string | null> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const { size } = await fh.stat();
    let take = Math.min(size, 64 * 1024);
    for (;;) {
      const buf = Buffer.alloc(take);
      await fh.read(buf, 0, take, size - take);
      const text = buf.toString('utf8').replace(/\n+$/, '');
      const nl = text.lastIndexOf('\n');
      if (nl >= 0 || take === size) return text.slice(nl + 1) || null;
      take = Math.min(size, take * 4);
    }
  } finally {
    await fh.close();
  }
}
