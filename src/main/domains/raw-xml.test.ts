import { describe, expect, it } from 'vitest';
import { errorLine } from './raw-xml';

// libvirt's message texts (virxml.c / libxml2 RelaxNG) as seen on 9.0.
describe('errorLine', () => {
  const sent = '<domain type="qemu">\n  <name>x</name>\n  <bogus/>\n  <vcpu>1</vcpu>\n</domain>\n';
  it('takes the line libvirt names', () => {
    expect(errorLine('(domain_definition):7: Opening and ending tag mismatch', sent)).toBe(7);
  });
  it('finds the element a schema error names', () => {
    expect(errorLine('XML document failed to validate against schema: Unable to validate doc against /x/domain.rng\nElement domain has extra content: bogus', sent)).toBe(3);
    expect(errorLine('Extra element vcpu in interleave', sent)).toBe(4);
  });
  it('falls back to the first line changed from what the editor loaded', () => {
    const base = '<domain type="qemu">\n  <name>x</name>\n  <vcpu>1</vcpu>\n</domain>\n';
    expect(errorLine('XML document failed to validate against schema', sent, base)).toBe(3);
    expect(errorLine('nothing useful', sent)).toBeUndefined();
  });
});
