import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, parseHash, verifyPassword } from './passwords';

// Cheap parameters keep the suite fast on a busy machine; the format and the
// checks are the same as with the defaults.
const FAST = { ln: 10, r: 8, p: 1 };

describe('password hashes (scrypt)', () => {
  it('verifies the right password and only it', async () => {
    const h = await hashPassword('correct horse battery', FAST);
    expect(h).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password', FAST)).not.toBe(await hashPassword('same password', FAST));
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const h = await hashPassword('caf\u00e9-passw0rd', FAST);
    expect(await verifyPassword('cafe\u0301-passw0rd', h)).toBe(true);
  });

  it('refuses malformed or absurd stored hashes instead of running them', async () => {
    expect(parseHash('plain')).toBeNull();
    expect(parseHash('$scrypt$ln=30,r=8,p=1$AAAA$' + Buffer.alloc(32).toString('base64'))).toBeNull();
    expect(parseHash('$scrypt$ln=15,r=8,p=1$AAAA$AAAA')).toBeNull();
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });

  it('knows when a hash is weaker than the defaults', async () => {
    expect(needsRehash(await hashPassword('p', FAST))).toBe(true);
    expect(needsRehash('$scrypt$ln=15,r=8,p=3$AAAA$' + Buffer.alloc(32).toString('base64'))).toBe(false);
  });
});
