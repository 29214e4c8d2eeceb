import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { REMOTE_SH } from '../../../shared/util/shell';
import { array, decode, int, intBool, none } from './codec';
import { AuthUnsupportedError, HELPER_SCRIPT, helperLaunch, openLibvirtConnection } from './connect';
import { AuthType, Feature, P } from './procedures/index';
import { socketPair } from './testing/peer';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('helperLaunch', () => {
  // virt-ssh-helper proper needs a libvirtd (the ssh lab tests run it); here
  // a stand-in of that name on PATH shows exactly which argv the script gives
  // it, run by fish as the login shell the way sshd would.
  const bin = mkdtempSync(path.join(os.tmpdir(), 'vd-helper-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  writeFileSync(path.join(bin, 'virt-ssh-helper'), '#!/bin/sh\nprintf "[%s]" "$@"\n', { mode: 0o755 });

  it.each(['qemu:///system', "qemu:///system'; touch pwned; '", "qemu:///x\\'; touch pwned; echo \\'"])('hands %j to virt-ssh-helper as one argument', (uri) => {
    const { command, stdin } = helperLaunch(uri);
    const r = spawnSync('fish', ['-c', command], { input: stdin, cwd: bin, env: { PATH: `${bin}:${process.env.PATH}`, HOME: bin }, encoding: 'utf8' });
    expect(r.stdout).toBe(`[${uri}]`);
    expect(r.status).toBe(0);
    expect(existsSync(path.join(bin, 'pwned'))).toBe(false);
  });

  it('the command line is the constant REMOTE_SH: nothing of the URI reaches the login shell', () => {
    expect(helperLaunch('qemu:///session').command).toBe(REMOTE_SH);
    expect(HELPER_SCRIPT).toContain('exec virt-ssh-helper "$1"');
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
