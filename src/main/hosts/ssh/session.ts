import type { Logger } from '../../util/log';
import type { ConnectError } from '../errors';
import type { Link, OpenContext } from '../link';
import { dialChain, dropReason, type DialDeps, type Hop } from './dial';
import { SshTransport } from './transport';

const END_GRACE_MS = 2000;

/** Dials the chain and wraps the final client as the host's one Link. */
export async function openSsh(hostId: string, hops: readonly Hop[], deps: DialDeps, ctx: OpenContext, log: Logger): Promise<Link> {
  const { clients, timings } = await dialChain(hops, deps, { hostId, ...ctx });
  const target = clients.at(-1);
  if (!target) throw new Error('no hops to dial');
  const transport = new SshTransport(hostId, target.client, log);
  const listeners = new Set<(r: ConnectError) => void>();
  let ended = false;
  let fallback: NodeJS.Timeout | undefined;

  // Whichever hop goes first takes the whole chain with it.
  let open = clients.length;
  for (const live of clients) {
    live.client.once('close', () => {
      if (--open === 0) clearTimeout(fallback);
      transport.markClosed();
      if (ended) return;
      ended = true;
      const reason = dropReason(live);
      for (const c of clients) c.client.destroy();
      for (const l of [...listeners]) l(reason);
      listeners.clear();
    });
  }
  log.info(`connected: ${timings.map((t) => `${t.host} tcp ${t.connectMs.toFixed(1)} ms, kex ${t.kexMs.toFixed(1)} ms, ready ${t.readyMs.toFixed(1)} ms`).join(' -> ')}`);

  return {
    transport,
    timings,
    onClose(cb) {
      if (ended) return () => {};
      listeners.add(cb);
      return () => void listeners.delete(cb);
    },
    close() {
      if (ended) return;
      ended = true;
      listeners.clear();
      transport.markClosed();
      // end() says goodbye politely; a peer that never answers gets destroyed.
      for (const c of [...clients].reverse()) c.client.end();
      fallback = setTimeout(() => clients.forEach((c) => c.client.destroy()), END_GRACE_MS);
    },
  };
}
