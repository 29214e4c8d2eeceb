import { describe, expect, it } from 'vitest';
import { pickLanguage, supported } from './detect';

describe('language detection', () => {
  it('maps OS/browser tags to shipped languages', () => {
    expect(supported('zh-CN')).toBe('zh-CN');
    expect(supported('zh-Hans-CN')).toBe('zh-CN');
    expect(supported('zh')).toBe('zh-CN');
    expect(supported('zh-TW')).toBeUndefined();
    expect(supported('en-GB')).toBe('en');
    expect(supported('de-DE')).toBeUndefined();
  });
  it('prefers the saved choice, then the first supported preference, then English', () => {
    expect(pickLanguage('en', ['zh-CN'])).toBe('en');
    expect(pickLanguage('system', ['de-DE', 'zh-CN', 'en-US'])).toBe('zh-CN');
    expect(pickLanguage('system', ['fr'])).toBe('en');
    expect(pickLanguage('zh-CN', [])).toBe('zh-CN');
  });
});
