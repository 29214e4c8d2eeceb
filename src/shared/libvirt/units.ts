// libvirt memory elements carry a unit attribute (default KiB); we keep KiB.
const FACTORS: Record<string, number> = {
  b: 1 / 1024, bytes: 1 / 1024,
  k: 1, kib: 1,
  kb: 1000 / 1024,
  m: 1024, mib: 1024,
  mb: 1e6 / 1024,
  g: 1024 ** 2, gib: 1024 ** 2,
  gb: 1e9 / 1024,
  t: 1024 ** 3, tib: 1024 ** 3,
  tb: 1e12 / 1024,
};

export function toKiB(value: number, unit = 'KiB'): number {
  const f = FACTORS[unit.toLowerCase()];
  if (f === undefined) throw new Error(`unknown memory unit ${unit}`);
  return Math.round(value * f);
}

/** Human text for KiB amounts, binary units as libvirt and virt-manager show them. */
export function formatKiB(kib: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = kib;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  return formatKiB(bytes / 1024);
}
