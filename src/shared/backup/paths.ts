// File names inside a backup archive. VM, network and pool names are hostile
// input (quotes, slashes, `..`, non-ASCII, control characters), so they never
// become paths as they are: domains go by uuid, networks and pools by their
// name escaped to a safe alphabet. The manifest keeps the real names.

const SAFE = /^[A-Za-z0-9_-]$/;

/**
 * Percent-encodes every UTF-8 byte outside [A-Za-z0-9_-] (dots too, so no
 * name can become `.`/`..` or pick an extension), reversibly and
 * case-preserving. Long names are cut and suffixed with a short hash so two
 * names never share a file.
 */
export function escapeName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (SAFE.test(ch)) out += ch;
    else for (const b of new TextEncoder().encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (!out) return '%';
  // 80 keeps every member path within tar's 100-byte name field plus its 155-byte prefix.
  if (out.length <= 80) return out;
  return `${out.slice(0, 70)}~${fnv1a(name)}`;
}

/** A tiny stable hash for long-name suffixes (not security: the manifest maps files to names). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const hostDir = (hostId: string): string => `hosts/${escapeName(hostId)}`;
export function domainFile(hostId: string, uuid: string): string {
  if (!UUID.test(uuid)) throw new Error(`not a uuid: ${JSON.stringify(uuid)}`);
  return `${hostDir(hostId)}/domains/${uuid}.xml`;
}
export const networkFile = (hostId: string, name: string): string => `${hostDir(hostId)}/networks/${escapeName(name)}.xml`;
export const poolFile = (hostId: string, name: string): string => `${hostDir(hostId)}/pools/${escapeName(name)}.xml`;
export const ipsFile = (hostId: string): string => `${hostDir(hostId)}/ips.json`;
export const tagsFile = (hostId: string): string => `${hostDir(hostId)}/tags.json`;

/** What an archive member's path may look like: relative, no `.`/`..` segments, our alphabet only. */
export function isSafeArchivePath(p: string): boolean {
  if (!p || p.length > 240 || p.startsWith('/')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..' && /^[A-Za-z0-9_.%~-]+$/.test(seg));
}
