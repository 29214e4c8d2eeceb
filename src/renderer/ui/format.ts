// Display helpers. libvirt reports memory in KiB; we show binary units
// because that's what the guest and `virsh dominfo` will say.

export function formatKiB(kib: number | undefined): string {
  if (kib === undefined || !Number.isFinite(kib)) return '—';
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = kib;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = v >= 100 || Number.isInteger(v) ? 0 : 1;
  return `${v.toFixed(digits)} ${units[u]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "in 12 s", "in 3 min" for a future epoch-ms time. */
export function formatIn(at: number, now: number): string {
  const s = Math.max(0, Math.ceil((at - now) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
}

/** List names for a notification: a few, then "and N more". */
export function nameList(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  for (const t of text.split(',')) {
    const v = t.trim();
    if (v) seen.add(v);
  }
  return [...seen];
}
