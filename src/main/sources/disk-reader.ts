import { AppFailure } from '../../shared/ipc/result';
import type { HostTransport, ProcessChannel } from '../hosts/transport';
import { Rechunked } from '../storage/rechunked';
import { parseSourceStream, SPARSE_READER_PY } from './sparse-read';

// Reading a source machine's disks, and nothing else: every script here only
// reads (dd, sha256sum, blockdev) or, when the admin chose it, freezes and
// thaws a filesystem. Paths reach the scripts as "$1" (data, never parsed by
// a shell). Root runs them directly; another user through `sudo -n` (never a
// password prompt); without either they stop with exit 77 and a clear message.

const NO_PRIV = 77;
const PRIV = `
priv() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif sudo -n true 2>/dev/null; then sudo -n "$@"
  else echo "reading disks needs root or sudo without a password (sudo -n); $(id -un) has neither" >&2; exit ${NO_PRIV}
  fi
}
export LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
`;
const DEVICE = `${PRIV}[ -b "$1" ] || { echo "$1 is not a block device" >&2; exit 66; }
`;

// python3 on the source: zero runs are found there and never cross its link
// (sparse-read.ts). Otherwise dd, with O_DIRECT so a multi-GB read does not
// evict the source's page cache (some devices refuse it: then a plain read).
const READ_SCRIPT = `${DEVICE}priv true
if command -v python3 >/dev/null 2>&1; then
  priv python3 -c "$2" "$1"
else
  printf VDR1
  if priv dd if="$1" of=/dev/null bs=4M count=1 iflag=direct status=none 2>/dev/null; then flags=iflag=direct; else flags=iflag=fullblock; fi
  priv dd if="$1" bs=4M "$flags" status=none
fi
`;

const SIZE_SCRIPT = `${DEVICE}priv blockdev --getsize64 "$1"`;
const SHA_SCRIPT = `${DEVICE}priv sha256sum "$1"`;
const FREEZE_SCRIPT = `${PRIV}[ -d "$1" ] || { echo "$1 is not a directory" >&2; exit 66; }\npriv fsfreeze "$2" "$1"`;

function failure(t: HostTransport, what: string, code: number | null, stderr: Buffer): AppFailure {
  const msg = stderr.toString('utf8').trim().split('\n').slice(-3).join('; ');
  if (code === NO_PRIV) return new AppFailure('UNAUTHORIZED', `${what}: ${msg}`, { hostId: t.hostId });
  return new AppFailure('INTERNAL', `${what} failed on the source${msg ? `: ${msg}` : ` (exit ${code})`}`, { hostId: t.hostId });
}

export async function deviceSize(t: HostTransport, device: string, signal?: AbortSignal): Promise<number> {
  const r = await t.execScript(SIZE_SCRIPT, [device], { timeoutMs: 30_000, ...(signal ? { signal } : {}) });
  const n = Number(r.stdout.toString('latin1').trim());
  if (r.code !== 0 || !Number.isSafeInteger(n) || n <= 0) throw failure(t, `Size of ${device}`, r.code, r.stderr);
  return n;
}

/** SHA-256 of the whole device, computed ON the source (a second full read there). */
export async function deviceSha256(t: HostTransport, device: string, signal?: AbortSignal): Promise<string> {
  const r = await t.execScript(SHA_SCRIPT, [device], { timeoutMs: 6 * 3_600_000, ...(signal ? { signal } : {}) });
  const hex = /^[0-9a-f]{64}/.exec(r.stdout.toString('latin1'))?.[0];
  if (r.code !== 0 || !hex) throw failure(t, `SHA-256 of ${device}`, r.code, r.stderr);
  return hex;
}

export async function freeze(t: HostTransport, mountpoint: string, on: boolean, signal?: AbortSignal): Promise<void> {
  const r = await t.execScript(FREEZE_SCRIPT, [mountpoint, on ? '-f' : '-u'], {
    timeoutMs: 60_000,
    ...(signal ? { signal } : {}),
  });
  if (r.code !== 0) throw failure(t, `fsfreeze ${on ? '-f' : '-u'} ${mountpoint}`, r.code, r.stderr);
}

export interface DeviceReader {
  /**
   * The device's bytes in order: data (1 MiB views of a few recycled buffers,
   * a lease: see Rechunked) and zero runs the source already found.
   */
  chunks: Rechunked;
  /** Resolves once the reader exited 0; rejects with what it said otherwise. */
  finished(): Promise<void>;
  /**
   * After a failed transfer: the reader's own failure if it ended by itself
   * (no privilege, a read error) within `ms`; undefined if it is still
   * running (the failure came from elsewhere). Its words say more than "short stream".
   */
  ownFailure(ms: number): Promise<Error | undefined>;
  /** Stops reading (closing the channel ends dd with SIGPIPE on its next write). */
  close(): void;
}

export async function openDeviceReader(t: HostTransport, device: string): Promise<DeviceReader> {
  const ch: ProcessChannel = await t.spawnScript(READ_SCRIPT, [device, SPARSE_READER_PY]);
  ch.end(); // the script is on stdin already; dd reads the device, not stdin
  const err: Buffer[] = [];
  ch.stderr.on('data', (d: Buffer) => err.length < 64 && err.push(d));
  return {
    chunks: new Rechunked(parseSourceStream(ch as AsyncIterable<Buffer>)),
    async finished() {
      const code = await ch.exitCode();
      if (code !== 0) throw failure(t, `Reading ${device}`, code, Buffer.concat(err));
    },
    async ownFailure(ms) {
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([ch.exitCode(), new Promise<'running'>((r) => (timer = setTimeout(() => r('running'), ms)))]);
      clearTimeout(timer);
      return code === 'running' || code === 0 ? undefined : failure(t, `Reading ${device}`, code, Buffer.concat(err));
    },
    close() {
      ch.destroy();
    },
  };
}
