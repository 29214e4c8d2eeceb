import { describe, expect, it } from 'vitest';
import { SshTargetSchema } from '../../shared/model/host';
import { planHops } from './plan';
import { SshConfig } from './ssh-config';

const config = SshConfig.parse(
  [
    'Host kvm9',
    '  HostName 10.0.0.9',
    '  User admin',
    '  Port 2222',
    '  ProxyJump ops@bastion',
    'Host bastion',
    '  HostName bastion.example',
    '  IdentityFile /keys/bastion',
    '  ProxyJump outer:2200',
    'Host 10.0.0.*',
    '  IdentityFile /keys/fleet',
    '  IdentitiesOnly yes',
  ].join('\n'),
  { home: '/home/ann', localUser: 'ann' },
);
const target = (t: object) => SshTargetSchema.parse({ transport: 'ssh', ...t });

describe('planHops', () => {
  it('an aliased host takes the config, including nested ProxyJump', () => {
    const hops = planHops(target({ hostname: 'kvm9', sshAlias: 'kvm9' }), config, 'ann');
    expect(hops).toEqual([
      { hostname: 'outer', port: 2200, user: 'ann', identityFiles: [], identitiesOnly: false, role: 'jump host' },
      { hostname: 'bastion.example', port: 22, user: 'ops', identityFiles: ['/keys/bastion'], identitiesOnly: false, role: 'jump host' },
      { hostname: '10.0.0.9', port: 2222, user: 'admin', identityFiles: [], identitiesOnly: false, role: '' },
    ]);
  });

  it('a typed-in host keeps its own name, port and user but gains IdentityFile', () => {
    const hops = planHops(target({ hostname: '10.0.0.5', port: 22, user: 'root', identityFiles: ['/mine'] }), config, 'ann');
    expect(hops).toEqual([{ hostname: '10.0.0.5', port: 22, user: 'root', identityFiles: ['/mine', '/keys/fleet'], identitiesOnly: true, role: '' }]);
  });

  it('explicit jump hosts win for typed-in hosts', () => {
    const hops = planHops(target({ hostname: 'h', jumpHosts: [{ hostname: 'j', port: 22, user: 'u' }] }), config, 'ann');
    expect(hops.map((h) => `${h.user}@${h.hostname}:${h.port}`)).toEqual(['u@j:22', 'root@h:22']);
  });
});
