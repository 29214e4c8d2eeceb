import os from 'node:os';
import type { SshTarget } from '../../shared/model/host';
import type { SshConfig } from './ssh-config';
import type { JumpSpec } from './ssh-config-syntax';
import type { Hop } from './ssh/dial';

// What to dial for an SSH host, merging the host's own settings with the
// user's ~/.ssh/config the way ssh itself would:
// - a host added from a config alias takes HostName/Port/User/ProxyJump from
//   the config (re-read at every connect) and falls back to stored values;
// - a host typed in by hand keeps its own name, port and user, and gains the
//   config's IdentityFile / IdentitiesOnly / ProxyJump for that name.

const MAX_JUMP_DEPTH = 8;

export function planHops(target: SshTarget, config: SshConfig, localUser = safeUser()): Hop[] {
  const r = config.resolve(target.sshAlias ?? target.hostname);
  const aliased = target.sshAlias !== undefined;
  const final: Hop = {
    hostname: aliased && r.specified.hostname ? r.hostname : target.hostname,
    port: aliased && r.specified.port ? r.port : target.port,
    user: aliased && r.user !== undefined ? r.user : target.user,
    identityFiles: [...target.identityFiles, ...r.identityFiles],
    identitiesOnly: r.identitiesOnly,
    role: '',
  };
  const jumps: JumpSpec[] =
    target.jumpHosts.length > 0 && !(aliased && r.specified.proxyJump)
      ? target.jumpHosts.map((j) => ({ host: j.hostname, port: j.port, user: j.user }))
      : r.proxyJump;
  const hops: Hop[] = [];
  jumps.forEach((j, i) => hops.push(...jumpHops(j, config, localUser, i === 0 ? 0 : MAX_JUMP_DEPTH)));
  if (hops.length > MAX_JUMP_DEPTH) throw new Error(`more than ${MAX_JUMP_DEPTH} jump hosts`);
  return [...hops, final];
}

// The first jump host may itself sit behind a ProxyJump in the config.
function jumpHops(spec: JumpSpec, config: SshConfig, localUser: string, depth: number): Hop[] {
  const r = config.resolve(spec.host);
  const hop: Hop = {
    hostname: r.hostname,
    port: spec.port ?? r.port,
    user: spec.user ?? r.user ?? localUser,
    identityFiles: r.identityFiles,
    identitiesOnly: r.identitiesOnly,
    role: 'jump host',
  };
  const before = depth < MAX_JUMP_DEPTH ? r.proxyJump.flatMap((j) => jumpHops(j, config, localUser, depth + 1)) : [];
  return [...before, hop];
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'root';
  }
}
