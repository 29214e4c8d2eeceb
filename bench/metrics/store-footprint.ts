// Synthetic load for the history store: 300 VMs with plausible, noisy values,
// 7 days at the background rate's minute rows, then an hour of 10 s samples
// (nobody watching), then an hour with every VM watched at 1 s (worst case).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VM_METRICS } from '../../src/shared/model/metrics';
import { encodeFrame } from '../../src/main/metrics/store/frame';
import { HistoryStore, type AppendRow } from '../../src/main/metrics/store/history-store';

const uuid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

export async function storeFootprint(vms: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-store-bench-'));
  const start = Date.UTC(2026, 0, 1);
  let now = start;
  const store = new HistoryStore(dir, { now: () => now });
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const rows = (): AppendRow[] =>
    Array.from({ length: vms }, (_, i) => {
      const busy = i % 10 === 0;
      const v = VM_METRICS.map((m) => {
        switch (m) {
          case 'cpu':
          case 'vcpu':
            return busy ? 60 + 40 * rnd() : 3 * rnd();
          case 'mem':
            return 2 ** 30 + 2 ** 20 * Math.floor(64 * rnd());
          case 'memRss':
            return 9 * 2 ** 27;
          case 'memCache':
            return 2 ** 26;
          default:
            return busy ? 1e6 * rnd() : rnd() < 0.7 ? 0 : 4096 * rnd();
        }
      });
      return { kind: 'vm', key: uuid(i), name: `vm-${i}`, values: v };
    });
  // How long one append holds the event loop (encode + in-memory indexes; the file write is queued),
  // measured in the last phase where, as in real life, each tick's write is done before the next.
  const blockMs: number[] = [];
  const run = async (fromMs: number, toMs: number, stepMs: number, measure = false) => {
    for (now = fromMs; now < toMs; now += stepMs) {
      const r = rows();
      const a = performance.now();
      store.append('h', now, r);
      await Promise.resolve(); // the append's own step runs on the next microtask
      if (measure) {
        blockMs.push(performance.now() - a);
        await store.flush();
      } else if ((now - fromMs) % (600 * stepMs) === 0) await store.flush(); // history filled fast
    }
    await store.flush();
  };
  const mib = (x: number) => x / 2 ** 20;
  await run(start, start + 7 * 86_400_000, 60_000);
  await run(now, now + 3_600_000, 10_000);
  const s = await store.footprint();
  const steady = { diskMiB: mib(s.diskBytes), memoryMiB: mib(s.memoryBytes) };
  await run(now, now + 3_600_000, 1000, true);
  const w = await store.footprint();
  const watched = { diskMiB: mib(w.diskBytes), memoryMiB: mib(w.memoryBytes) };
  const q0 = performance.now();
  await store.query('h', uuid(5), now - 7 * 86_400_000, now, 1008);
  const weekQueryMs = performance.now() - q0;
  const bytesPerTick = encodeFrame(0, rows().map((r, i) => ({ id: i, values: r.values }))).length;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  blockMs.sort((a, b) => a - b);
  const appendMs = { p50: blockMs[Math.floor(blockMs.length / 2)]!, p99: blockMs[Math.floor(blockMs.length * 0.99)]!, max: blockMs[blockMs.length - 1]! };
  return { steady, watched, bytesPerTick, weekQueryMs, appendMs };
}
