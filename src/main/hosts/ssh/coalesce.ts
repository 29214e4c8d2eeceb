import type { Socket } from 'node:net';

/**
 * Makes the SSH connection's socket gather every write made in one tick into
 * one writev. ssh2 writes each SSH packet (at most 32 KiB of channel data) on
 * its own, and without its native crypto addon (the desktop app, or serve
 * where npm could not compile it) as three writes (length, ciphertext, tag);
 * with TCP_NODELAY each was
 * its own syscall and TCP segment. A 256 KiB libvirt stream chunk is now one
 * writev; a lone keystroke still leaves in the same tick (Node's
 * cork-then-uncork-on-nextTick idiom).
 */
export function coalesceWrites(sock: Socket): void {
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    sock.uncork();
  };
  sock.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      sock.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Socket['write'];
}
