import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WORKER_MIN_BYTES, contentHash } from './content-hash';

// A real worker thread (nothing here is faked): the digest must equal Node's
// own SHA-256 of the same logical bytes, whichever side hashed them.
const parts = [randomBytes(1000), 5000, randomBytes(3 * 1024 * 1024 + 7).subarray(3), 1, Buffer.alloc(0), randomBytes(10)] as const;
const expected = () => {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'number' ? Buffer.alloc(p) : p);
  return h.digest('hex');
};

describe('contentHash', () => {
  for (const [name, size] of [
    ['inline (small transfer)', 1024],
    ['worker (big or unknown size)', undefined],
  ] as const) {
    it(`${name}: data and zero runs hash like the same bytes fed to createHash`, async () => {
      const h = contentHash(size);
      for (const p of parts) {
        if (typeof p === 'number') h.zeros(p);
        else await h.update(p);
      }
      expect(await h.digest()).toBe(expected());
    });
  }

  it('hashes only the bytes of a view, not the rest of its buffer', async () => {
    const big = randomBytes(1 << 20);
    const h = contentHash(WORKER_MIN_BYTES);
    await h.update(big.subarray(100, 200));
    expect(await h.digest()).toBe(createHash('sha256').update(big.subarray(100, 200)).digest('hex'));
  });

  it('makes the caller wait once the worker is a ring behind, and keeps data and zero runs in order', async () => {
    const h = contentHash();
    const ref = createHash('sha256');
    const waits: Promise<void>[] = [];
    // 80 MiB without yielding, more than the ring holds: the worker's acknowledgements cannot arrive meanwhile.
    for (let i = 0; i < 20; i++) {
      const chunk = randomBytes((4 << 20) + i);
      ref.update(chunk);
      const w = h.update(chunk);
      if (w) waits.push(w);
      ref.update(Buffer.alloc(1000 + i));
      h.zeros(1000 + i);
    }
    expect(waits.length).toBeGreaterThan(0);
    await Promise.all(waits);
    expect(await h.digest()).toBe(ref.digest('hex'));
  });

  it('after dispose (a failed transfer) the digest is refused, not invented', async () => {
    const h = contentHash();
    await h.update(Buffer.from('abc'));
    h.dispose();
    await expect(h.digest()).rejects.toThrow(/checksum worker stopped/);
  });
});
