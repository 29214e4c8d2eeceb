import { afterEach, describe, expect, it } from 'vitest';
import { array, decode, int, intBool, none } from './codec';
import { AuthUnsupportedError, REMOTE_COMMAND, openLibvirtConnection, remoteCommand } from './connect';
import { RpcError } from './errors';
import { AuthType, Feature, P } from './procedures/index';
import { socketPair } from './testing/peer';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('remoteCommand', () => {
  it('is exactly the line libvirt uses', () => {
    expect(REMOTE_COMMAND).toBe(
      `sh -c 'which virt-ssh-helper >/dev/null 2>&1; if test $? = 0; then virt-ssh-helper "qemu:///system"; else nc -U /var/run/libvirt/libvirt-sock; fi'`,
    );
    expect(remoteCommand('qemu:///session')).toContain('virt-ssh-helper "qemu:///session"');
  });

  it.each([
    "qemu:///system'; rm -rf ~; '",
    'qemu:///system"$(id)"',
    'qemu:///$(id)',
    'qemu:///`id`',
    'qemu:///sys tem',
    'qemu:///system\nid',
    'qemu:///system\\',
    '',
    'not a uri',
  ])('refuses to embed %j', (uri) => {
    expect(() => remoteCommand(uri)).toThrow(RpcError);
  });

  it('accepts ordinary driver URIs', () => {
    for (const u of ['qemu:///system', 'lxc:///', 'qemu:///system?mode=legacy', 'ch:///session']) expect(() => remoteCommand(u)).not.toThrow();
  });
});

// Scripted peer: a root libvirtd never offers polkit or SASL-only, so these
// branches of the handshake are driven here; the lab ssh test covers real polkit.
async function handshake(authTypes: number[], polkitComplete = true) {
  const pair = await socketPair();
  cleanup.push(pair.dispose);
  const { peer } = pair;
  const opening = openLibvirtConnection(pair.client, { uri: 'qemu:///system', readOnly: true, keepalive: false });
  const seen: string[] = [];
  const serve = (async () => {
    for (;;) {
      const call = await peer.next().catch(() => null);
      if (!call) return;
      const name = Object.values(P).find((p) => p.proc === call.header.proc)?.name ?? String(call.header.proc);
      if (name === 'CONNECT_SUPPORTS_FEATURE') {
        const { feature } = decode(P.CONNECT_SUPPORTS_FEATURE.args, call.payload);
        seen.push(`${name}(${feature})`);
        peer.reply(call, intBool, true);
        if (feature === Feature.REMOTE_EVENT_CALLBACK) return;
      } else if (name === 'AUTH_LIST') {
        seen.push(name);
        peer.reply(call, array(int, 20), authTypes);
      } else if (name === 'AUTH_POLKIT') {
        seen.push(name);
        peer.reply(call, intBool, polkitComplete);
      } else if (name === 'CONNECT_OPEN') {
        seen.push(`${name}(${JSON.stringify(decode(P.CONNECT_OPEN.args, call.payload))})`);
        peer.reply(call, none, undefined);
      } else return;
    }
  })();
  return { opening, seen, serve, peer };
}

describe('openLibvirtConnection sequence', () => {
  it('root: AUTH_LIST, keepalive feature, OPEN, event callbacks', async () => {
    const { opening, seen, serve } = await handshake([AuthType.NONE]);
    const conn = await opening;
    await serve;
    expect(seen).toEqual([
      'AUTH_LIST',
      'CONNECT_SUPPORTS_FEATURE(10)',
      'CONNECT_OPEN({"name":"qemu:///system","flags":1})',
      'CONNECT_SUPPORTS_FEATURE(14)',
    ]);
    expect(conn).toMatchObject({ keepalive: true, eventCallbacks: true });
    conn.client.destroy();
  });

  it('polkit-only: AUTH_POLKIT comes before anything else', async () => {
    const { opening, seen, serve } = await handshake([AuthType.POLKIT]);
    (await opening).client.destroy();
    await serve;
    expect(seen.slice(0, 2)).toEqual(['AUTH_LIST', 'AUTH_POLKIT']);
  });

  it('polkit that does not complete fails and drops the transport', async () => {
    const { opening, peer } = await handshake([AuthType.POLKIT], false);
    await expect(opening).rejects.toBeInstanceOf(AuthUnsupportedError);
    await peer.closed;
  });

  it('SASL-only servers are refused clearly', async () => {
    const { opening, peer } = await handshake([AuthType.SASL]);
    await expect(opening).rejects.toThrow(/SASL/);
    await peer.closed;
  });
});
