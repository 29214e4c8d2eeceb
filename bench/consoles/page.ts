// The page side of the bridge benchmark, in its own process (as a browser tab
// is): opens the console WebSocket it is given and runs one measurement.
import { down, latency, up, wsPipe } from './ops';

const ops = { latency, down, up };
process.on('message', (m: { op: keyof typeof ops; url: string }) => {
  void (async () => {
    const p = await wsPipe(m.url);
    try {
      process.send?.({ value: await ops[m.op](p) });
    } finally {
      p.close();
    }
  })().catch((e: unknown) => process.send?.({ error: String(e) }));
});
process.on('disconnect', () => process.exit(0));
