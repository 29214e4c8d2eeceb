import { afterAll, describe, expect, it } from 'vitest';
import { expiryText, formatBytes, formatDateTime, formatIn, formatKiB, formatNumber, formatTick, formatValue, nameList } from './format';
import { i18n } from './instance';

describe('formatting in English', () => {
  it('formats KiB in binary units', () => {
    expect(formatKiB(512)).toBe('512 KiB');
    expect(formatKiB(1024 * 1024)).toBe('1 GiB');
    expect(formatKiB(1536 * 1024)).toBe('1.5 GiB');
    expect(formatKiB(263_921_312)).toBe('252 GiB');
    expect(formatKiB(undefined)).toBe('—');
  });
  it('formats metric values', () => {
    expect(formatValue(81.66, 'percent')).toBe('82 %');
    expect(formatValue(5.25, 'percent')).toBe('5.3 %');
    expect(formatValue(1536, 'bytes')).toBe('1.50 KiB');
    expect(formatValue(3 * 2 ** 30, 'bytesPerSec')).toBe('3.00 GiB/s');
    expect(formatValue(12_345, 'perSec')).toBe('12.3 k/s');
    expect(formatValue(null, 'load')).toBe('—');
    expect(formatTick(new Date(2026, 0, 2, 3, 4, 5).getTime(), 60_000)).toBe('03:04:05');
  });
  it('formats countdowns and expiries', () => {
    expect(formatIn(10_500, 1_000)).toBe('10 s');
    expect(formatIn(500, 1_000)).toBe('0 s');
    expect(formatIn(181_000, 1_000)).toBe('3 min');
    expect(formatIn(191_000, 1_000)).toBe('3 min 10 s');
    const now = 1_700_000_000_000;
    expect(expiryText(null, now)).toBe('never');
    expect(expiryText(now + 30_000, now)).toBe('in 30 s');
    expect(expiryText(now + 59 * 60_000, now)).toBe('in 59 min');
    expect(expiryText(now + (2 * 3600 + 5 * 60) * 1000, now)).toBe('in 2 h 5 min');
    expect(expiryText(now - 10 * 60_000, now)).toBe('10 min ago');
  });
  it('shortens name lists', () => {
    expect(nameList(['a', 'b'])).toBe('a, b');
    expect(nameList(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatBytes(1023)).toBe('1,023 B');
  });
});

describe('formatting in Simplified Chinese', () => {
  afterAll(() => i18n.changeLanguage('en'));
  it('uses Chinese words, separators and dates', async () => {
    await i18n.changeLanguage('zh-CN');
    expect(formatIn(191_000, 1_000)).toBe('3 分 10 秒');
    const now = 1_700_000_000_000;
    expect(expiryText(now + 59 * 60_000, now)).toBe('59 分钟后');
    expect(expiryText(now - 10 * 60_000, now)).toBe('10 分钟前');
    expect(expiryText(null, now)).toBe('永不');
    expect(nameList(['a', 'b', 'c'], 2)).toBe('a、b 等另外 1 个');
    expect(formatKiB(1536 * 1024)).toBe('1.5 GiB');
    expect(formatDateTime(new Date(2026, 0, 2, 3, 4, 5).getTime())).toBe('2026年1月2日 03:04:05');
  });
});
