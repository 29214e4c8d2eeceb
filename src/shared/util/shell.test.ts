import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from './shell';

// Real sh decodes what we quote: echo each hostile name back through /bin/sh.
const hostile = [
  "it's",
  '$(touch /tmp/vd-pwned)',
  '`id`',
  'a b\tc\nd',
  'naïve — 虚拟机 🚀',
  '"double" \\back',
  '-rf',
  '',
  ';rm -rf /;',
  "'; echo injected; '",
];

describe('shellQuote', () => {
  it.each(hostile)('round-trips %j through /bin/sh unchanged', (name) => {
    const out = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(name)}`]).toString();
    expect(out).toBe(name);
  });

  it('leaves plain words readable', () => {
    expect(shellCommand(['virsh', 'list', '--all'])).toBe('virsh list --all');
  });

  it('refuses NUL bytes', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});
