// Seeded PRNG (mulberry32) so fuzz failures reproduce from the printed seed.
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randInt = (rnd: () => number, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

export function randBytes(rnd: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/** Splits a buffer at random points (pieces of 1..maxPiece bytes). */
export function randomChunks(rnd: () => number, buf: Buffer, maxPiece: number): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < buf.length; ) {
    const n = randInt(rnd, 1, maxPiece);
    out.push(buf.subarray(o, o + n));
    o += n;
  }
  return out;
}
