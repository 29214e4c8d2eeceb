import { describe, expect, it } from 'vitest';
import { EMPTY_DRAFT, draftToNewHost, fieldErrorsFromApi, newHostToDraft, validateDraft } from './add-host-form';

describe('add-host form', () => {
  it('validates like the contract, in words', () => {
    expect(validateDraft(EMPTY_DRAFT)).toEqual({ hostname: 'Enter a host name or IP address.' });
    const e = validateDraft({ ...EMPTY_DRAFT, hostname: 'kvm 1', port: '70000', user: '-x' });
    expect(Object.keys(e).sort()).toEqual(['hostname', 'port', 'user']);
    expect(validateDraft({ ...EMPTY_DRAFT, hostname: 'fe80::1%eth0' })).toEqual({});
  });

  it('builds the contract input, defaulting the name to the host', () => {
    const h = draftToNewHost({ ...EMPTY_DRAFT, hostname: ' 10.0.0.5 ', port: '2222', identity: '~/.ssh/a\n\n ~/.ssh/b ', tags: 'web, db, web', group: '' });
    expect(h).toEqual({
      name: '10.0.0.5',
      target: { transport: 'ssh', hostname: '10.0.0.5', port: 2222, user: 'root', identityFiles: ['~/.ssh/a', '~/.ssh/b'] },
      tags: ['web', 'db'],
      autoConnect: true,
    });
  });

  it('fills the form from a parsed URI', () => {
    const d = newHostToDraft({ name: '10.0.0.5', target: { transport: 'ssh', hostname: '10.0.0.5', port: 22, user: 'admin' } }, { ...EMPTY_DRAFT, group: 'Lab' });
    expect(d).toMatchObject({ name: '10.0.0.5', hostname: '10.0.0.5', port: '22', user: 'admin', group: 'Lab' });
  });

  it('maps core validation errors onto fields', () => {
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
    expect(fieldErrorsFromApi({ code: 'VALIDATION', message: 'hosts.add: target.user: bad; name: Required' })).toEqual({ user: 'bad', name: 'Required' });
    expect(fieldErrorsFromApi({ code: 'CONFLICT', message: 'A host with this address exists' })).toEqual({ form: 'A host with this address exists' });
  });
});
