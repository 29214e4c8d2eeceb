import { say } from '../../shared/i18n/core-text';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallArgs, CallOutput } from '../../shared/ipc/contract';
import { AppFailure } from '../../shared/ipc/result';
import { formatBytes } from '../../shared/libvirt/units';
import type { TaskRef } from '../../shared/model/task';
import type { VolumeRef } from '../../shared/model/volume';
import { P } from '../libvirt/rpc/procedures/index';
import type { Route } from '../ipc/http-server';
import type { TaskContext, TaskManager } from '../tasks/manager';
import { storageFailure } from './errors';
import { FileChunks } from './file-chunks';
import { Rechunked } from './rechunked';
import { GrantedPaths, readableFile, sparseFileSink, writableTarget } from './local-files';
import type { StorageDeps } from './pools';
import { downloadVolume } from './transfer';
import { uploadToNewVolume, type UploadResult } from './upload-task';
import { lookupVolume } from './volumes';
import type { FileDialogs } from './index';

export const UPLOAD_PREFIX = '/api/storage/upload/';
export const DOWNLOAD_PREFIX = '/api/storage/download/';
/** How long a browser has to start sending (upload) or fetching (download) after the call. */
export const TICKET_TTL_MS = { upload: 120_000, download: 60_000 };

const TICKET_RE = /^[A-Za-z0-9_-]{43}$/;
const newTicket = () => randomBytes(32).toString('base64url');

interface Pending<T> {
  taskId: string;
  hostId: string;
  size: number;
  fileName?: string;
  hand(x: T): void;
  /** The task's outcome, for the HTTP answer. */
  result: Promise<unknown>;
}

/** Waits for what the route hands over, or the cancel, or the ticket's end. */
function arrival<T>(ttlMs: number, what: string): { promise: (ctx: TaskContext) => Promise<T>; hand: (x: T) => void } {
  let hand!: (x: T) => void;
  const got = new Promise<T>((r) => (hand = r));
  return {
    hand,
    promise: (ctx) =>
      new Promise<T>((resolve, reject) => {
        const settle = (fn: () => void) => {
          clearTimeout(timer);
          ctx.signal.removeEventListener('abort', onAbort);
          fn();
        };
        const timer = setTimeout(() => settle(() => reject(new AppFailure('TIMEOUT', `${what} did not start within ${ttlMs / 1000} s; nothing was transferred`))), ttlMs);
        const onAbort = () => settle(() => reject(ctx.signal.reason));
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        void got.then((x) => settle(() => resolve(x)));
      }),
  };
}

/** The request body as chunks; a browser that goes away becomes a clear error naming what arrived. */
async function* bodyOf(req: IncomingMessage, size: number): AsyncGenerator<Buffer> {
  let got = 0;
  try {
    for await (const chunk of req) {
      got += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch {
    /* ECONNRESET / aborted: reported below */
  }
  if (got < size) throw new AppFailure('CANCELLED', `The browser stopped sending after ${formatBytes(got)} of ${formatBytes(size)} (page closed, reloaded or network dropped)`);
}

/** Uploads and downloads: the browser's HTTP routes and the desktop's native files. */
export class Transfers {
  private readonly uploads = new Map<string, Pending<IncomingMessage>>();
  private readonly downloads = new Map<string, Pending<ServerResponse>>();
  private readonly granted = new GrantedPaths();
  /** Set by serve mode when it mounts the routes; Electron has no HTTP front. */
  private httpRoutes = false;

  constructor(
    private readonly deps: StorageDeps,
    private readonly tasks: TaskManager,
    private readonly dialogs?: FileDialogs,
  ) {}

  private requireRoutes(): void {
    if (!this.httpRoutes) throw new AppFailure('UNSUPPORTED', 'Browser transfers need `virtdeck serve`; the desktop app uses the file dialogs');
  }

  /** `volumes.upload`: the task starts now and waits for the page to PUT the file on uploadPath. */
  async browserUpload(input: CallArgs<'volumes.upload'>): Promise<CallOutput<'volumes.upload'>> {
    this.requireRoutes();
    const ticket = newTicket();
    const req = arrival<IncomingMessage>(TICKET_TTL_MS.upload, 'The browser upload');
    const { taskId, result } = this.tasks.run(this.uploadSpec(input, 'browser'), (ctx) =>
      uploadToNewVolume(this.deps, ctx, {
        ...input,
        source: async (c) => {
          c.phase(say('phase.waitingForBrowser'));
          // The body arrives in ~64 KiB pieces: re-cut into recycled 1 MiB views.
          return new Rechunked(bodyOf(await req.promise(c), input.size));
        },
      }).finally(() => this.uploads.delete(ticket)),
    );
    result.catch(() => undefined); // the task records its own failure
    this.uploads.set(ticket, { taskId, hostId: input.hostId, size: input.size, hand: req.hand, result });
    return { taskId, uploadPath: UPLOAD_PREFIX + ticket };
  }

  /** `volumes.download`: a one-time link; the task starts when the browser fetches it. */
  async browserDownload(ref: VolumeRef): Promise<CallOutput<'volumes.download'>> {
    this.requireRoutes();
    const c = this.deps.sessions.client(ref.hostId);
    const vol = await lookupVolume(c, ref);
    const info = await c.call(P.STORAGE_VOL_GET_INFO, { vol }).catch((e: unknown) => {
      throw storageFailure(e, ref.hostId, { what: `Reading “${ref.name}”`, pool: ref.pool, volume: ref.name });
    });
    const ticket = newTicket();
    const res = arrival<ServerResponse>(TICKET_TTL_MS.download, 'The browser download');
    const { taskId, result } = this.tasks.run(this.downloadSpec(ref, 'browser'), async (ctx) => {
      try {
        ctx.phase(say('phase.waitingForBrowser'));
        const out = await res.promise(ctx);
        return await this.download(ctx, ref, info.capacity, httpSink(out), () => out.end());
      } finally {
        this.downloads.delete(ticket);
      }
    });
    result.catch(() => undefined);
    const fileName = safeFileName(ref.name);
    this.downloads.set(ticket, { taskId, hostId: ref.hostId, size: info.capacity, fileName, hand: res.hand, result });
    return { taskId, downloadPath: DOWNLOAD_PREFIX + ticket, fileName, size: info.capacity };
  }

  /** `files.choose`: the native dialog (desktop only); what it returns is the only path the core will accept. */
  async chooseFile(input: CallArgs<'files.choose'>): Promise<CallOutput<'files.choose'>> {
    if (!this.dialogs) throw new AppFailure('UNSUPPORTED', 'Choosing files on this computer works in the desktop app; in a browser the page picks the file itself');
    const p = input.mode === 'open' ? await this.dialogs.open({ title: input.title }) : await this.dialogs.save({ title: input.title, defaultName: input.defaultName });
    if (!p) return {};
    this.granted.grant(input.mode, p);
    if (input.mode === 'save') return { path: p, name: p.split(/[\\/]/).pop() };
    const f = await readableFile(p);
    return { path: f.path, name: f.name, size: f.size };
  }

  /** `volumes.uploadFile`: the core reads a file the user chose in the native dialog. */
  async fileUpload(input: CallArgs<'volumes.uploadFile'>): Promise<TaskRef> {
    const file = await readableFile(this.granted.check('open', input.path));
    return this.tasks.start({ ...this.uploadSpec({ ...input, size: file.size }, file.name), retry: { call: 'volumes.uploadFile', input } }, (ctx) =>
      uploadToNewVolume(this.deps, ctx, { ...input, size: file.size, source: async () => new FileChunks(file.path) }),
    );
  }

  /** `volumes.downloadFile`: the core writes the volume to a file chosen in the native save dialog, sparse. */
  async fileDownload(ref: VolumeRef, target: string): Promise<TaskRef> {
    const path = await writableTarget(this.granted.check('save', target));
    const c = this.deps.sessions.client(ref.hostId);
    const info = await c.call(P.STORAGE_VOL_GET_INFO, { vol: await lookupVolume(c, ref) });
    return this.tasks.start({ ...this.downloadSpec(ref, path), retry: { call: 'volumes.downloadFile', input: { ...ref, path: target } } }, async (ctx) => {
      const file = await sparseFileSink(path);
      ctx.undo(`delete the partial file ${path}`, () => file.abort());
      return this.download(ctx, ref, info.capacity, file.sink, () => file.finish(info.capacity));
    });
  }

  private async download(ctx: TaskContext, ref: VolumeRef, size: number, sink: (item: Buffer | { hole: number }) => Promise<void>, finish: () => unknown): Promise<{ sha256: string; bytesSent: number; holeBytes: number }> {
    const c = this.deps.sessions.client(ref.hostId);
    const vol = await lookupVolume(c, ref);
    ctx.phase(say('phase.downloading'));
    ctx.progress({ unit: 'bytes', done: 0, total: size, secondary: { label: 'received as data', done: 0 } });
    const r = await downloadVolume({
      sessions: this.deps.sessions,
      hostId: ref.hostId,
      vol,
      total: size,
      sink,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress({ unit: 'bytes', done: p.done, total: size, secondary: { label: 'received as data', done: p.sent } }),
    });
    await finish();
    ctx.log(`Received ${formatBytes(r.bytesSent)} as data and ${formatBytes(r.holeBytes)} as holes; SHA-256 ${r.sha256}`);
    return { sha256: r.sha256, bytesSent: r.bytesSent, holeBytes: r.holeBytes };
  }

  private uploadSpec(input: { hostId: string; pool: string; name: string; size: number }, from: string) {
    return {
      kind: 'volume.upload',
      title: say(from !== 'browser' && from !== input.name ? 'title.uploadAs' : 'title.upload', { file: from === 'browser' ? input.name : from, size: formatBytes(input.size), pool: input.pool, name: input.name }),
      hostId: input.hostId,
      target: { kind: 'volume' as const, hostId: input.hostId, id: `${input.pool}/${input.name}`, name: input.name },
    };
  }

  private downloadSpec(ref: VolumeRef, to: string) {
    return {
      kind: 'volume.download',
      title: say(to === 'browser' ? 'title.download' : 'title.downloadTo', { name: ref.name, pool: ref.pool, file: to }),
      hostId: ref.hostId,
      target: { kind: 'volume' as const, hostId: ref.hostId, id: `${ref.pool}/${ref.name}`, name: ref.name },
    };
  }

  /**
   * The HTTP routes for serve mode. Uploads need the full-control credential
   * (the front checks it: scope 'control') AND their one-time ticket.
   * Downloads need the ticket alone (scope null): a browser download is a
   * navigation, which cannot carry an Authorization header; the ticket is 256
   * random bits, made by an authenticated call, bound to one volume, valid for
   * one fetch within 60 s.
   */
  routes(): Route[] {
    this.httpRoutes = true;
    return [
      { path: UPLOAD_PREFIX, methods: ['PUT', 'POST'], scope: 'control', handle: (req, res, { url }) => this.onUpload(req, res, url.pathname.slice(UPLOAD_PREFIX.length)) },
      { path: DOWNLOAD_PREFIX, methods: ['GET'], scope: null, handle: (_req, res, { url }) => this.onDownload(res, url.pathname.slice(DOWNLOAD_PREFIX.length)) },
    ];
  }

  private async onUpload(req: IncomingMessage, res: ServerResponse, ticket: string): Promise<void> {
    const reply = replier(res);
    const p = TICKET_RE.test(ticket) ? this.uploads.get(ticket) : undefined;
    if (!p) return reply(404, { error: 'This upload link was used already or has expired' });
    const declared = Number(req.headers['content-length'] ?? p.size);
    if (declared !== p.size) return reply(400, { error: `The file is ${declared} bytes; ${p.size} were announced` });
    this.uploads.delete(ticket);
    p.hand(req);
    try {
      const r = (await p.result) as UploadResult;
      reply(200, { taskId: p.taskId, sha256: r.sha256, bytesSent: r.bytesSent });
    } catch (e) {
      const err = e instanceof AppFailure ? e.error : { code: 'INTERNAL', message: String(e) };
      reply(err.code === 'CANCELLED' ? 409 : 500, { taskId: p.taskId, error: err });
      req.destroy();
    }
  }

  private async onDownload(res: ServerResponse, ticket: string): Promise<void> {
    const p = TICKET_RE.test(ticket) ? this.downloads.get(ticket) : undefined;
    if (!p) return replier(res)(404, { error: 'This download link was used already or has expired' });
    this.downloads.delete(ticket);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(p.size),
      'Content-Disposition': contentDisposition(p.fileName ?? 'volume'),
      'Cache-Control': 'no-store',
    });
    p.hand(res);
    await p.result.catch(() => res.destroy());
  }
}

/** A JSON answer, or a cut connection once the body has started. */
const replier =
  (res: ServerResponse) =>
  (status: number, body: unknown): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  };

const ZEROS = Buffer.alloc(1 << 20);

/** A download's bytes into an HTTP response; holes become zeros (a browser has no notion of sparse files). */
function httpSink(res: ServerResponse): (item: Buffer | { hole: number }) => Promise<void> {
  let gone: Promise<never> | null = null;
  const closed = () => {
    if (!gone) {
      gone = new Promise<never>((_, reject) =>
        res.once('close', () => {
          if (!res.writableFinished) reject(new AppFailure('CANCELLED', 'The browser stopped receiving the file (download cancelled, page closed or network dropped)'));
        }),
      );
      gone.catch(() => undefined); // observed through the races below
    }
    return gone;
  };
  const write = async (b: Buffer) => {
    if (res.destroyed) await closed();
    if (!res.write(b)) await Promise.race([new Promise((r) => res.once('drain', r)), closed()]);
  };
  return async (item) => {
    if (Buffer.isBuffer(item)) return write(item);
    for (let left = item.hole; left > 0; left -= ZEROS.length) await write(left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left));
  };
}

/** A volume name as a download file name: path separators and control characters replaced. */
export function safeFileName(name: string): string {
  return name.replace(/[\\/\p{Cc}]/gu, '_').replace(/^\.+/, '_') || 'volume';
}

function contentDisposition(name: string): string {
  const safe = safeFileName(name);
  const ascii = safe.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(safe)}`;
}
