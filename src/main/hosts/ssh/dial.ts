import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { type Client } from 'ssh2';
import type { Logger } from '../../util/log';
import { cancelled, ConnectError, networkError } from '../errors';
import type { KnownHosts } from '../known-hosts';
import type { PromptReply, PromptRequest } from '../prompts';
import type { SecretStore } from '../secrets';
import { AuthFlow } from './auth';
import { coalesceWrites } from './coalesce';
import { verifyHostKey } from './hostkey';

export interface Hop {
  hostname: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** '' for the target, 'jump host' for a ProxyJump hop. */
  role: string;
}

export interface DialDeps {
  knownHosts: KnownHosts;
  secrets: SecretStore;
  home: string;
  agent: string | undefined;
  log: Logger;
  connectTimeoutMs?: number;
  /** From TCP connect to authenticated, not counting time spent waiting on the user. */
  handshakeTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Only for measuring what Nagle costs; always on otherwise. */
  tcpNoDelay?: boolean;
}

export interface DialContext {
  hostId: string;
  signal: AbortSignal;
  ask(req: PromptRequest): Promise<PromptReply>;
  carry: Map<string, string>;
}

export interface HopTimings {
  host: string;
  /** TCP connect, or the jump host's forward channel. */
  connectMs: number;
  /** Key exchange done ('handshake' event), from connected. */
  kexMs: number;
  /** Authenticated ('ready'), from connected. */
  readyMs: number;
}

/** Where a live client's latest error is kept: ssh2 reports it before 'close'. */
export interface LiveClient {
  client: Client;
  hop: Hop;
  lastError?: Error & { level?: string };
}

// ssh2 is CommonJS: a default import works both bundled and under plain Node ESM.
const { Client: SshClient } = ssh2;

const where = (h: Hop) => `${h.hostname}${h.port === 22 ? '' : `:${h.port}`}${h.role ? `, ${h.role}` : ''}`;

/** Dials the hops in order, each through the previous one's forward channel. */
export async function dialChain(hops: readonly Hop[], deps: DialDeps, ctx: DialContext): Promise<{ clients: LiveClient[]; timings: HopTimings[] }> {
  const clients: LiveClient[] = [];
  const timings: HopTimings[] = [];
  try {
    for (const hop of hops) {
      if (ctx.signal.aborted) throw cancelled();
      const t0 = performance.now();
      const prev = clients.at(-1);
      const sock = prev ? await forwardVia(prev, hop) : await tcpConnect(hop, deps.connectTimeoutMs ?? 10_000, ctx.signal, deps.tcpNoDelay ?? true);
      const connectMs = performance.now() - t0;
      const live = await handshake(hop, sock, deps, ctx);
      clients.push(live.client);
      timings.push({ host: where(hop), connectMs, kexMs: live.kexMs, readyMs: live.readyMs });
    }
    return { clients, timings };
  } catch (e) {
    for (const c of clients.reverse()) c.client.destroy();
    throw e;
  }
}

function tcpConnect(hop: Hop, timeoutMs: number, signal: AbortSignal, noDelay: boolean): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = new net.Socket();
    // ssh2 leaves Nagle on; with it every small SSH packet waits for an ACK
    // (LIBVIRT-RPC.md: handshake 81 ms -> 40 ms with TCP_NODELAY).
    sock.setNoDelay(noDelay);
    const done = (err?: unknown) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.removeListener('error', done);
      if (err === undefined) return resolve(sock);
      sock.destroy();
      reject(err instanceof ConnectError ? err : networkError(err, where(hop)));
    };
    const onAbort = () => done(cancelled());
    const timer = setTimeout(() => done(new ConnectError('TIMEOUT', `timed out (no answer from ${where(hop)})`, 'backoff')), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('error', done);
    sock.connect({ host: hop.hostname, port: hop.port }, () => {
      sock.setNoDelay(noDelay);
      coalesceWrites(sock);
      done();
    });
  });
}

function forwardVia(prev: LiveClient, hop: Hop): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    prev.client.forwardOut('127.0.0.1', 0, hop.hostname, hop.port, (err, ch) => {
      if (err) reject(networkError(err, `${where(hop)} via ${where(prev.hop)}`));
      else resolve(ch);
    });
  });
}

/** One SSH handshake (host key, then auth) over an already connected stream. */
function handshake(hop: Hop, sock: Duplex, deps: DialDeps, ctx: DialContext): Promise<{ client: LiveClient; kexMs: number; readyMs: number }> {
  const client = new SshClient();
  const live: LiveClient = { client, hop };
  const t0 = performance.now();
  let kexMs = 0;
  let closed = false;
  let failure: ConnectError | undefined;
  let answeredLate = false;
  // When the answer was sent: a hang-up that Node reports just after it (the
  // kernel saw the FIN first) is the same story as an answer given after it.
  let answeredAt = 0;
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };

  const budget = deps.handshakeTimeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  let waitingOnUser = 0;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      failure ??= new ConnectError('TIMEOUT', `timed out (SSH handshake with ${where(hop)})`, 'backoff');
      client.destroy();
    }, budget);
  };
  // The clock stops while a person reads a fingerprint or types a password.
  const ask = async (req: PromptRequest): Promise<PromptReply> => {
    if (waitingOnUser++ === 0) clearTimeout(timer);
    try {
      const reply = await track(ctx.ask(req));
      if (closed && reply.accept) answeredLate = true;
      else if (reply.accept) answeredAt = performance.now();
      return reply;
    } finally {
      if (--waitingOnUser === 0 && !closed) arm();
    }
  };

  const auth = new AuthFlow(
    { hostId: ctx.hostId, user: hop.user, hostname: hop.hostname, port: hop.port, identityFiles: hop.identityFiles, identitiesOnly: hop.identitiesOnly },
    { home: deps.home, agent: deps.agent, secrets: deps.secrets, carry: ctx.carry, ask, log: deps.log },
  );

  return new Promise((resolve, reject) => {
    const onAbort = () => {
      failure ??= cancelled();
      client.destroy();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      client.removeListener('close', onClose);
      client.removeListener('ready', onReady);
    };
    const onReady = () => {
      cleanup();
      auth
        .succeeded()
        .catch((e: unknown) => deps.log.warn(`could not store a secret: ${String(e)}`))
        .finally(() => resolve({ client: live, kexMs, readyMs: performance.now() - t0 }));
    };
    const onClose = () => {
      closed = true;
      auth.close();
      cleanup();
      // If the server hung up while a prompt was open, let the person finish:
      // an accepted key is then recorded and the next attempt goes straight in.
      const racedAnswer = answeredAt > 0 && performance.now() - answeredAt < 2000 && live.lastError?.level !== 'client-authentication';
      void Promise.allSettled([...pending]).then(() => {
        if ((answeredLate || racedAnswer) && !failure && !ctx.signal.aborted) {
          return reject(new ConnectError('HOST_UNREACHABLE', `connection closed by ${where(hop)} while waiting for you; retrying`, 'now'));
        }
        reject(failure ?? auth.failure ?? closeReason(live, auth));
      });
    };
    // ssh2 also emits non-fatal 'error's (agent missing, key refused); the
    // 'close' that ends every failed attempt is what decides.
    client.on('error', (e: Error & { level?: string }) => {
      live.lastError = e;
      deps.log.debug(`${where(hop)}: ${e.level ?? 'error'}: ${e.message}`);
    });
    client.once('handshake', () => (kexMs = performance.now() - t0));
    client.once('ready', onReady);
    client.on('close', onClose);
    arm();
    try {
      connect();
    } catch (e) {
      cleanup();
      client.destroy();
      throw e;
    }
  });

  function connect(): void {
    client.connect({
      sock: sock as unknown as NodeJS.ReadableStream & net.Socket,
      username: hop.user,
      readyTimeout: 0, // our own timer above, which pauses for prompts
      keepaliveInterval: deps.keepaliveIntervalMs ?? 10_000,
      keepaliveCountMax: deps.keepaliveCountMax ?? 3,
      authHandler: auth.handler,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        void track(verifyHostKey({ hostId: ctx.hostId, hostname: hop.hostname, port: hop.port, role: hop.role }, key, deps.knownHosts, ask)).then(
          () => !closed && verify(true),
          (e: unknown) => {
            failure ??= e instanceof ConnectError ? e : networkError(e, where(hop));
            if (!closed) verify(false);
          },
        );
      },
    });
  }
}

function closeReason(live: LiveClient, auth: AuthFlow): ConnectError {
  const e = live.lastError;
  const msg = e?.message ?? '';
  if (e?.level === 'client-authentication' || /authentication methods failed|too many authentication failures/i.test(msg)) {
    const tried = auth.tried.length ? ` (tried ${[...new Set(auth.tried)].join(', ')})` : '';
    return new ConnectError('AUTH_FAILED', `authentication failed: ${live.hop.user}@${where(live.hop)} refused every method${tried}`, 'never');
  }
  return dropReason(live);
}

/** Why an established (or establishing) client went away. */
export function dropReason(live: LiveClient): ConnectError {
  const e = live.lastError;
  if (!e || /lost before handshake/i.test(e.message)) {
    return new ConnectError('HOST_UNREACHABLE', `connection closed by the host (${where(live.hop)})`, 'backoff');
  }
  if (e.level === 'client-timeout') return new ConnectError('TIMEOUT', `timed out (${where(live.hop)} stopped answering keepalives)`, 'backoff');
  return networkError(e, where(live.hop));
}
