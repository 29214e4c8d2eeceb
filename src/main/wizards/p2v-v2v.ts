import { AppFailure } from '../../shared/ipc/result';
import type { HostTransport } from '../hosts/transport';
import type { TaskContext } from '../tasks/manager';

// virt-v2v-in-place (Debian package virt-v2v) on the target host, on the
// defined (shut off) VM: installs virtio drivers into the guest and fixes its
// boot configuration. Its output is streamed line by line into the task log.
// The VM's name reaches it as "$1" (data); the domain XML is left as we made it.
const V2V_SCRIPT = `exec virt-v2v-in-place -i libvirt -ic qemu:///system -- "$1" 2>&1`;

export async function runV2vInPlace(host: HostTransport, name: string, ctx: TaskContext): Promise<void> {
  const ch = await host.spawnScript(V2V_SCRIPT, [name]);
  ch.end();
  const onAbort = () => ch.destroy();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    let carry = '';
    for await (const chunk of ch as AsyncIterable<Buffer>) {
      const lines = (carry + chunk.toString('utf8')).split(/\r?\n/);
      carry = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) ctx.log(`virt-v2v: ${l.slice(0, 500)}`);
    }
    if (carry.trim()) ctx.log(`virt-v2v: ${carry.slice(0, 500)}`);
    const code = await ch.exitCode();
    ctx.throwIfCancelled();
    if (code !== 0) throw new AppFailure('INTERNAL', `virt-v2v-in-place exited with ${code} (see the task log)`, { hostId: host.hostId });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
