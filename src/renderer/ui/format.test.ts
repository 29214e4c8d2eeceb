import { describe, expect, it } from 'vitest';
import { formatIn, formatKiB, nameList, parseTags } from './format';

describe('format', () => {
  it('formats KiB in binary units', () => {
    expect(formatKiB(512)).toBe('512 KiB');
    expect(formatKiB(1024 * 1024)).toBe('1 GiB');
    expect(formatKiB(1536 * 1024)).toBe('1.5 GiB');
    expect(formatKiB(263_921_312)).toBe('252 GiB');
    expect(formatKiB(undefined)).toBe('—');
  });
  it('formats countdowns', () => {
    expect(formatIn(10_500, 1_000)).toBe('10 s');
    expect(formatIn(500, 1_000)).toBe('0 s');
    expect(formatIn(181_000, 1_000)).toBe('3 min');
    expect(formatIn(191_000, 1_000)).toBe('3 min 10 s');
  });
  it('shortens name lists and parses tags', () => {
    expect(nameList(['a', 'b'])).toBe('a, b');
    expect(nameList(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
    expect(parseTags(' web, db ,,web ')).toEqual(['web', 'db']);
  });
});
