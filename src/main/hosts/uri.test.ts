import { describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/ipc/result';
import { parseLibvirtUri } from './uri';

const failure = (uri: string): string => {
  try {
    parseLibvirtUri(uri);
  } catch (e) {
    if (isAppFailure(e)) {
      expect(e.error.code).toBe('VALIDATION');
      return e.message;
    }
    throw e;
  }
  throw new Error(`${uri} parsed`);
};

describe('parseLibvirtUri', () => {
  it('qemu+ssh with user, port, keyfile', () => {
    expect(parseLibvirtUri('qemu+ssh://admin@kvm1.example:2222/system?keyfile=/home/a/.ssh/kvm')).toEqual({
      name: 'kvm1.example',
      target: {
        transport: 'ssh',
        hostname: 'kvm1.example',
        port: 2222,
        user: 'admin',
        identityFiles: ['/home/a/.ssh/kvm'],
        jumpHosts: [],
        libvirtPath: 'system',
      },
      tags: [],
      autoConnect: true,
    });
  });

  it('defaults: root, port 22, system; session path; trailing slash', () => {
    expect(parseLibvirtUri('qemu+ssh://10.77.0.11/system').target).toMatchObject({ user: 'root', port: 22, libvirtPath: 'system' });
    expect(parseLibvirtUri('qemu+ssh://u@h/session/').target).toMatchObject({ libvirtPath: 'session', user: 'u' });
    expect(parseLibvirtUri('  QEMU+SSH://h/system ').target).toMatchObject({ hostname: 'h' });
    expect(parseLibvirtUri('qemu+libssh2://h/system?no_tty=1').target).toMatchObject({ transport: 'ssh' });
  });

  it('IPv6 literals', () => {
    expect(parseLibvirtUri('qemu+ssh://root@[fe80::1]:22/system').target).toMatchObject({ hostname: 'fe80::1', port: 22 });
  });

  it('local URIs', () => {
    expect(parseLibvirtUri('qemu:///system')).toMatchObject({
      name: 'This machine',
      target: { transport: 'local', socketPath: '/var/run/libvirt/libvirt-sock', libvirtPath: 'system' },
    });
    expect(parseLibvirtUri('qemu+unix:///session').target).toMatchObject({ transport: 'local', libvirtPath: 'session' });
  });

  it('explains refused transports', () => {
    expect(failure('qemu+tls://h/system')).toMatch(/certificate.*SSH only/);
    expect(failure('qemu+tcp://h/system')).toMatch(/unencrypted/);
    expect(failure('qemu://h/system')).toMatch(/means TLS/);
    expect(failure('qemu+ext:///system?command=/bin/x')).toMatch(/arbitrary local command/);
    expect(failure('lxc:///system')).toMatch(/"lxc" driver/);
    expect(failure('qemu+foo://h/system')).toMatch(/unknown libvirt transport/);
  });

  it('rejects bad paths, hosts, users and parameters', () => {
    expect(failure('qemu+ssh://h/')).toMatch(/\/system or \/session/);
    expect(failure('qemu+ssh://h/embed?root=/x')).toMatch(/\/system or \/session/);
    expect(failure('qemu+ssh:///system')).toMatch(/needs a host/);
    expect(failure('qemu+ssh://h/system?no_verify=1')).toMatch(/always verifies host keys/);
    expect(failure('qemu+ssh://h/system?socket=/x')).toMatch(/"socket" is not supported/);
    expect(failure('qemu+ssh://bad%20user@h/system')).toMatch(/user/);
    expect(failure('qemu+unix://h/system')).toMatch(/cannot name a host/);
    expect(failure('ssh://h')).toMatch(/driver/);
    expect(failure('kvm1.example')).toMatch(/not a libvirt URI/);
  });
});
