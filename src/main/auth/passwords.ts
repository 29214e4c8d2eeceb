import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Password hashes with Node's built-in scrypt (maintained with Node itself,
// no native addon of ours). Stored as a PHC-style string that carries its own
// parameters, so they can be raised later without breaking older hashes:
//   $scrypt$ln=15,r=8,p=3$<salt, base64>$<hash, base64>
// N=2^15, r=8, p=3 is one of OWASP's equivalent scrypt settings: 32 MiB per
// hash instead of the 128 MiB of N=2^17/p=1, for the same work. That keeps a
// burst of logins on a small serve box from exhausting memory.

export interface ScryptParams {
  /** log2 of N, the CPU/memory cost. */
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 3 };
const KEY_LEN = 32;
const SALT_LEN = 16;
// A hash string read from disk decides how much memory verifying costs: refuse absurd ones.
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;

function scrypt(password: string, salt: Buffer, { ln, r, p }: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: 2 ** ln, r, p, maxmem: 2 ** ln * r * 128 * 2 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, KEY_LEN, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await scrypt(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return null;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  for (const k of ['ln', 'r', 'p'] as const) if (params[k] < LIMITS[k][0] || params[k] > LIMITS[k][1]) return null;
  const key = Buffer.from(m[5]!, 'base64');
  if (key.length !== KEY_LEN) return null;
  return { params, salt: Buffer.from(m[4]!, 'base64'), key };
}

/** Constant-time check; false for a malformed stored hash (logged by the caller). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/** True when a stored hash uses weaker parameters than today's: rehash it at the next good login. */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_PARAMS): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.params.ln < params.ln || parsed.params.r * parsed.params.p < params.r * params.p;
}
