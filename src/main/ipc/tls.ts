import { X509Certificate, createPrivateKey } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { generate } from 'selfsigned';
import type { Logger } from '../util/log';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** SHA-256 of the certificate, `AB:CD:…`, as browsers show it. */
  fingerprint: string;
}

const VALID_DAYS = 825;
// Renew a little before expiry so a long-running serve never presents an expired certificate on restart.
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

/** A certificate and key the admin brought (`--tls-cert/--tls-key`); refuses a pair that does not match. */
export async function tlsFromFiles(certFile: string, keyFile: string): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([fs.readFile(certFile, 'utf8'), fs.readFile(keyFile, 'utf8')]);
  try {
    createSecureContext({ cert, key }); // throws when key and certificate don't belong together
  } catch (e) {
    throw new Error(`--tls-cert ${certFile} and --tls-key ${keyFile} do not make a usable pair: ${(e as Error).message}`);
  }
  return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256 };
}

/**
 * Our own certificate, kept in `<configDir>/tls/` so its fingerprint stays
 * the same across restarts (users compare it once). Made again only when it
 * is about to expire or does not cover a name we now answer to.
 */
export async function selfSignedTls(configDir: string, names: readonly string[], log: Logger): Promise<TlsMaterial> {
  const dir = path.join(configDir, 'tls');
  const certFile = path.join(dir, 'serve-cert.pem');
  const keyFile = path.join(dir, 'serve-key.pem');
  const existing = await Promise.all([fs.readFile(certFile, 'utf8'), fs.readFile(keyFile, 'utf8')]).catch(() => null);
  if (existing) {
    const [cert, key] = existing;
    const why = unusable(cert, key, names);
    if (!why) return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256 };
    log.warn(`making a new self-signed certificate: ${why}`);
  }
  const wanted = [...new Set(names.map((n) => n.toLowerCase().replace(/^\[|\]$/g, '')))];
  const now = new Date();
  const made = await generate([{ name: 'commonName', value: 'VirtDeck serve' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 3600_000), // tolerate a client clock a little behind
    notAfterDate: new Date(now.getTime() + VALID_DAYS * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: wanted.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await writePrivate(keyFile, made.private);
  await writePrivate(certFile, made.cert);
  return { cert: made.cert, key: made.private, fingerprint: new X509Certificate(made.cert).fingerprint256 };
}

/** Why a stored certificate can't be used any more, or null when it can. */
export function unusable(cert: string, key: string, names: readonly string[], now = Date.now()): string | null {
  let x: X509Certificate;
  try {
    x = new X509Certificate(cert);
    if (!x.checkPrivateKey(createPrivateKey(key))) return 'the stored key does not match the stored certificate';
  } catch (e) {
    return `the stored certificate is unreadable (${(e as Error).message})`;
  }
  if (Date.parse(x.validTo) - now < RENEW_BEFORE_MS) return `the stored certificate expires ${x.validTo}`;
  for (const n of names) {
    const bare = n.replace(/^\[|\]$/g, '');
    const covered = isIP(bare) ? x.checkIP(bare) !== undefined : x.checkHost(bare) !== undefined;
    if (!covered) return `the stored certificate does not name ${n}`;
  }
  return null;
}

async function writePrivate(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, data, { mode: 0o600 });
  await fs.rename(tmp, file);
}
