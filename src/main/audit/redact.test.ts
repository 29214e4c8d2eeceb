import { describe, expect, it } from 'vitest';
import { redactArgs, targetOf } from './redact';

describe('redactArgs', () => {
  it('drops secrets by field name at any depth and keeps the rest', () => {
    expect(
      redactArgs({
        hostId: 'lab-1',
        target: { hostname: 'h', password: 'hunter2', identityFiles: ['/k'] },
        answers: ['s3cret'],
        vnc: { passphrase: 'x', listen: '127.0.0.1' },
        token: '',
      }),
    ).toEqual({ hostId: 'lab-1', target: { hostname: 'h', password: '[redacted]', identityFiles: ['/k'] }, answers: '[redacted]', vnc: { passphrase: '[redacted]', listen: '127.0.0.1' }, token: '' });
  });

  it('keeps long text as its size and long lists as a count', () => {
    const xml = `<domain>${'x'.repeat(500)}</domain>`;
    expect(redactArgs({ xml, uuids: Array.from({ length: 25 }, (_, i) => `u${i}`) })).toEqual({
      xml: `[XML, ${xml.length} characters]`,
      uuids: [...Array.from({ length: 20 }, (_, i) => `u${i}`), '[… 5 more]'],
    });
  });
});

describe('targetOf', () => {
  it('names the VM, the count of VMs, or the named resource', () => {
    expect(targetOf({ hostId: 'h', uuid: 'abc' })).toBe('abc');
    expect(targetOf({ hostId: 'h', uuids: ['a', 'b'] })).toBe('2 VMs');
    expect(targetOf({ hostId: 'h', uuids: ['a'] })).toBe('a');
    expect(targetOf({ hostId: 'h', pool: 'default', volume: 'x.img' })).toBe('x.img');
    expect(targetOf({ echo: 1 })).toBeUndefined();
  });
});
