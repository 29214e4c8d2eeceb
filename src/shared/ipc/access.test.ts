import { describe, expect, it } from 'vitest';
import { accessLink, isWellFormedToken, tokenFromLink, wsProtocols } from './access';

const T = 'esFa9cTECGhy69M5CeDiUleipJxSwKai';

describe('access links', () => {
  it('round-trips the link serve prints', () => {
    const link = accessLink('https://vd.example:7420', T);
    expect(link).toBe(`https://vd.example:7420/#token=${T}`);
    expect(tokenFromLink(link)).toBe(T);
  });

  it('reads older ?token= links, a bare token, and whitespace around them', () => {
    expect(tokenFromLink(`http://127.0.0.1:7420/?token=${T}`)).toBe(T);
    expect(tokenFromLink(`  ${T}\n`)).toBe(T);
    expect(tokenFromLink(`http://127.0.0.1:7420/#/console/x?y=1&token=${T}`)).toBe(T);
  });

  it('finds nothing where there is no well-formed token', () => {
    for (const s of ['', 'http://127.0.0.1:7420/', 'http://h/#token=', 'http://h/#token=short', `http://h/#token=${T}%20`, 'token=a b c d e f g h i j k l', '<script>']) {
      expect(tokenFromLink(s)).toBeNull();
    }
  });

  it('only well-formed tokens become subprotocols (anything else would make the WebSocket constructor throw)', () => {
    expect(isWellFormedToken(T)).toBe(true);
    for (const bad of ['', 'a'.repeat(15), 'a'.repeat(257), `${T},x`, `${T} `, 'ü'.repeat(20)]) expect(isWellFormedToken(bad)).toBe(false);
    expect(wsProtocols(T)).toEqual(['virtdeck.v1', `virtdeck.bearer.${T}`]);
  });
});
