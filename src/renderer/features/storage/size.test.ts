import { describe, expect, it } from 'vitest';
import { cloneName, fromBytes, toBytes } from './size';

describe('form sizes', () => {
  it('reads numbers with a unit and refuses nonsense', () => {
    expect(toBytes('20', 'GiB')).toBe(20 * 2 ** 30);
    expect(toBytes('1,5', 'GiB')).toBe(1.5 * 2 ** 30);
    expect(toBytes('0', 'GiB')).toBeUndefined();
    expect(toBytes('-1', 'MiB')).toBeUndefined();
    expect(toBytes('ten', 'MiB')).toBeUndefined();
  });
  it('shows sizes in the largest tidy unit', () => {
    expect(fromBytes(2 ** 30)).toEqual({ text: '1', unit: 'GiB' });
    expect(fromBytes(1.5 * 2 ** 30)).toEqual({ text: '1.5', unit: 'GiB' });
    expect(fromBytes(300 * 2 ** 20)).toEqual({ text: '300', unit: 'MiB' });
  });
  it('names clones after their source, keeping the extension', () => {
    expect(cloneName('disk.qcow2', [])).toBe('disk-clone.qcow2');
    expect(cloneName('disk.qcow2', ['disk-clone.qcow2'])).toBe('disk-clone2.qcow2');
    expect(cloneName('lv0', [])).toBe('lv0-clone');
  });
});
