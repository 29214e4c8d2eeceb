// Names for bulk clones: "web-{n}" with n = 1..count ({n} may be zero-padded
// as {nn}, {nnn}); "{name}" is the source VM's name. Names already taken on
// the host are skipped, so "web-{n}" x3 next to an existing web-2 gives
// web-1, web-3, web-4.

export function expandCloneNames(pattern: string, count: number, source: string, taken: Iterable<string>): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 100) throw new Error('between 1 and 100 clones at a time');
  const used = new Set(taken);
  const hasN = /\{n+\}/.test(pattern);
  if (count > 1 && !hasN) throw new Error('several clones need {n} in the name pattern (e.g. web-{n})');
  const render = (i: number) => pattern.replace(/\{name\}/g, source).replace(/\{(n+)\}/g, (_, ns: string) => String(i).padStart(ns.length, '0'));
  const out: string[] = [];
  if (!hasN) {
    const name = render(0).trim();
    if (!name) throw new Error('the name is empty');
    if (used.has(name)) throw new Error(`a VM named “${name}” already exists`);
    if (name.includes('/')) throw new Error('libvirt does not allow “/” in VM names');
    return [name];
  }
  for (let i = 1; out.length < count && i < count + 1000; i++) {
    const name = render(i).trim();
    if (name.includes('/')) throw new Error('libvirt does not allow “/” in VM names');
    if (!used.has(name)) out.push(name);
  }
  return out;
}

/** The VM name with anything risky in a file name replaced (quotes, spaces, `$`, non-ASCII…). */
export function volumeStem(vmName: string, fallback = 'vm'): string {
  return vmName.replace(/[^A-Za-z0-9._+-]+/g, '_').replace(/^[._-]+/, '') || fallback;
}

/** A file name for a clone's disk: the VM name with anything risky in a path replaced. */
export function cloneVolumeName(vmName: string, target: string, ext: string, single: boolean): string {
  return `${volumeStem(vmName, 'clone')}${single ? '' : `-${target}`}${ext}`;
}
