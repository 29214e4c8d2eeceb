import { describe, expect, it } from 'vitest';
import { ctrlAltF, keysymOf, sendChord, strokesFor, typeStroke, XK } from './keys';

describe('console keys', () => {
  it('types letters, shifted symbols and newlines as US keys', () => {
    expect(strokesFor('aZ!\r\n ')).toEqual([
      { keysym: 0x61, code: 'KeyA', shift: false },
      { keysym: 0x5a, code: 'KeyZ', shift: true },
      { keysym: 0x21, code: 'Digit1', shift: true },
      { keysym: XK.Return, code: 'Enter', shift: false },
      { keysym: 0x20, code: 'Space', shift: false },
    ]);
  });

  it('sends characters without a US key as Unicode keysyms', () => {
    expect(keysymOf('é')).toBe(0xe9);
    expect(strokesFor('€')).toEqual([{ keysym: 0x010020ac, code: null, shift: false }]);
  });

  it('wraps shifted strokes in Shift and releases chords in reverse', () => {
    const sent: Array<[number, string | null, boolean | undefined]> = [];
    const rfb = { sendKey: (k: number, c: string | null, d?: boolean) => void sent.push([k, c, d]) };
    typeStroke(rfb, { keysym: 0x41, code: 'KeyA', shift: true });
    expect(sent.map((s) => s[2])).toEqual([true, true, false, false]);
    expect(sent[0]?.[1]).toBe('ShiftLeft');
    sent.length = 0;
    sendChord(rfb, ctrlAltF(2));
    expect(sent.map((s) => s[1])).toEqual(['ControlLeft', 'AltLeft', 'F2', 'F2', 'AltLeft', 'ControlLeft']);
    expect(sent[2]?.[0]).toBe(0xffbf);
  });
});
