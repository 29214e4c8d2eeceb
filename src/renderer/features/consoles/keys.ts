// X11 keysyms and physical key codes for what the VNC toolbar types.
// QEMU's VNC server takes the physical key (QEMU extended key events, which
// noVNC uses when offered), so each character goes out as the key a US
// keyboard would press, with Shift where that layout needs it.

export interface Stroke {
  keysym: number;
  code: string | null;
  shift: boolean;
}

export const XK = {
  Shift_L: 0xffe1,
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
  Return: 0xff0d,
  Tab: 0xff09,
  BackSpace: 0xff08,
  Escape: 0xff1b,
  F1: 0xffbe,
} as const;

// US layout: unshifted and shifted character of each non-letter key.
const US_KEYS: ReadonlyArray<[string, string, string]> = [
  ['Backquote', '`', '~'], ['Digit1', '1', '!'], ['Digit2', '2', '@'], ['Digit3', '3', '#'], ['Digit4', '4', '$'],
  ['Digit5', '5', '%'], ['Digit6', '6', '^'], ['Digit7', '7', '&'], ['Digit8', '8', '*'], ['Digit9', '9', '('],
  ['Digit0', '0', ')'], ['Minus', '-', '_'], ['Equal', '=', '+'], ['BracketLeft', '[', '{'], ['BracketRight', ']', '}'],
  ['Backslash', '\\', '|'], ['Semicolon', ';', ':'], ['Quote', "'", '"'], ['Comma', ',', '<'], ['Period', '.', '>'],
  ['Slash', '/', '?'], ['Space', ' ', ' '],
];

const BY_CHAR = new Map<string, { code: string; shift: boolean }>();
for (const [code, plain, shifted] of US_KEYS) {
  BY_CHAR.set(plain, { code, shift: false });
  if (shifted !== plain) BY_CHAR.set(shifted, { code, shift: true });
}

/** Keysym of a character: Latin-1 maps to itself, the rest to 0x01000000 + code point (X11 rule). */
export function keysymOf(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  return cp >= 0x20 && cp <= 0xff ? cp : 0x01000000 + cp;
}

/** How to type `text`: one stroke per character; newlines become Return, CR LF counts once. */
export function strokesFor(text: string): Stroke[] {
  const out: Stroke[] = [];
  for (const ch of text.replace(/\r\n?/g, '\n')) {
    if (ch === '\n') out.push({ keysym: XK.Return, code: 'Enter', shift: false });
    else if (ch === '\t') out.push({ keysym: XK.Tab, code: 'Tab', shift: false });
    else if (/^[a-z]$/.test(ch)) out.push({ keysym: keysymOf(ch), code: `Key${ch.toUpperCase()}`, shift: false });
    else if (/^[A-Z]$/.test(ch)) out.push({ keysym: keysymOf(ch), code: `Key${ch}`, shift: true });
    else {
      const k = BY_CHAR.get(ch);
      // Characters with no US key go as bare keysyms; the server maps them if it can.
      out.push(k ? { keysym: keysymOf(ch), code: k.code, shift: k.shift } : { keysym: keysymOf(ch), code: null, shift: false });
    }
  }
  return out;
}

export interface KeySender {
  sendKey(keysym: number, code: string | null, down?: boolean): void;
}

/** Presses a chord: modifiers down in order, the key, then everything up in reverse. */
export function sendChord(rfb: KeySender, keys: ReadonlyArray<[number, string]>): void {
  for (const [sym, code] of keys) rfb.sendKey(sym, code, true);
  for (const [sym, code] of [...keys].reverse()) rfb.sendKey(sym, code, false);
}

export function ctrlAltF(n: number): Array<[number, string]> {
  return [
    [XK.Control_L, 'ControlLeft'],
    [XK.Alt_L, 'AltLeft'],
    [XK.F1 + n - 1, `F${n}`],
  ];
}

export function typeStroke(rfb: KeySender, s: Stroke): void {
  if (s.shift) rfb.sendKey(XK.Shift_L, 'ShiftLeft', true);
  rfb.sendKey(s.keysym, s.code, true);
  rfb.sendKey(s.keysym, s.code, false);
  if (s.shift) rfb.sendKey(XK.Shift_L, 'ShiftLeft', false);
}
