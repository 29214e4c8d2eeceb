import { describe, expect, it } from 'vitest';
import { HostConfigSchema } from '../../../shared/model/host';
import { knownHostsName, removeKeyCommand } from './host-key';
import {
  aliasToDraft,
  configToDraft,
  conflictOf,
  draftToNewHost,
  draftToPatch,
  EMPTY_DRAFT,
  fieldErrorsFromApi,
  newHostToDraft,
  parseJumps,
  validateDraft,
} from './host-form';

describe('host form', () => {
  it('validates like the contract, in words', () => {
    expect(validateDraft(EMPTY_DRAFT)).toEqual({ hostname: 'Enter a host name or IP address.' });
    const e = validateDraft({ ...EMPTY_DRAFT, hostname: 'kvm 1', port: '70000', user: '-x' });
    expect(Object.keys(e).sort()).toEqual(['hostname', 'port', 'user']);
    expect(validateDraft({ ...EMPTY_DRAFT, hostname: 'fe80::1%eth0' })).toEqual({});
    // A local socket host needs no address, only an absolute socket path.
    expect(validateDraft({ ...EMPTY_DRAFT, transport: 'local' })).toEqual({});
    expect(validateDraft({ ...EMPTY_DRAFT, transport: 'local', socketPath: 'libvirt-sock' })).toEqual({ socketPath: expect.stringMatching(/absolute/) });
  });

  it('builds the contract input, defaulting the name to the host', () => {
    const h = draftToNewHost({ ...EMPTY_DRAFT, hostname: ' 10.0.0.5 ', port: '2222', identity: '~/.ssh/a\n\n ~/.ssh/b ', tags: 'web, db, web', group: '' });
    expect(h).toEqual({
      name: '10.0.0.5',
      target: { transport: 'ssh', hostname: '10.0.0.5', port: 2222, user: 'root', identityFiles: ['~/.ssh/a', '~/.ssh/b'], jumpHosts: [], libvirtPath: 'system' },
      tags: ['web', 'db'],
      autoConnect: true,
    });
    expect(draftToNewHost({ ...EMPTY_DRAFT, transport: 'local', socketPath: '/run/libvirt/libvirt-sock', autoConnect: false })).toEqual({
      name: 'This machine',
      target: { transport: 'local', socketPath: '/run/libvirt/libvirt-sock', libvirtPath: 'system' },
      tags: [],
      autoConnect: false,
    });
  });

  it('reads jump hosts as ssh -J writes them', () => {
    expect(parseJumps('ops@bastion:2200, gw, [fe80::1]:22\nadmin@10.0.0.1', 'root')).toEqual({
      hops: [
        { hostname: 'bastion', port: 2200, user: 'ops' },
        { hostname: 'gw', port: 22, user: 'root' },
        { hostname: 'fe80::1', port: 22, user: 'root' },
        { hostname: '10.0.0.1', port: 22, user: 'admin' },
      ],
    });
    expect(parseJumps('ops@bad host', 'root').error).toMatch(/not user@host:port/);
    expect(parseJumps('a:99999', 'root').error).toMatch(/port/);
    expect(validateDraft({ ...EMPTY_DRAFT, hostname: 'h', jumps: 'x@@y' })).toEqual({ jumps: expect.stringMatching(/user@host:port/) });
  });

  it('round-trips every setting of a host through the edit form', () => {
    const config = HostConfigSchema.parse({
      id: 'kvm-7',
      name: 'KVM 7',
      group: 'Rack 1',
      tags: ['ssd', 'prod'],
      autoConnect: false,
      target: { transport: 'ssh', hostname: 'kvm7.lab', port: 2200, user: 'admin', identityFiles: ['/k/a'], jumpHosts: [{ hostname: 'fe80::1', port: 2222, user: 'ops' }], sshAlias: 'kvm7', libvirtPath: 'session' },
    });
    const d = configToDraft(config);
    expect(d).toMatchObject({ jumps: 'ops@[fe80::1]:2222', sshAlias: 'kvm7', port: '2200', tags: 'ssd, prod' });
    const { id: _id, ...rest } = config;
    expect(draftToPatch(d)).toEqual(rest);
    // Clearing the group sends '' (the core drops it), not undefined (which would keep it).
    expect(draftToPatch({ ...d, group: ' ' }).group).toBe('');
    const local = HostConfigSchema.parse({ id: 'local', name: 'This machine', target: { transport: 'local', socketPath: '/s' } });
    expect(draftToPatch(configToDraft(local))).toEqual({ name: 'This machine', target: local.target, group: '', tags: [], autoConnect: true });
  });

  it('fills the form from a parsed URI or an ssh_config alias', () => {
    const d = newHostToDraft({ name: '10.0.0.5', target: { transport: 'ssh', hostname: '10.0.0.5', port: 22, user: 'admin' } }, { ...EMPTY_DRAFT, group: 'Lab' });
    expect(d).toMatchObject({ name: '10.0.0.5', hostname: '10.0.0.5', port: '22', user: 'admin', group: 'Lab' });
    const a = aliasToDraft({ alias: 'kvm7', hostname: '192.0.2.7', port: 2200, proxyJump: ['ops@b'], identityFiles: [] }, { ...EMPTY_DRAFT, jumps: 'x@y' });
    expect(a).toMatchObject({ sshAlias: 'kvm7', hostname: '192.0.2.7', port: '2200', user: 'root', jumps: '', name: 'kvm7' });
    // Picking another alias renames a name that was only the previous alias.
    expect(aliasToDraft({ alias: 'kvm8', hostname: 'h8', port: 22, proxyJump: [], identityFiles: [] }, a).name).toBe('kvm8');
    expect(draftToNewHost(a).target).toMatchObject({ sshAlias: 'kvm7', jumpHosts: [] });
  });

  it('maps core validation errors onto fields, for add and for update', () => {
    expect(
      fieldErrorsFromApi({
        code: 'VALIDATION',
        message: 'hosts.add: target.port: Too big',
        detail: [
          { path: ['target', 'port'], message: 'Too big' },
          { path: ['target', 'identityFiles', 3], message: 'Too long' },
          { path: ['jump'], message: 'Unknown key' },
        ],
      }),
    ).toEqual({ port: 'Too big', identity: 'Too long', form: 'jump: Unknown key' });
    expect(fieldErrorsFromApi({ code: 'VALIDATION', message: 'x', detail: [{ path: ['patch', 'target', 'jumpHosts', 0, 'user'], message: 'bad user' }] })).toEqual({ jumps: 'bad user' });
    expect(fieldErrorsFromApi({ code: 'VALIDATION', message: 'hosts.add: target.user: bad; name: Required' })).toEqual({ user: 'bad', name: 'Required' });
    expect(fieldErrorsFromApi({ code: 'CONFLICT', message: 'A host with this address exists' })).toEqual({ form: 'A host with this address exists' });
  });

  it('reads the existing entry out of a duplicate refusal', () => {
    const detail = { duplicateOf: { hostId: 'kvm-1', name: 'KVM 1' }, endpoint: 'root@kvm1' };
    expect(conflictOf({ code: 'CONFLICT', message: 'm', detail })).toEqual(detail);
    expect(conflictOf({ code: 'CONFLICT', message: 'm', detail: { busy: true } })).toBeUndefined();
    expect(conflictOf({ code: 'VALIDATION', message: 'm', detail })).toBeUndefined();
  });
});

describe('host key refusal helpers', () => {
  it('names the known_hosts entry as OpenSSH does and quotes the fix for a POSIX shell', () => {
    expect(knownHostsName({ hostname: '10.0.0.1', port: 22 })).toBe('10.0.0.1');
    expect(knownHostsName({ hostname: 'fe80::1', port: 2222 })).toBe('[fe80::1]:2222');
    expect(removeKeyCommand({ hostname: 'kvm', port: 2222, file: "/home/o'neil/my keys/known_hosts" })).toBe(
      `ssh-keygen -R '[kvm]:2222' -f '/home/o'\\''neil/my keys/known_hosts'`,
    );
  });
});
