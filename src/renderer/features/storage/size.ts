// Sizes in forms: a number and a binary unit, as virt-manager and `virsh vol-create-as` take them.
export const UNITS = { MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 } as const;
export type SizeUnit = keyof typeof UNITS;

/** Bytes for "20" + "GiB"; undefined when the text is not a positive number. */
export function toBytes(text: string, unit: SizeUnit): number | undefined {
  const n = Number(text.trim().replace(',', '.'));
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Math.round(n * UNITS[unit]);
}

/** The largest unit that shows `bytes` as a tidy number ("1.5" GiB, "512" MiB). */
export function fromBytes(bytes: number): { text: string; unit: SizeUnit } {
  for (const unit of ['TiB', 'GiB', 'MiB'] as const) {
    const v = bytes / UNITS[unit];
    if (v >= 1 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-6) return { text: String(Math.round(v * 100) / 100), unit };
  }
  return { text: String(Math.round((bytes / UNITS.MiB) * 100) / 100), unit: 'MiB' };
}

/** "disk.qcow2" -> "disk-clone.qcow2"; keeps the extension so the format still shows in the name. */
export function cloneName(name: string, taken: readonly string[]): string {
  const dot = name.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 1; ; i++) {
    const candidate = `${base}-clone${i === 1 ? '' : i}${ext}`;
    if (!taken.includes(candidate)) return candidate;
  }
}
