// Which cipher each side of the comparison encrypts with (client to server):
// ssh2 with the options the app dials with (none: its defaults), and OpenSSH's
// ssh with the lab's ssh_config, as the baselines run it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';

interface LabHost {
  name: string;
  ip: string;
  port: number;
  hostKey: string;
}

export async function negotiatedCiphers(host: LabHost, key: string, sshConfig: string): Promise<{ ssh2: string; openssh: string }> {
  const ours = await new Promise<string>((resolve, reject) => {
    const c = new ssh2.Client();
    const expected = Buffer.from(host.hostKey.split(' ')[1] as string, 'base64');
    c.on('handshake', (n) => {
      resolve(n.cs.cipher);
      c.end();
    });
    c.on('error', reject);
    c.connect({ host: host.ip, port: host.port, username: 'root', privateKey: readFileSync(key), hostVerifier: (k: Buffer) => k.equals(expected) });
  });
  const log = spawnSync('ssh', ['-v', '-F', sshConfig, host.name, 'true'], { stdio: ['ignore', 'ignore', 'pipe'] }).stderr.toString();
  const openssh = /kex: client->server cipher: (\S+)/.exec(log)?.[1] ?? 'unknown';
  return { ssh2: ours, openssh };
}
