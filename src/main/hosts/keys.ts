import { createHash } from 'node:crypto';

// SSH public keys travel as "blobs": the wire encoding that starts with the
// key type as an SSH string (u32 length + bytes). known_hosts stores the same
// blob in base64, so comparing blobs byte for byte compares keys.

/** Key type named inside the blob, e.g. `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) throw new Error('host key blob too short');
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) throw new Error('host key blob has no key type');
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's default fingerprint form: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
