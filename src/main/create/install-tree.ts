import { AppFailure } from '../../shared/ipc/result';
import type { OsProfile } from '../../shared/create/os';
import { parseTreeinfo, treeCandidates, treeUrl, type TreeBoot } from '../../shared/create/tree';
import type { HostTransport } from '../hosts/transport';

// Network install, virt-install --location style: find the kernel and initrd
// in a distribution tree and bring them to the host. Either the host fetches
// them itself (curl or wget, its own route to the mirror) or VirtDeck does
// and uploads them (for hosts with no route out, or no curl/wget).

/** Who reads the tree: the host (over its exec channel) or VirtDeck itself. */
export interface TreeReader {
  /** The body of a small file, or undefined when it is not there. */
  text(url: string, signal: AbortSignal): Promise<string | undefined>;
  /** True when the file exists. */
  exists(url: string, signal: AbortSignal): Promise<boolean>;
}

/** Finds kernel + initrd: explicit paths, .treeinfo, the OS database's paths, known layouts. */
export async function findTreeBoot(
  reader: TreeReader,
  url: string,
  os: OsProfile | undefined,
  explicit: { kernelPath?: string | undefined; initrdPath?: string | undefined },
  signal: AbortSignal,
): Promise<TreeBoot> {
  if (explicit.kernelPath && explicit.initrdPath) return { kernel: explicit.kernelPath, initrd: explicit.initrdPath, from: 'the paths given', anaconda: explicit.kernelPath.startsWith('images/pxeboot') };
  const info = await reader.text(treeUrl(url, '.treeinfo'), signal);
  const fromInfo = info ? parseTreeinfo(info) : undefined;
  const tried: string[] = [];
  for (const c of [...(fromInfo ? [fromInfo] : []), ...treeCandidates(os)]) {
    signal.throwIfAborted();
    tried.push(c.kernel);
    if ((await reader.exists(treeUrl(url, c.kernel), signal)) && (await reader.exists(treeUrl(url, c.initrd), signal))) return c;
  }
  throw new AppFailure('NOT_FOUND', `No kernel and initrd found under ${url} (tried .treeinfo and ${tried.join(', ')}). Give their paths inside the tree.`);
}

/** VirtDeck reads the tree with fetch(). */
export const workstationReader: TreeReader = {
  async text(url, signal) {
    const r = await fetch(url, { signal }).catch((e: unknown) => {
      throw new AppFailure('HOST_UNREACHABLE', `Cannot reach ${url} from VirtDeck: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`);
    });
    if (!r.ok) return undefined;
    return (await r.text()).slice(0, 1 << 20);
  },
  async exists(url, signal) {
    const r = await fetch(url, { method: 'HEAD', signal }).catch(() => undefined);
    return !!r?.ok;
  },
};

const FETCHER = `if command -v curl >/dev/null 2>&1; then f=curl; elif command -v wget >/dev/null 2>&1; then f=wget; else echo "neither curl nor wget is installed" >&2; exit 127; fi`;

/** The host reads the tree with curl or wget (arguments are data: "$1" is the URL). */
export function hostReader(t: HostTransport): TreeReader {
  return {
    async text(url, signal) {
      const r = await t.execScript(`${FETCHER}\nif [ $f = curl ]; then curl -fsSL --max-time 30 -- "$1"; else wget -q -T 30 -O - -- "$1"; fi`, [url], { signal, timeoutMs: 45_000 });
      if (r.code === 127) throw new AppFailure('UNSUPPORTED', `${t.hostId} has neither curl nor wget: let VirtDeck fetch the tree instead`, { hostId: t.hostId });
      return r.code === 0 ? r.stdout.toString('utf8').slice(0, 1 << 20) : undefined;
    },
    async exists(url, signal) {
      const r = await t.execScript(`${FETCHER}\nif [ $f = curl ]; then curl -fsI --max-time 20 -o /dev/null -- "$1"; else wget -q -T 20 --spider -- "$1"; fi`, [url], { signal, timeoutMs: 30_000 });
      return r.code === 0;
    },
  };
}

/** The host downloads `url` into the file at `dest` (an existing volume's path); returns the byte count. */
export async function hostDownload(t: HostTransport, url: string, dest: string, signal: AbortSignal): Promise<number> {
  const r = await t.execScript(
    `${FETCHER}\nif [ $f = curl ]; then curl -fsSL --max-time 3600 -o "$2" -- "$1"; else wget -q -T 60 -O "$2" -- "$1"; fi || exit $?\nwc -c <"$2"`,
    [url, dest],
    { signal, timeoutMs: 3_700_000 },
  );
  if (r.code !== 0) {
    throw new AppFailure('HOST_UNREACHABLE', `${t.hostId} could not download ${url}: ${r.stderr.toString('utf8').trim() || `exit ${r.code}`}`, { hostId: t.hostId });
  }
  return Number(r.stdout.toString('utf8').trim()) || 0;
}
